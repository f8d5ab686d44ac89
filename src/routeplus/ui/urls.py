"""URLs of the shared pages."""

from django.urls import path

from routeplus.ui import views

app_name = "ui"
urlpatterns = [path("", views.home, name="home")]
