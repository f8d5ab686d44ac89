"""URLs of the benchmark's floor pages; included by conf/urls.py only when ROUTEPLUS_BENCHMARK is on."""

from django.urls import path

from routeplus.benchmark import views

app_name = "benchmark"
urlpatterns = [
    path("trivial/", views.trivial, name="trivial"),
    path("caseload-floor/", views.caseload_floor, name="caseload_floor"),
]
