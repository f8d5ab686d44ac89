"""URLs of ops: the health endpoints (at the root, where load balancers and orchestrators expect them)."""

from django.urls import path

from routeplus.ops import views

app_name = "ops"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
