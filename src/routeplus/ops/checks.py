"""Deployment checks of ops, run by `routeplus check --deploy` (and so by `make prod-check`)."""

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def database_is_production_grade(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # Reads settings only (no connection), so it runs in CI without a production database.
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return [
            Warning(
                "The database is SQLite.",
                hint="Production runs on PostgreSQL: set DATABASE_URL=postgres://... (see docs/operations.md).",
                id="ops.W001",
            )
        ]
    return []


@register(deploy=True)
def mail_is_delivered(app_configs: Any, **kwargs: Any) -> list[Warning]:
    backend = str(settings.MAILERS["default"]["BACKEND"])
    if not backend.endswith("smtp.EmailBackend"):
        return [
            Warning(
                f"Mail is not delivered: the mail backend is {backend}.",
                hint="Set EMAIL_BACKEND=smtp and EMAIL_HOST for production.",
                id="ops.W002",
            )
        ]
    return []


@register(deploy=True)
def worker_heartbeat_limit_is_sane(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # The timer enqueues a heartbeat every minute; a limit below two minutes flaps, above an hour hides outages.
    limit = settings.ROUTEPLUS_WORKER_HEARTBEAT_MAX_AGE
    if not 120 <= limit <= 3600:
        return [
            Warning(
                f"WORKER_HEARTBEAT_MAX_AGE is {limit} seconds.",
                hint="Use 120 to 3600 seconds; the heartbeat timer runs every minute.",
                id="ops.W003",
            )
        ]
    return []
