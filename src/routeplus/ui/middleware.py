"""Response hardening and the request's access-log bookkeeping."""

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.cache import add_never_cache_headers

from routeplus.access.rules import AccessSpec, Rule, spec_of
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append, access_log_journal, access_log_settle

logger = logging.getLogger(__name__)

_request: ContextVar[HttpRequest | None] = ContextVar("routeplus_request", default=None)


def current_request() -> HttpRequest | None:
    """The request being served in this context (for audit records made in signal receivers)."""
    return _request.get()


class NoStoreMiddleware:
    """Every page of a logged-in user may show personal data: browsers and proxies must not keep it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            add_never_cache_headers(response)
        return response


ACTION_BY_METHOD = {"GET": Action.READ, "HEAD": Action.READ, "DELETE": Action.DELETE}
POLICY_TO_LOG_ACTION = {"export": Action.EXPORT, "delete": Action.DELETE, "read": Action.READ}


class AccessLogMiddleware:
    """Exactly one access-log entry for each request to a route that touches personal data, durable and
    fail-closed.

    Routes that use the door (access_case_file) write their own entry with participant and section; for
    every other personal-data route (lists, registration, admin, the log itself) this middleware writes one
    after the view. Entries that a rolled-back transaction took with it are written again. When an entry
    cannot be written, the response is replaced by a 503: the data is not shown.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            with access_log_journal() as journal:
                response = self.get_response(request)
                try:
                    access_log_settle(journal)
                    spec: AccessSpec | None = getattr(request, "_routeplus_access", None)
                    if spec is not None and spec.personal and journal.count == 0 and _has_user(request):
                        _append_request_entry(request, response, spec, journal.participant_refs)
                except Exception:
                    logger.exception("access log could not be written; response withheld")
                    return _unavailable()
                return response
        finally:
            _request.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        request._routeplus_access = spec_of(view_func, match.namespace if match else "")  # type: ignore[attr-defined]
        return None


def _has_user(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _append_request_entry(request: HttpRequest, response: HttpResponse, spec: AccessSpec, refs: list[str]) -> None:
    policy_action = spec.action_for(request.method)
    if policy_action in POLICY_TO_LOG_ACTION:
        action = POLICY_TO_LOG_ACTION[policy_action]
    else:
        action = Action.CREATE if response.status_code in (201, 302, 303) else Action.UPDATE
    result = Result.REFUSED if response.status_code in (401, 403, 404, 405, 429) else Result.ALLOWED
    match = request.resolver_match
    access_log_append(
        actor=request.user,
        action=action,
        result=result,
        origin=Origin.from_request(request),
        object_type="route" if spec.rule is not Rule.ADMIN else "admin",
        object_ref=(match.view_name if match else "")[:64],
        participant_ref=refs[0] if len(refs) == 1 else "",
        section=spec.category,
        purpose=f"{request.method} {response.status_code}" + (f" participants={len(refs)}" if len(refs) > 1 else ""),
    )


def _unavailable() -> HttpResponse:
    response = SimpleTemplateResponse("audit/log_unavailable.html", status=503)
    response.render()
    add_never_cache_headers(response)
    return response
