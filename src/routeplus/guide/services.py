"""Writing the wegwijzer: a functional administrator adds, changes, retires or restores a rule, with a reason.

Every write is a new RuleRevision (the history) plus a change-log entry. The repository files are never touched
at runtime; a rule worth keeping is copied into a file by a developer, after which its revision can stay.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record
from routeplus.guide.catalogue import Rule, RuleError, repository_rules
from routeplus.guide.models import RevisionKind, RuleRevision
from routeplus.guide.selectors import guide_catalogue


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden op; die komt in de geschiedenis van de regel.")})
    return reason


def _entry(rule_id: str) -> Any:
    return next((entry for entry in guide_catalogue() if entry.rule.id == rule_id), None)


@transaction.atomic
def guide_rule_save(*, actor: Any, definition: dict[str, Any], reason: str) -> RuleRevision:
    """Add a new rule or replace the definition of an existing one; validated like a repository rule."""
    reason = _require_reason(reason)
    try:
        rule = Rule.from_dict(definition, origin="beheer")
    except RuleError as exc:
        raise ValidationError(_("De regel is niet geldig: %(problem)s") % {"problem": exc}) from exc
    existing = _entry(rule.id)
    kind = RevisionKind.CHANGE if existing is not None else RevisionKind.ADD
    revision = RuleRevision.objects.create(
        rule_id=rule.id, kind=kind, definition=definition, reason=reason, changed_by=actor
    )
    change_log_record(
        actor=actor,
        action=Action.UPDATE if existing else Action.CREATE,
        instance=revision,
        before={"definition": existing.rule.definition} if existing else {},
        after={"definition": definition, "reason": reason},
    )
    return revision


@transaction.atomic
def guide_rule_retire(*, actor: Any, rule_id: str, reason: str) -> RuleRevision:
    """Take a rule out of use: it stays in the catalogue, marked retired, and no case file shows it."""
    reason = _require_reason(reason)
    entry = _entry(rule_id)
    if entry is None:
        raise ValidationError(_("Deze regel bestaat niet."))
    if entry.retired:
        raise ValidationError(_("Deze regel is al ingetrokken."))
    revision = RuleRevision.objects.create(rule_id=rule_id, kind=RevisionKind.RETIRE, reason=reason, changed_by=actor)
    change_log_record(
        actor=actor,
        action=Action.UPDATE,
        instance=revision,
        before={"retired": False},
        after={"retired": True, "reason": reason},
    )
    return revision


@transaction.atomic
def guide_rule_restore(*, actor: Any, rule_id: str, reason: str) -> RuleRevision:
    """Put a retired rule back in use."""
    reason = _require_reason(reason)
    entry = _entry(rule_id)
    if entry is None or not entry.retired:
        raise ValidationError(_("Deze regel is niet ingetrokken."))
    revision = RuleRevision.objects.create(rule_id=rule_id, kind=RevisionKind.RESTORE, reason=reason, changed_by=actor)
    change_log_record(
        actor=actor,
        action=Action.UPDATE,
        instance=revision,
        before={"retired": True},
        after={"retired": False, "reason": reason},
    )
    return revision


def is_repository_rule(rule_id: str) -> bool:
    return rule_id in repository_rules()
