"""URLs of intake: registration, the waiting list and capacity. Identifiers are opaque UUIDs."""

from django.urls import path

from routeplus.intake import views

app_name = "intake"
urlpatterns = [
    path("aanmelden/", views.register, name="register"),
    path("aanmelden/toets/", views.eligibility_check, name="eligibility"),
    path("aanmelden/<uuid:trajectory_uuid>/", views.registration, name="registration"),
    path("aanmelden/schoollijst/", views.school_list, name="school_list"),
    path("aanmelden/schoollijst/<uuid:upload_uuid>/", views.school_list_preview, name="school_list_preview"),
    path("wachtlijst/", views.waiting_list, name="waiting_list"),
    path("wachtlijst/<uuid:trajectory_uuid>/toelaten/", views.admit, name="admit"),
    path("wachtlijst/<uuid:trajectory_uuid>/voorrang/", views.prioritise, name="prioritise"),
    path("capaciteit/", views.capacity, name="capacity"),
]
