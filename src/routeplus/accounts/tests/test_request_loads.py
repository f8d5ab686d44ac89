"""What every request of a logged-in user reads first, the session, the user and the device of the second factor,
is read as Django and django-otp read it, by SQL compiled once per worker (no query set built per request)."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from routeplus.access.door import active_roles
from routeplus.accounts.backends import ModelBackend
from routeplus.accounts.middleware import OTPMiddleware
from routeplus.accounts.models import Membership, Role, User
from routeplus.accounts.selectors import active_memberships
from routeplus.accounts.session_store import SessionStore
from routeplus.testing.factories import MembershipFactory, UserFactory, professional
from routeplus.testing.http import logged_in, second_factor_device
from routeplus.testing.queries import queries_built

pytestmark = pytest.mark.django_db


def saved_session(**data: Any) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_a_session_is_read_as_django_reads_it_without_building_a_query():
    key = saved_session(colour="blue")
    assert SessionStore(key).load() == DjangoSessionStore(key).load() == {"colour": "blue"}
    with queries_built() as built:
        assert SessionStore(key).load() == {"colour": "blue"}
    assert built == []


@pytest.mark.parametrize("expires_in", [timedelta(0), -timedelta(seconds=1)])
def test_an_expired_or_unknown_session_reads_as_empty_and_loses_its_key(expires_in):
    key = saved_session(colour="blue")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + expires_in)
    for store in (SessionStore(key), SessionStore("x" * 32)):
        assert store.load() == {}
        assert store.session_key is None  # a new key is made when something is saved, never the old one reused
    assert DjangoSessionStore(key).load() == {}


def test_the_user_is_read_as_django_reads_it_without_building_a_query():
    user = UserFactory()
    backend = ModelBackend()
    assert backend.get_user(user.pk) == user
    with queries_built() as built:
        assert backend.get_user(user.pk) == user
    assert built == []
    assert backend.get_user(str(user.pk)) == user  # any other form of the id: Django's own lookup
    assert backend.get_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None  # may not log in: no user, as in Django's backend


def test_the_user_comes_with_their_active_memberships_in_one_statement(django_assert_num_queries):
    user = professional(Role.JOB_COACH)
    MembershipFactory(user=user, role=Role.CASE_LEAD)
    MembershipFactory(user=user, role=Role.POLICY, is_active=False)
    MembershipFactory(role=Role.CASE_LEAD)  # someone else's
    backend = ModelBackend()
    with django_assert_num_queries(1):
        loaded = backend.get_user(user.pk)
        memberships = active_memberships(loaded)
        organisations = {m.organisation.name for m in memberships}
        assert all(m.user is loaded for m in memberships)
    stored = Membership.objects.filter(user=user, is_active=True).select_related("organisation")
    assert sorted(m.pk for m in memberships) == sorted(m.pk for m in stored)
    assert organisations == {m.organisation.name for m in stored}
    assert active_roles(loaded) == {Role.JOB_COACH, Role.CASE_LEAD}
    assert loaded == user and loaded.password == user.password
    without = UserFactory()  # no active membership: the user still loads, with none
    with django_assert_num_queries(2):
        loaded = backend.get_user(without.pk)
        assert loaded == without and active_memberships(loaded) == []
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None  # inactive with memberships: still no user, as in Django


def test_a_logged_in_page_runs_on_the_compiled_loads():
    user = UserFactory()
    client = logged_in(user)
    assert isinstance(client.session, SessionStore)
    assert client.session[BACKEND_SESSION_KEY] == "routeplus.accounts.backends.ModelBackend"
    response = client.get(reverse("accounts:sessions"))
    assert response.status_code == 200
    assert response.wsgi_request.user == user and response.wsgi_request.user.otp_device == second_factor_device(user)
    assert type(response.wsgi_request.user) is User  # the user itself, not lazy proxies read on every attribute
    anonymous = Client().get(reverse("accounts:login"))
    assert type(anonymous.wsgi_request.user) is AnonymousUser


def verified_user(request_session: dict[str, Any]) -> Any:
    """The user as the middleware hands it on, for a session holding these values ("_user": who logged in)."""
    request: Any = RequestFactory().get("/")
    request.session = request_session
    request.user = request_session["_user"]
    seen: list[Any] = []

    def view(r: Any) -> HttpResponse:
        seen.append(r.user)
        return HttpResponse()

    OTPMiddleware(view)(request)
    user = seen[0]
    user.otp_device  # noqa: B018  (set on the user itself by the middleware: fails here if it was not)
    return user


def test_the_device_of_the_second_factor_is_read_without_building_a_query():
    user = UserFactory()
    device = second_factor_device(user)
    assert verified_user({"_user": user, DEVICE_ID_SESSION_KEY: device.persistent_id}).otp_device == device
    with queries_built() as built:
        found = verified_user({"_user": user, DEVICE_ID_SESSION_KEY: device.persistent_id})
    assert found.otp_device == device and found.is_verified()
    assert built == []
    recovery = StaticDevice.objects.create(user=user, name="backup", confirmed=True)  # each kind its own statement
    assert verified_user({"_user": user, DEVICE_ID_SESSION_KEY: recovery.persistent_id}).otp_device == recovery


@pytest.mark.parametrize(
    "persistent_id",
    [
        "other-user",
        "unconfirmed",
        "deleted",
        "nonsense",
        "otp_totp.totpdevice/abc",
        "otp_totp.nosuchmodel/1",
        "accounts.user/1",  # a model, but no device
        "otp_totp.totpdevice/99999999999999999999",  # beyond any id the database holds
        "otp_totp.totpdevice/-1",
    ],
)
def test_a_device_that_does_not_verify_this_user_leaves_the_session_unverified(persistent_id):
    user, other = UserFactory(), UserFactory()
    device = second_factor_device(user)
    if persistent_id == "other-user":
        persistent_id = second_factor_device(other).persistent_id
    elif persistent_id == "unconfirmed":
        device.confirmed = False
        device.save()
        persistent_id = device.persistent_id
    elif persistent_id == "deleted":
        persistent_id = device.persistent_id
        device.delete()
    session = {"_user": user, DEVICE_ID_SESSION_KEY: persistent_id}
    found = verified_user(session)
    assert found.otp_device is None and not found.is_verified()
    assert DEVICE_ID_SESSION_KEY not in session  # as django-otp does: the stale id is dropped
