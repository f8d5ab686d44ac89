"""How drf-spectacular describes the API: list views, and the two ways to authenticate."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

PROBLEM_MEDIA_TYPE = "application/problem+json"
ERROR_CODES = {
    "400": "Invalid input; `errors` names each field.",
    "401": "No valid token or session.",
    "403": "The role or the token's scope does not allow this.",
    "404": "Not there, or not yours (the same answer on purpose).",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "415": "Send JSON.",
}
VERSIONED_CODES = {
    "412": "The version in If-Match is not the current one.",
    "428": "If-Match is required on writes.",
}


class ProblemError(serializers.Serializer):
    field = serializers.CharField()
    pointer = serializers.CharField()
    detail = serializers.CharField()


class Problem(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = ProblemError(many=True, required=False)  # type: ignore[assignment]


class ApiSchema(AutoSchema):
    """A view with `is_list = True` answers GET with a page of rows (our views are not DRF's ListAPIView)."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        if self.method == "GET" and getattr(self.view, "is_list", False):
            return True
        return super()._is_list_view(serializer)

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        """Every operation's error answers are problem documents (application/problem+json)."""
        responses = super()._get_response_bodies(direction)
        if self.method == "POST" and getattr(self.view, "creates", False) and "200" in responses:
            responses["201"] = responses.pop("200")
        component = self.resolve_serializer(Problem, "response")
        codes = dict(ERROR_CODES)
        if self.method in ("POST", "PATCH", "PUT") and getattr(self.view, "versioned_writes", False):
            codes |= VERSIONED_CODES
        for code, description in codes.items():
            responses[code] = {
                "description": description,
                "content": {PROBLEM_MEDIA_TYPE: {"schema": component.ref}},
            }
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "routeplus.api.auth.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (rp_...) issued by a functional administrator.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "routeplus.api.auth.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        from django.conf import settings

        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
