"""The project's URLs with the benchmark's floor pages mounted, as in a server started by `routeplus bench`."""

from django.urls import include, path

from routeplus.conf.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("bench/", include("routeplus.benchmark.urls"))]
