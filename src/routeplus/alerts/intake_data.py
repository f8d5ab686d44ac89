"""What the signal rules read from intake: the date a pupil left school, and who is next for a free place."""

from collections import defaultdict
from datetime import date

from routeplus.intake.models import Registration
from routeplus.intake.selectors import admission_proposals


def left_school_dates(trajectory_ids: list[int]) -> dict[int, date]:
    rows = Registration.objects.filter(trajectory_id__in=trajectory_ids, left_school_on__isnull=False)
    return {
        row.trajectory_id: row.left_school_on
        for row in rows.only("trajectory_id", "left_school_on")
        if row.left_school_on
    }


def waiting_places() -> dict[str, list[int]]:
    """Per waiting trajectory (by UUID) the capacity areas where a place is free and it is next in line."""
    places: dict[str, list[int]] = defaultdict(list)
    for proposal in admission_proposals():
        places[proposal.trajectory_uuid].append(proposal.area.pk)
    return places
