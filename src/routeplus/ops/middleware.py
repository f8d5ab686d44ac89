"""Database outages answer with a plain 503 page within seconds, and the app recovers by itself.

Placed first in MIDDLEWARE. A database error raised by a view is caught in `process_exception`; one raised
further out (a session saved after the view, the user loaded by a context processor) has already been turned
into a 500 by Django's handler, so `got_request_exception` marks the request and `__call__` swaps the
500 for the 503. The broken connection is discarded by Django at the end of the request
(`close_if_unusable_or_obsolete`), and the next request opens a new one: no restart needed.
Nothing here queries the database, and the page says nothing about the request.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("routeplus.ops")

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_MARK = "_routeplus_database_unavailable"


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Connection-level failures only; a constraint violation or a bad query stays a 500 (it is a bug)."""
    while exc is not None:
        if isinstance(exc, UNAVAILABLE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    # No RequestContext: context processors would load the user from the database that is down.
    body = render_to_string("ops/unavailable.html", {"lang": getattr(request, "LANGUAGE_CODE", "nl")})
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _discard_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            # Outside of atomic blocks only; inside one, Django rolls back and the request ends anyway.
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
        except Exception:  # noqa: S110 - closing a dead connection may itself fail; nothing to do then
            pass


@receiver(got_request_exception)
def _mark_database_unavailable(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    import sys

    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, _MARK, True)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except UNAVAILABLE_ERRORS:
            # Only reached when DEBUG_PROPAGATE_EXCEPTIONS is on; still answer like an outage.
            response = self._unavailable(request)
        if getattr(request, _MARK, False) and response.status_code >= 500 and response.status_code != 503:
            response = self._unavailable(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            return self._unavailable(request)
        return None

    def _unavailable(self, request: HttpRequest) -> HttpResponse:
        # The class name only: driver messages name hosts and sometimes values.
        logger.error("database unavailable", extra={"event_kind": "database_unavailable", "path": request.path})
        _discard_broken_connections()
        return unavailable_response(request)
