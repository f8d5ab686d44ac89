"""Tokens for partner systems: bound to a user and an organisation, scoped per resource, expiring, revocable.

Only a SHA-256 digest of the secret is stored. The secret has 256 bits of randomness, so a fast digest is
enough (no password stretching needed) and lets every API request check its token in one indexed query.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import Organisation

TOKEN_PREFIX = "rp"  # noqa: S105 (the visible start of every token)
PREFIX_LENGTH = 10

# The resources of the API; a token holds "<resource>:read" and/or "<resource>:write" for each it may use.
RESOURCES = (
    "participants",
    "trajectories",
    "team",
    "goals",
    "placements",
    "provisions",
    "results",
    "contacts",
    "signals",
    "registrations",
    "monitor",
)
SCOPE_ACTIONS = ("read", "write")
ALL_SCOPES = tuple(f"{resource}:{action}" for resource in RESOURCES for action in SCOPE_ACTIONS)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A partner system's key to the API. It acts as its user, with at most that user's rights."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=100, help_text=_("Welk systeem gebruikt dit token?"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("organisatie")
    )
    prefix = models.CharField(_("begin van het token"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    secret_digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("bevoegdheden"), default=list)
    expires_at = models.DateTimeField(_("verloopt op"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> tuple[str, str]:
        """A fresh (prefix, full token). The full token is shown once and never stored."""
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.secret_digest, digest(token))

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def allows(self, resource: str, action: str) -> bool:
        return f"{resource}:{action}" in self.scopes


def parse_token(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != PREFIX_LENGTH or len(parts[2]) < 32:
        return None
    return parts[1]
