"""Staff SSO against a real OpenID provider (pyop) served on loopback; and a provider that does not answer."""

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.accounts.oidc import asserts_second_factor
from routeplus.audit.models import AccessLogEntry, Action
from routeplus.testing.factories import professional

pytestmark = pytest.mark.django_db
CLIENT_ID = "routeplus-test"
CLIENT_SECRET = "loopback-only-client-secret"  # a throwaway provider in this test
CALLBACK = "http://testserver/inloggen/sso/terug/"


class LoopbackProvider:
    """A pyop OpenID provider on 127.0.0.1 that logs in `user_id` and adds `extra_claims` to its ID token."""

    def __init__(self, email: str, extra_claims: dict[str, Any]) -> None:
        from Cryptodome.PublicKey import RSA
        from jwkest.jwk import RSAKey
        from pyop.authz_state import AuthorizationState
        from pyop.provider import Provider
        from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
        from pyop.userinfo import Userinfo

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.extra_claims = extra_claims
        self.provider = Provider(
            RSAKey(key=RSA.generate(2048), alg="RS256", kid="loopback"),
            {
                # An issuer must be an https URL (only an identifier here); the endpoints are plain loopback.
                "issuer": "https://loopback.provider.test",
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "userinfo_endpoint": f"{self.base}/userinfo",
                "jwks_uri": f"{self.base}/jwks",
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "subject_types_supported": ["public"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "scopes_supported": ["openid", "email", "profile"],
                "claims_supported": ["email", "email_verified"],
            },
            AuthorizationState(HashBasedSubjectIdentifierFactory("loopback-salt")),
            {
                CLIENT_ID: {
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [CALLBACK],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_post",
                }
            },
            Userinfo({"staff-1": {"email": email, "email_verified": True}}),
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: str = "", headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in (headers or {"Content-Type": "application/json"}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body.encode())

            def do_GET(self) -> None:
                from pyop.util import should_fragment_encode

                path, _, query = self.path.partition("?")
                if path == "/jwks":
                    self._send(200, json.dumps(outer.provider.jwks))
                elif path == "/authorize":
                    request = outer.provider.parse_authentication_request(query)
                    response = outer.provider.authorize(request, "staff-1", extra_id_token_claims=outer.extra_claims)
                    location = response.request(request["redirect_uri"], should_fragment_encode(request))
                    self._send(302, "", {"Location": location})
                elif path == "/userinfo":
                    info = outer.provider.handle_userinfo_request(query, dict(self.headers))
                    self._send(200, info.to_json())
                else:
                    self._send(404, "{}")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                if self.path == "/token":
                    tokens = outer.provider.handle_token_request(
                        body, dict(self.headers), extra_id_token_claims=outer.extra_claims
                    )
                    self._send(200, tokens.to_json())
                else:
                    self._send(404, "{}")

        return Handler

    def __enter__(self) -> "LoopbackProvider":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sso(settings: Any) -> Any:
    settings.ROUTEPLUS_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_TIMEOUT = 2
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "routeplus.accounts.oidc.StaffOIDCBackend"]

    def configure(base: str) -> None:
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"

    return configure


def sign_in(client: Client) -> Any:
    start = client.get(reverse("accounts:oidc_authenticate"))
    assert start.status_code == 302
    assert "code_challenge" in start["Location"]  # PKCE
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(start["Location"], timeout=5)  # the loopback provider of this test
        raise AssertionError("the provider should redirect back")
    except urllib.error.HTTPError as redirect:
        back = urlsplit(redirect.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_sso_login_still_asks_for_the_second_factor_without_amr(sso):
    professional(Role.CASE_LEAD, email="staff@example.nl")
    with LoopbackProvider("staff@example.nl", {}) as provider:
        sso(provider.base)
        client = Client()
        done = sign_in(client)
        assert done.status_code == 302
        page = client.get(reverse("trajectories:caseload"))
        assert page.status_code == 302 and "/inloggen/tweede-stap/" in page["Location"]
    assert AccessLogEntry.objects.filter(action=Action.LOGIN, purpose="sso").exists()


def test_sso_login_with_mfa_asserted_by_the_provider_opens_the_app(sso):
    professional(Role.CASE_LEAD, email="staff@example.nl")
    with LoopbackProvider("staff@example.nl", {"amr": ["pwd", "mfa"]}) as provider:
        sso(provider.base)
        client = Client()
        sign_in(client)
        assert client.get(reverse("trajectories:caseload")).status_code == 200


def test_sso_does_not_create_accounts(sso):
    with LoopbackProvider("stranger@example.nl", {"amr": ["mfa"]}) as provider:
        sso(provider.base)
        client = Client()
        response = sign_in(client)
        assert response.status_code == 403
        assert "geen actief routeplus-account" in response.content.decode()
        assert client.get(reverse("trajectories:caseload")).status_code == 302


def test_a_provider_that_does_not_answer_gives_a_clear_error_within_the_timeout(sso):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    base = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        sso(base)
        client = Client()
        start = client.get(reverse("accounts:oidc_authenticate"))
        state = dict(part.split("=", 1) for part in urlsplit(start["Location"]).query.split("&"))["state"]
        began = time.monotonic()
        response = client.get(reverse("accounts:oidc_callback"), {"code": "abc", "state": state})
        elapsed = time.monotonic() - began
    finally:
        silent.close()
    assert response.status_code == 502
    assert "antwoordt niet" in response.content.decode()
    assert elapsed < 2 * 2 + 2  # the token call and nothing else waited, within the configured timeout


def test_only_rs256_and_es256_are_accepted(settings):
    from django.core.exceptions import ImproperlyConfigured

    from routeplus.accounts.oidc import StaffOIDCBackend

    settings.OIDC_RP_SIGN_ALGO = "HS256"
    with pytest.raises(ImproperlyConfigured):
        StaffOIDCBackend()


def test_which_assertions_count_as_two_factors(settings):
    settings.ROUTEPLUS_OIDC_MFA_ACR_VALUES = ["urn:example:loa:substantial"]
    assert asserts_second_factor({"amr": ["pwd", "otp"]})
    assert asserts_second_factor({"acr": "urn:example:loa:substantial"})
    assert not asserts_second_factor({"amr": ["pwd"]})
    assert not asserts_second_factor({"acr": "urn:example:loa:low"})
    assert not asserts_second_factor({})
