"""URLs of the business case (included at businesscase/)."""

from django.urls import path

from routeplus.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.page, name="page"),
    path("rapport.pdf", views.report, name="report"),
    path("scenario/opslaan/", views.scenario_save, name="scenario_save"),
    path("scenario/<uuid:scenario_uuid>/rapport.pdf", views.scenario_report, name="scenario_report"),
    path("scenario/<uuid:scenario_uuid>/verwijderen/", views.scenario_remove, name="scenario_delete"),
]
