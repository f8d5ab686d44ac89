"""The URL configuration. Every view carries an access rule (routeplus.access.rules); a test enforces it."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "routeplus beheer"
admin.site.site_title = "routeplus"

urlpatterns = [
    path("", include("routeplus.ui.urls")),
    path("", include("routeplus.accounts.urls")),
    path("inloggen/sleutel/", include("routeplus.accounts.webauthn_urls")),
    path("", include("routeplus.trajectories.urls")),
    path("", include("routeplus.casefile.urls")),
    path("", include("routeplus.intake.urls")),
    path("", include("routeplus.ops.urls")),
    path("monitor/", include("routeplus.monitor.urls")),
    path("werkvoorraad/", include("routeplus.alerts.urls")),
    path("wegwijzer/", include("routeplus.guide.urls")),
    path("businesscase/", include("routeplus.finance.urls")),
    path("privacy/", include("routeplus.privacy.urls")),
    path("toegangslog/", include("routeplus.audit.urls")),
    path("", include("routeplus.audit.history_urls")),
    path("api/", include("routeplus.api.urls")),
    path("beheer/", admin.site.urls),
]

if settings.ROUTEPLUS_BENCHMARK:
    # The benchmark's floor pages: only in a server started by `routeplus bench`, never otherwise.
    urlpatterns.append(path("bench/", include("routeplus.benchmark.urls")))
