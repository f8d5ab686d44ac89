"""Changes a functional administrator makes to the wegwijzer at runtime, kept as an append-only history.

The repository files hold the reviewed catalogue; a RuleRevision adds a rule, replaces one (a whole new
definition, validated like a file rule), retires one or restores it. The effective catalogue is the files with
the revisions applied in order (guide.selectors.guide_catalogue). Revisions are never edited or deleted, so the
list of revisions of a rule is its history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.conf.choices import ChoiceDisplay


class RevisionKind(models.TextChoices):
    ADD = "add", _("Toegevoegd")
    CHANGE = "change", _("Gewijzigd")
    RETIRE = "retire", _("Ingetrokken")
    RESTORE = "restore", _("Teruggezet")


class RuleRevision(ChoiceDisplay, models.Model):
    rule_id = models.CharField(_("regel"), max_length=12, db_index=True)
    kind = models.CharField(_("soort wijziging"), max_length=10, choices=RevisionKind.choices)
    definition = models.JSONField(_("definitie"), default=dict, blank=True)
    reason = models.TextField(_("reden"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("wijziging in de wegwijzer")
        verbose_name_plural = _("wijzigingen in de wegwijzer")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["add", "change"]) | ~models.Q(definition={}),
                name="rulerevision_definition_for_add_change",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.kind}"
