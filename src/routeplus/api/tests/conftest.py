"""Fixtures of the API tests: a case lead on a team, with a token."""

from typing import Any

import pytest
from django.test import Client

from routeplus.accounts.models import User
from routeplus.api.models import ALL_SCOPES
from routeplus.api.services import api_token_create


def issue(user: User, scopes: Any = ALL_SCOPES, **kwargs: Any) -> str:
    organisation = user.memberships.first().organisation
    _token, secret = api_token_create(
        actor=user, name="Partner", user=user, organisation=organisation, scopes=scopes, **kwargs
    )
    return secret


def token_client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def lead_client(lead_on_team: User) -> Client:
    return token_client(issue(lead_on_team))
