"""URLs of the change history of a case file and of each of its records, beside the case file's own pages."""

from django.urls import path

from routeplus.audit import views

app_name = "history"
urlpatterns = [
    path("dossier/<uuid:trajectory_uuid>/geschiedenis/", views.case_file_history, name="case_file"),
    path("dossier/<uuid:trajectory_uuid>/geschiedenis/<slug:kind>/", views.record_history, name="record"),
    path(
        "dossier/<uuid:trajectory_uuid>/geschiedenis/<slug:kind>/<uuid:record_uuid>/",
        views.record_history,
        name="record",
    ),
]
