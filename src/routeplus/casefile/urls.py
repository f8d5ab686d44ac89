"""URLs of the case-file sections and the employers. Identifiers are opaque UUIDs, never names or a BSN."""

from django.urls import path

from routeplus.casefile import views

app_name = "casefile"
urlpatterns = [
    path("dossier/<uuid:trajectory_uuid>/plan/", views.plan, name="plan"),
    path("dossier/<uuid:trajectory_uuid>/plan/leerdoel/", views.goal_add, name="goal_add"),
    path("dossier/<uuid:trajectory_uuid>/leerdoelen/<uuid:goal_uuid>/", views.goal_detail, name="goal_detail"),
    path("dossier/<uuid:trajectory_uuid>/leerdoelen/<uuid:goal_uuid>/evaluatie/", views.review_add, name="review_add"),
    path("dossier/<uuid:trajectory_uuid>/stages/", views.placements, name="placements"),
    path("dossier/<uuid:trajectory_uuid>/stages/<uuid:placement_uuid>/", views.placement_edit, name="placement_edit"),
    path("dossier/<uuid:trajectory_uuid>/voorzieningen/", views.provisions, name="provisions"),
    path(
        "dossier/<uuid:trajectory_uuid>/voorzieningen/<uuid:provision_uuid>/",
        views.provision_edit,
        name="provision_edit",
    ),
    path("dossier/<uuid:trajectory_uuid>/resultaten/", views.results, name="results"),
    path("dossier/<uuid:trajectory_uuid>/resultaten/<uuid:result_uuid>/", views.result_edit, name="result_edit"),
    path(
        "dossier/<uuid:trajectory_uuid>/resultaten/voorstel/<uuid:proposal_uuid>/",
        views.proposal_decide,
        name="proposal_decide",
    ),
    path("dossier/<uuid:trajectory_uuid>/contacten/", views.contacts, name="contacts"),
    path("dossier/<uuid:trajectory_uuid>/contacten/<uuid:contact_uuid>/", views.contact_edit, name="contact_edit"),
    path("dossier/<uuid:trajectory_uuid>/knelpunten/", views.bottlenecks, name="bottlenecks"),
    path(
        "dossier/<uuid:trajectory_uuid>/knelpunten/<uuid:bottleneck_uuid>/",
        views.bottleneck_edit,
        name="bottleneck_edit",
    ),
    path("dossier/<uuid:trajectory_uuid>/tijdlijn/", views.timeline, name="timeline"),
    path("werkgevers/", views.employers, name="employers"),
    path("werkgevers/<uuid:employer_uuid>/", views.employer_edit, name="employer_edit"),
]
