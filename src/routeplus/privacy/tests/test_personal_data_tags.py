"""Every field of every model that holds participant data is tagged with a category and retention rule."""

from django.apps import apps
from django.db import models

from routeplus.access.sections import DataCategory
from routeplus.privacy.personal_data import IDENTITY, PERSONAL_MODEL_BY_LABEL, PERSONAL_MODELS, Retention

ROOTS = {"participants.participant"}


def models_holding_participant_data() -> set[str]:
    """Participant and every project model that points to it, directly or through another such model."""
    found = set(ROOTS)
    candidates = [m for m in apps.get_models() if m.__module__.startswith("routeplus.")]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            label = model._meta.label_lower
            if label in found:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.ForeignKey) and field.related_model._meta.label_lower in found - {
                    "accounts.organisation"
                }:
                    found.add(label)
                    changed = True
                    break
    return found


def test_every_model_linked_to_a_participant_is_in_the_register_of_personal_data():
    untagged = models_holding_participant_data() - set(PERSONAL_MODEL_BY_LABEL)
    assert not untagged, f"Tag these models in privacy/personal_data.py: {sorted(untagged)}"


def test_every_field_is_tagged_or_technical_and_no_tag_is_stale():
    problems = []
    for personal in PERSONAL_MODELS:
        model = apps.get_model(personal.label)
        names = {field.name for field in model._meta.concrete_fields}
        untagged = names - set(personal.fields) - personal.technical
        stale = (set(personal.fields) | personal.technical) - names
        both = set(personal.fields) & personal.technical
        if untagged:
            problems.append(f"{personal.label}: untagged {sorted(untagged)}")
        if stale:
            problems.append(f"{personal.label}: tags for missing fields {sorted(stale)}")
        if both:
            problems.append(f"{personal.label}: both personal and technical {sorted(both)}")
    assert not problems, "\n".join(problems)


def test_tags_use_known_categories_and_retention_rules():
    categories = set(DataCategory.values) | {IDENTITY}
    rules = {Retention.IDENTITY, Retention.CASE_CONTENT, Retention.DECISIONS, Retention.MONITOR}
    for personal in PERSONAL_MODELS:
        for name, tag in personal.fields.items():
            assert tag.category in categories, (personal.label, name)
            assert tag.retention in rules, (personal.label, name)


def test_the_walk_finds_a_new_model_that_points_to_a_participant():
    found = models_holding_participant_data()
    assert {"trajectories.trajectory", "casefile.goalreview", "alerts.signalevent"} <= found
