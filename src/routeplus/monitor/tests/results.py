"""Results as the case-file services leave them: the row, and the derived dates the council table counts from."""

from datetime import date
from typing import Any

from routeplus.casefile.models import Result
from routeplus.monitor.derived import result_dates_refresh
from routeplus.trajectories.models import Trajectory


def recorded_result(trajectory: Trajectory, kind: str, on: date, **fields: Any) -> Result:
    """A result written without the service's checks (tests need dates the forms refuse), kept counted."""
    result = Result.objects.create(trajectory=trajectory, type=kind, start_date=on, **fields)
    result_dates_refresh(participant_ids=[trajectory.participant_id])
    return result
