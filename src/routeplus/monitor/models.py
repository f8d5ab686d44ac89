"""Established (vastgestelde) reports: the figures the council received, kept as they were."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EstablishedReport(models.Model):
    """The council table for one reference date and scope, fixed with its definitions, by whom and when.

    Later corrections in the data never change these figures; the monitor shows them as differences.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    peildatum = models.DateField(_("peildatum"))
    route_code = models.CharField(_("route"), max_length=30)
    municipality_codes = models.JSONField(_("gemeenten"), default=list, blank=True)
    scope_key = models.CharField(max_length=300, editable=False)
    figures = models.JSONField(_("cijfers"))
    definitions_version = models.CharField(_("versie definities"), max_length=20)
    definitions = models.JSONField(_("definities"))
    note = models.TextField(_("toelichting"), blank=True)
    established_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    established_at = models.DateTimeField(_("vastgesteld op"), auto_now_add=True)

    class Meta:
        ordering = ["-peildatum", "-established_at"]
        verbose_name = _("vastgestelde rapportage")
        verbose_name_plural = _("vastgestelde rapportages")
        constraints = [
            models.UniqueConstraint(fields=["peildatum", "scope_key"], name="established_report_once_per_scope")
        ]

    def __str__(self) -> str:
        return f"EstablishedReport {self.peildatum.isoformat()} {self.scope_key}"
