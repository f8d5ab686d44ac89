"""The OpenAPI schema and a server-rendered guide to it (no scripts from a CDN: the CSP forbids them)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView

from routeplus.api.auth import TokenAuthentication, VerifiedSessionAuthentication

METHODS = ("get", "post", "put", "patch", "delete")


class SchemaView(SpectacularAPIView):
    authentication_classes = [TokenAuthentication, VerifiedSessionAuthentication]
    urlconf = None


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for route, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                operations.append(
                    {
                        "method": method.upper(),
                        "path": route,
                        "id": op.get("operationId", ""),
                        "summary": op.get("summary") or (op.get("description") or "").split("\n")[0],
                        "tags": ", ".join(op.get("tags", [])),
                        "parameters": [
                            {"name": p["name"], "in": p["in"], "required": p.get("required", False)}
                            for p in op.get("parameters", [])
                        ],
                        "responses": sorted(op.get("responses", {})),
                    }
                )
    return operations


def docs_page(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(request, "api/docs.html", {"info": schema.get("info", {}), "operations": _operations(schema)})
