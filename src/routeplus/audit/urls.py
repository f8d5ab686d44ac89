"""URLs of the privacy officer's pages (Toegangslog); the change history of case files is in history_urls.py."""

from django.urls import path

from routeplus.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("export/", views.access_log_export, name="access_log_export"),
    path("beleid/", views.access_policy, name="access_policy"),
    path("beleid/export/", views.access_policy_export, name="access_policy_export"),
]
