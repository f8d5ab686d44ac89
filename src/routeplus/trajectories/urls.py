"""URLs of the caseload and case file. Identifiers are opaque UUIDs, never names or a BSN."""

from django.urls import path

from routeplus.trajectories import handover_views, views

app_name = "trajectories"
urlpatterns = [
    path("jongeren/", views.caseload, name="caseload"),
    path("dossier/<uuid:trajectory_uuid>/", views.case_file, name="case_file"),
    path("dossier/<uuid:trajectory_uuid>/status/", views.change_status, name="change_status"),
    path("dossier/<uuid:trajectory_uuid>/team/", views.team_add, name="team_add"),
    path("dossier/<uuid:trajectory_uuid>/team/einde/", views.team_end, name="team_end"),
    path("dossier/<uuid:trajectory_uuid>/overdracht/", handover_views.handover, name="handover"),
]
