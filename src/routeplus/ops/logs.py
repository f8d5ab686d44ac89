"""JSON-lines logging for production: one object per line on stdout, without personal data.

What keeps personal data out: only whitelisted `extra` keys are copied into a line (a `request` object, form
data or a user never are); exceptions are written as their type and stack frames, never their message
(database drivers put row values in messages: "Key (bsn)=(...) already exists"); access lines carry the path
without its query string, and no client address or user agent (those belong in the audit access log, which
has its own retention and protection).
"""

import logging
import logging.config
import traceback
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

import structlog
from gunicorn.glogging import Logger as _GunicornLogger

# Keys that callers may pass in `extra` and that are copied into the line. Everything else is dropped.
ALLOWED_EXTRA = (
    "event_kind",
    "status_code",
    "method",
    "path",
    "duration_ms",
    "bytes",
    "task",
    "queue",
    "rows",
    "table",
    "seconds",
    "pid",
)


def safe_exception(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Replace exc_info by the exception's type and frames; the message may hold data and is dropped."""
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        import sys

        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if exc_info and exc_info[0] is not None:
        exc_type, _exc, tb = exc_info
        event["exception"] = {
            "type": f"{exc_type.__module__}.{exc_type.__qualname__}",
            "frames": [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)][-15:],
        }
    event.pop("stack_info", None)
    return event


def _drop_record_args(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event.pop("_record", None)
    event.pop("_from_structlog", None)
    return event


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
    structlog.stdlib.ExtraAdder(allow=ALLOWED_EXTRA),
]


def json_formatter() -> dict[str, Any]:
    """A logging `formatters` entry rendering stdlib and structlog records alike as one JSON object a line."""
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": SHARED_PROCESSORS,
        "processors": [
            _drop_record_args,
            safe_exception,
            structlog.processors.EventRenamer("msg"),
            structlog.processors.JSONRenderer(sort_keys=False),
        ],
    }


def configure_structlog() -> None:
    """Route structlog loggers through the stdlib handlers, so both end up in the same JSON stream."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS[:-1],
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def json_logging(level: str = "INFO") -> dict[str, Any]:
    """The LOGGING setting of the production profile."""
    configure_structlog()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": json_formatter()},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Django's request logger passes the request object; ExtraAdder keeps only status_code from it.
            "django.request": {"level": "WARNING"},
            "gunicorn.error": {"level": level, "handlers": ["stdout"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
    }


class GunicornJsonLogger(_GunicornLogger):
    """gunicorn's access log as JSON lines through the same formatter: method, path, status, size, duration."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        config = json_logging(cfg.loglevel.upper())
        config["disable_existing_loggers"] = False
        logging.config.dictConfig(config)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        self.access_log.info(
            "request",
            extra={
                "event_kind": "access",
                "method": environ.get("REQUEST_METHOD", ""),
                "path": environ.get("PATH_INFO", ""),  # never the query string
                "status_code": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
            },
        )
