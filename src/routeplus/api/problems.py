"""Errors as `application/problem+json` (RFC 9457), with field names for validation errors."""

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Ongeldige invoer",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    412: "Versie verouderd",
    415: "Mediatype niet ondersteund",
    428: "Versie ontbreekt",
    429: "Te veel verzoeken",
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "Iemand anders heeft dit intussen gewijzigd; haal de nieuwe versie op."
    default_code = "stale_version"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Stuur de versie mee in de header If-Match (de ETag van de laatste GET)."
    default_code = "version_required"


def problem(status_code: int, *, title: str = "", detail: str = "", errors: list[dict[str, str]] | None = None) -> dict:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or _(TITLES.get(status_code, "Fout")),
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return body


def problem_response(*, status: int, title: str = "", detail: str = "") -> HttpResponse:
    """A problem document outside DRF (from the route wrapper, before a DRF view runs)."""
    return HttpResponse(
        json.dumps(problem(status, title=title, detail=detail)), status=status, content_type=PROBLEM_TYPE
    )


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {field, pointer, detail}."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else name or prefix)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": prefix, "pointer": "/" + prefix.replace(".", "/"), "detail": str(d)} for d in detail]
        out = []
        for index, item in enumerate(detail):
            out += _flatten(item, f"{prefix}.{index}" if prefix else str(index))
        return out
    return [{"field": prefix, "pointer": "/" + prefix.replace(".", "/"), "detail": str(detail)}]


def django_errors(error: DjangoValidationError) -> list[dict[str, str]]:
    """A service's ValidationError (with a field dict where a field is to blame) as problem errors."""
    if hasattr(error, "error_dict"):
        return _flatten({k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()})
    return _flatten([str(m) for m in error.messages])


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering every error as a problem document."""
    if isinstance(exc, DjangoValidationError):
        found = django_errors(exc)
        return Response(
            problem(400, detail=found[0]["detail"] if found else "", errors=found),
            status=400,
            content_type=PROBLEM_TYPE,
        )
    from rest_framework.views import exception_handler  # not at import time: DRF's settings import us

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    errors: list[dict[str, str]] = []
    detail = ""
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(data)
        detail = errors[0]["detail"] if errors else ""
    elif isinstance(data, dict) and "detail" in data:
        detail = str(data["detail"])
    response.data = problem(response.status_code, detail=detail, errors=errors)
    response.content_type = PROBLEM_TYPE
    return response
