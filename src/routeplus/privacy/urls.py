"""URLs of the privacy pages."""

from django.urls import path, re_path

from routeplus.privacy import views

app_name = "privacy"
urlpatterns = [
    path("verwerkingsregister/", views.register, name="register"),
    re_path(r"^verwerkingsregister/export\.(?P<fmt>csv|xlsx)$", views.register_export, name="register_export"),
    path("dossier/<uuid:trajectory_uuid>/toestemming/", views.consent, name="consent"),
    path("verzoeken/", views.requests, name="requests"),
    path("onderzoeksexport/", views.research, name="research"),
    path("verzoeken/<uuid:request_uuid>/", views.request_detail, name="request_detail"),
]
