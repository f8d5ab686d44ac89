"""Append-only, hash-chained access log entries and the change log of case data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.conf.choices import ChoiceDisplay


class Action(models.TextChoices):
    READ = "read", _("Inzien")
    CREATE = "create", _("Aanmaken")
    UPDATE = "update", _("Wijzigen")
    DELETE = "delete", _("Verwijderen")
    EXPORT = "export", _("Exporteren")
    SEARCH = "search", _("Zoeken")
    LOGIN = "login", _("Inloggen")
    LOGIN_FAILED = "login_failed", _("Mislukte inlogpoging")
    LOGOUT = "logout", _("Uitloggen")
    COMMAND = "command", _("Beheeropdracht")
    TWO_FACTOR = "two_factor", _("Tweede stap")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Mislukte tweede stap")
    TWO_FACTOR_ENROL = "two_factor_enrol", _("Tweede stap ingesteld")
    LOCKED_OUT = "locked_out", _("Geblokkeerd na inlogpogingen")
    SESSION_END = "session_end", _("Sessie beëindigd")
    MEMBERSHIP = "membership", _("Rol of lidmaatschap gewijzigd")
    ACCOUNT = "account", _("Account gewijzigd")
    CONSENT = "consent", _("Toestemming gewijzigd")
    PURGE = "purge", _("Verwijderd na bewaartermijn")


class Result(models.TextChoices):
    ALLOWED = "allowed", _("Toegestaan")
    REFUSED = "refused", _("Geweigerd")


class AppendOnlyQuerySet(models.QuerySet["AccessLogEntry"]):
    """Bulk updates and deletes are refused: the log is append-only (the chain would break anyway)."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class AccessLogEntry(ChoiceDisplay, models.Model):
    """One event touching personal data (BIO2 8.15: action, object, result, origin, actor, timestamp).

    Entries are never updated or deleted; each carries the hash of its predecessor so that a changed or
    removed entry breaks the chain (see the verify_access_log command).
    """

    at = models.DateTimeField(_("tijdstip"), db_index=True)
    # No index of its own: accesslog_actor_at_idx starts with it and serves the same look-ups.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(_("gebruiker"), max_length=254, blank=True)
    actor_organisations = models.CharField(_("organisatie"), max_length=500, blank=True)
    actor_roles = models.CharField(_("rol"), max_length=200, blank=True)
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=50, blank=True)
    object_ref = models.CharField(_("object"), max_length=64, blank=True, db_index=True)
    participant_ref = models.CharField(_("jongere"), max_length=64, blank=True, db_index=True)
    section = models.CharField(_("onderdeel"), max_length=50, blank=True)
    result = models.CharField(_("resultaat"), max_length=10, choices=Result.choices)
    ip_address = models.CharField(_("adres"), max_length=45, blank=True)
    user_agent = models.CharField(_("client"), max_length=200, blank=True)
    purpose = models.CharField(_("doel of context"), max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        indexes = [models.Index(fields=["actor", "at"], name="accesslog_actor_at_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.result}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class ChainHead(models.Model):
    """A single row locked while appending, so that concurrent writers extend the chain one at a time."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("kop van de logketen")

    def __str__(self) -> str:
        return self.last_hash


class ChangeLogEntry(ChoiceDisplay, models.Model):
    """Who changed which record when, with the old and new value of each changed field."""

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("soort object"), max_length=50)
    object_ref = models.CharField(_("object"), max_length=64)
    participant_ref = models.CharField(_("jongere"), max_length=64, blank=True)
    changes = models.JSONField(_("wijzigingen"), default=dict)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("wijzigingsregel")
        verbose_name_plural = _("wijzigingslog")
        indexes = [
            models.Index(fields=["object_type", "object_ref"], name="changelog_object_idx"),
            # A plain index, not db_index: that adds a second (LIKE) index on PostgreSQL, which nothing uses (the
            # participant_ref is only ever matched whole) and which every write to the change log would pay for.
            models.Index(fields=["participant_ref"], name="changelog_participant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_ref} {self.action}"
