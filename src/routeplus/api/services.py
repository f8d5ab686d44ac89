"""Issuing and revoking API tokens; used by Django's admin and by `routeplus api_token`."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.accounts.models import Membership, Organisation
from routeplus.api.models import ALL_SCOPES, ApiToken, digest
from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record, snapshot

TOKEN_FIELDS = ["name", "user", "organisation", "scopes", "expires_at", "revoked_at"]
MAX_LIFETIME_DAYS = 366


def check_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if s not in ALL_SCOPES]
    if unknown:
        raise ValidationError({"scopes": _("Onbekende bevoegdheid: %(s)s.") % {"s": ", ".join(unknown)}})
    if not chosen:
        raise ValidationError({"scopes": _("Kies ten minste één bevoegdheid.")})
    return chosen


@transaction.atomic
def api_token_create(
    *, actor: Any, name: str, user: Any, organisation: Organisation, scopes: Iterable[str], days: int = 90
) -> tuple[ApiToken, str]:
    """Issue a token; returns it with the secret, which is shown once and cannot be retrieved later."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Geef het token een naam.")
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        errors["expires_at"] = _("Een token is 1 tot %(n)s dagen geldig.") % {"n": MAX_LIFETIME_DAYS}
    if not Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists():
        errors["organisation"] = _("De gebruiker heeft geen actieve rol bij deze organisatie.")
    if errors:
        raise ValidationError(errors)
    prefix, secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        name=name.strip(),
        user=user,
        organisation=organisation,
        prefix=prefix,
        secret_digest=digest(secret),
        scopes=check_scopes(scopes),
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor,
    )
    change_log_record(actor=actor, action=Action.CREATE, instance=token, after=snapshot(token, TOKEN_FIELDS))
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        return token
    before = snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    change_log_record(
        actor=actor, action=Action.UPDATE, instance=token, before=before, after=snapshot(token, TOKEN_FIELDS)
    )
    return token
