"""URLs of logging in and out, the second factor and the user's own sessions."""

from django.urls import path

from routeplus.accounts import oidc, views, webauthn

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.login, name="login"),
    path("uitloggen/", views.logout, name="logout"),
    path("inloggen/tweede-stap/", views.two_factor_verify, name="two_factor"),
    path("inloggen/tweede-stap/instellen/", views.two_factor_setup, name="two_factor_setup"),
    path("account/herstelcodes/", views.recovery_codes_new, name="recovery_codes"),
    path("account/beveiligingssleutel/verwijderen/", webauthn.credential_remove, name="webauthn_remove"),
    path("account/sessies/", views.my_sessions, name="sessions"),
    path("inloggen/sso/", oidc.authenticate, name="oidc_authenticate"),
    path("inloggen/sso/terug/", oidc.callback, name="oidc_callback"),
]
