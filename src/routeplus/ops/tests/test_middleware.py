"""A database outage answers 503 with a plain page, whether the view or the middleware around it hits it."""

import pytest
from django.db import IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from routeplus.access.rules import Rule, access_rule
from routeplus.ops.middleware import DatabaseUnavailableMiddleware, is_database_unavailable


@access_rule(Rule.PUBLIC)
def view_database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@access_rule(Rule.PUBLIC)
def view_constraint_broken(request: HttpRequest) -> HttpResponse:
    raise IntegrityError("duplicate key value violates unique constraint")


@access_rule(Rule.PUBLIC)
def view_ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


class FailingOuterMiddleware:
    """Stands for a middleware that needs the database after the view ran (like saving the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path == "/after-view/":
            raise OperationalError("server closed the connection unexpectedly")
        return response


urlpatterns = [
    path("gone/", view_database_gone),
    path("broken/", view_constraint_broken),
    path("after-view/", view_ok),
]


@pytest.fixture
def no_raise_client() -> Client:
    # The test client re-raises view exceptions by default; a real server does not.
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_view_losing_the_database_gets_the_503_page(no_raise_client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = no_raise_client.get("/gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "tijdelijk niet beschikbaar" in body
    # Nothing of the driver's message (host, port) reaches the user.
    assert "5432" not in body and "127.0.0.1" not in body


@override_settings(ROOT_URLCONF=__name__)
def test_view_errors_that_are_bugs_stay_500(no_raise_client: Client) -> None:
    assert no_raise_client.get("/broken/").status_code == 500


def test_outage_raised_outside_the_view_is_turned_into_503(no_raise_client: Client, settings) -> None:
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [
        "routeplus.ops.middleware.DatabaseUnavailableMiddleware",
        f"{__name__}.FailingOuterMiddleware",
        *[m for m in settings.MIDDLEWARE if m != "routeplus.ops.middleware.DatabaseUnavailableMiddleware"],
    ]
    response = no_raise_client.get("/after-view/")
    assert response.status_code == 503
    assert "tijdelijk niet beschikbaar" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_healthy_requests_pass_through_unchanged(no_raise_client: Client) -> None:
    response = no_raise_client.get("/after-view/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_only_connection_level_errors_count_as_unavailable() -> None:
    assert is_database_unavailable(OperationalError("gone"))
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = OperationalError("gone")
    assert is_database_unavailable(wrapped)
    assert not is_database_unavailable(IntegrityError("dup"))
    assert not is_database_unavailable(ValueError("x"))
    assert not is_database_unavailable(None)


def test_middleware_is_outermost() -> None:
    from django.conf import settings

    assert settings.MIDDLEWARE[0] == "routeplus.ops.middleware.DatabaseUnavailableMiddleware"
    assert DatabaseUnavailableMiddleware.__module__ == "routeplus.ops.middleware"
