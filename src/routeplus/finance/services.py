"""Writing saved scenarios: create, update (with optimistic locking) and delete, each in the change log."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from routeplus.audit.services import change_log_record, snapshot
from routeplus.finance.models import MAX_HORIZON, OutcomeMode, Scenario
from routeplus.finance.outcomes import CATEGORIES
from routeplus.finance.parameters import ParameterError, default_parameters
from routeplus.finance.selectors import Choices
from routeplus.trajectories.models import Route

FIELDS = [
    "name",
    "description",
    "parameter_version",
    "overrides",
    "outcome_mode",
    "route",
    "cohorts",
    "manual_chances",
    "timing",
    "manual_weight",
    "horizon",
    "start_year",
    "budget",
    "seed",
]


class StaleVersionError(ValidationError):
    """Someone else saved the scenario after it was opened."""


def _fields(*, name: str, description: str, choices: Choices) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Geef het scenario een naam.")})
    try:
        default_parameters().with_overrides(choices.overrides)
    except ParameterError as error:
        raise ValidationError(_("De parameters kloppen niet: %(error)s") % {"error": error}) from error
    if choices.outcome_mode not in OutcomeMode.values:
        raise ValidationError({"outcome_mode": _("Kies hoe de kansen worden bepaald.")})
    if choices.outcome_mode == OutcomeMode.MANUAL:
        total = sum(choices.manual_chances.get(c, 0.0) for c in CATEGORIES)
        if abs(total - 1) > 1e-6:
            raise ValidationError(_("De eigen kansen tellen samen niet op tot 100%."))
    if not 1 <= choices.horizon <= MAX_HORIZON:
        raise ValidationError({"horizon": _("De horizon ligt tussen 1 en %(max)s jaar.") % {"max": MAX_HORIZON}})
    if choices.budget < 0:
        raise ValidationError({"budget": _("Het budget kan niet negatief zijn.")})
    route = Route.objects.filter(code=choices.route_code).first()
    if route is None:
        raise ValidationError({"route": _("Deze route bestaat niet.")})
    return {
        "name": name,
        "description": description.strip(),
        "parameter_version": default_parameters().version,
        "overrides": choices.overrides,
        "outcome_mode": choices.outcome_mode,
        "route": route,
        "cohorts": list(choices.cohorts),
        "manual_chances": {c: choices.manual_chances.get(c, 0.0) for c in CATEGORIES}
        if choices.outcome_mode == OutcomeMode.MANUAL
        else {},
        "timing": dict(choices.timing),
        "manual_weight": choices.manual_weight,
        "horizon": choices.horizon,
        "start_year": choices.start_year,
        "budget": choices.budget,
        "seed": choices.seed,
    }


def _name_taken() -> ValidationError:
    return ValidationError({"name": _("Er is al een scenario met deze naam. Kies een andere naam.")})


def scenario_create(*, actor: Any, name: str, description: str = "", choices: Choices) -> Scenario:
    """Save the choices under a new name."""
    fields = _fields(name=name, description=description, choices=choices)
    try:
        with transaction.atomic():
            scenario = Scenario.objects.create(created_by=actor, **fields)
            change_log_record(actor=actor, action="create", instance=scenario, after=snapshot(scenario, FIELDS))
    except IntegrityError as error:
        raise _name_taken() from error
    return scenario


def scenario_update(
    *, actor: Any, scenario: Scenario, expected_version: int, name: str, description: str = "", choices: Choices
) -> Scenario:
    """Overwrite a scenario with new choices, refusing when someone else saved it in the meantime."""
    fields = _fields(name=name, description=description, choices=choices)
    before = snapshot(scenario, FIELDS)
    try:
        with transaction.atomic():
            updated = Scenario.objects.filter(pk=scenario.pk, version=expected_version).update(
                **fields, version=F("version") + 1
            )
            if not updated:
                raise StaleVersionError(
                    _(
                        "Iemand anders heeft dit scenario intussen gewijzigd. "
                        "Open het opnieuw en breng uw wijziging aan."
                    )
                )
            scenario.refresh_from_db()
            change_log_record(
                actor=actor, action="update", instance=scenario, before=before, after=snapshot(scenario, FIELDS)
            )
    except IntegrityError as error:
        raise _name_taken() from error
    return scenario


def scenario_delete(*, actor: Any, scenario: Scenario) -> None:
    with transaction.atomic():
        change_log_record(actor=actor, action="delete", instance=scenario, before=snapshot(scenario, FIELDS))
        scenario.delete()
