"""django-otp-webauthn's endpoints under their own names (its scripts and template tags reverse them), each
through our wrapper with its access rule (accounts/webauthn.py). Mounted in conf/urls.py."""

from django.urls import path

from routeplus.accounts import webauthn

app_name = "otp_webauthn"
urlpatterns = [
    path("registreren/begin/", webauthn.registration_begin, name="credential-registration-begin"),
    path("registreren/afronden/", webauthn.registration_complete, name="credential-registration-complete"),
    path("controleren/begin/", webauthn.authentication_begin, name="credential-authentication-begin"),
    path("controleren/afronden/", webauthn.authentication_complete, name="credential-authentication-complete"),
    path("jsi18n/", webauthn.javascript_catalog, name="js-i18n-catalog"),
]
