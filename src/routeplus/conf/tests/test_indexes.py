"""No table keeps a single-column index that a composite index starting with the same column already serves, and
every foreign key without an index of its own is served by such a composite index."""

from django.apps import apps
from django.db import models


def _leading_columns() -> dict[str, dict[str, str]]:
    """Per model: the first field of every unconditional index or unique constraint of two or more fields."""
    leading: dict[str, dict[str, str]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("routeplus."):
            continue
        meta = model._meta
        composites = [(i.name, [f.lstrip("-") for f in i.fields]) for i in meta.indexes if i.condition is None]
        composites += [
            (c.name, list(c.fields))
            for c in meta.constraints
            if isinstance(c, models.UniqueConstraint) and c.condition is None
        ]
        composites += [("unique_together", list(fields)) for fields in meta.unique_together]
        leading[meta.label] = {fields[0]: name for name, fields in composites if len(fields) > 1}
    return leading


def test_no_single_column_index_is_covered_by_a_composite_one():
    # Every write pays for every index; a look-up on the first column of a composite index uses that index.
    covered = []
    for label, firsts in _leading_columns().items():
        for field in apps.get_model(label)._meta.local_fields:
            if field.db_index and not field.unique and field.name in firsts:
                covered.append(f"{label}.{field.name} (covered by {firsts[field.name]})")
    assert covered == []


def test_every_foreign_key_without_its_own_index_leads_a_composite_one():
    # A composite index removed, reordered or made conditional would leave such a key without any index.
    uncovered = []
    for label, firsts in _leading_columns().items():
        for field in apps.get_model(label)._meta.local_fields:
            if field.is_relation and field.db_constraint and not field.db_index and field.name not in firsts:
                uncovered.append(f"{label}.{field.name}")
    assert uncovered == []


def test_the_check_sees_a_covered_index():
    # The rule itself: the trajectory's route leads trajectory_route_status_idx, so it needs no index of its own; a
    # key that leads only a conditional constraint (the participant, in trajectory_one_open_per_participant_route)
    # keeps its own index, as the other rows need one too.
    assert _leading_columns()["trajectories.Trajectory"]["route"] == "trajectory_route_status_idx"
    assert apps.get_model("trajectories.Trajectory")._meta.get_field("route").db_index is False
    assert "participant" not in _leading_columns()["trajectories.Trajectory"]
    assert apps.get_model("trajectories.Trajectory")._meta.get_field("participant").db_index is True
