"""Builds one row of every personal-data model for one participant, every tagged field filled (tests only)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from routeplus.privacy.personal_data import PERSONAL_MODELS
from routeplus.testing.factories import OrganisationFactory, ParticipantFactory, UserFactory

DAY = date(2024, 3, 1)


def _value(model: type[models.Model], field: models.Field, n: int) -> Any:
    if field.choices:
        return field.choices[min(1, len(field.choices) - 1)][0]
    if isinstance(field, models.JSONField):
        return {"veld": f"{model._meta.model_name}-{field.name}"}
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, models.DateTimeField):
        return timezone.make_aware(datetime(2024, 3, 1, 10, n % 60))
    if isinstance(field, models.DateField):
        return DAY
    if isinstance(field, models.DecimalField):
        return Decimal("16")
    if isinstance(field, models.IntegerField):
        return 3
    if isinstance(field, models.CharField | models.TextField):
        text = f"waarde-{model._meta.model_name}-{field.name}"
        return text[: field.max_length] if field.max_length else text
    raise TypeError(f"no test value for {model._meta.label}.{field.name} ({type(field).__name__})")


def _related(field: models.ForeignKey, made: dict[str, models.Model]) -> models.Model:
    target = field.related_model
    label = target._meta.label_lower
    if label in made:
        return made[label]
    if label == "accounts.user":
        return UserFactory()
    if label == "accounts.organisation":
        return OrganisationFactory()
    existing = target._default_manager.first()
    if existing is not None:
        return existing
    return fill(target, made, {})


def fill(model: type[models.Model], made: dict[str, models.Model], links: dict[str, Any]) -> models.Model:
    values: dict[str, Any] = {}
    for n, field in enumerate(model._meta.concrete_fields):
        if (
            field.primary_key
            or field.name in links
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            continue
        if field.name in ("uuid", "version") or field.name.endswith("_hash"):
            continue
        if isinstance(field, models.ForeignKey) and field.related_model is model:
            values[field.name] = None  # a link to another row of the same model is set by the caller
        elif isinstance(field, models.ForeignKey):
            values[field.name] = _related(field, made)
        else:
            values[field.name] = _value(model, field, n)
    return model._default_manager.create(**values, **links)


def fully_filled_participant() -> dict[str, models.Model]:
    """The participant and one row of each personal model that points to it, every tagged field non-empty."""
    made: dict[str, models.Model] = {}
    participant = ParticipantFactory(bsn="111222333", phone="0612345678", email="jongere@example.nl", source_ref="R-1")
    made["participants.participant"] = participant
    for personal in PERSONAL_MODELS[1:]:
        model = apps.get_model(personal.label)
        made[personal.label] = fill(model, made, {})
    trajectory = made["trajectories.trajectory"]
    earlier = type(trajectory).objects.create(
        participant=participant,
        route=trajectory.route,
        municipality=trajectory.municipality,
        registered_on=DAY,
        start_date=DAY,
        end_date=DAY,
        status="closed",
        end_reason="waarde-trajectory-eerder",
    )
    type(trajectory).objects.filter(pk=trajectory.pk).update(previous=earlier)
    trajectory.refresh_from_db()
    return made
