"""URLs of the worklist (included at /werkvoorraad/). Signals by opaque UUID only."""

from django.urls import path

from routeplus.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.worklist_page, name="worklist"),
    path("team/", views.team_page, name="team"),
    path("dagmail/", views.digest_toggle, name="digest"),
    path("<uuid:signal_uuid>/", views.signal_page, name="signal"),
    path("<uuid:signal_uuid>/<slug:action>/", views.signal_act, name="act"),
]
