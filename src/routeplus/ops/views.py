"""Health endpoints for load balancers and monitoring: public, cheap, and free of personal data."""

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from routeplus.access.rules import Rule, access_rule
from routeplus.ops.health import readiness


@access_rule(Rule.PUBLIC)
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answering; touches nothing else, so a database outage does not restart it."""
    return JsonResponse({"status": "ok"})


@access_rule(Rule.PUBLIC)
@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: database reachable, migrations applied, worker heartbeat recent. 503 when not."""
    try:
        checks = readiness()
    except DatabaseError:  # pragma: no cover - readiness() already turns database errors into a failed check
        return JsonResponse({"status": "unavailable"}, status=503)
    ok = all(check.ok for check in checks)
    body = {
        "status": "ok" if ok else "unavailable",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail, "ms": check.ms} for check in checks},
    }
    return JsonResponse(body, status=200 if ok else 503)
