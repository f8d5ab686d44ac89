"""URLs of monitor."""

from django.urls import path

from routeplus.monitor import views

app_name = "monitor"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("vaststellen/", views.establish, name="establish"),
    path("achter-het-cijfer/", views.drilldown, name="drilldown"),
    path("register/", views.register_upload, name="import"),
    path("register/inlezen/", views.register_confirm, name="import_confirm"),
]
