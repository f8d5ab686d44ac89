"""Case-file records the guide and signal tests need, made directly (the casefile services are not ours)."""

from datetime import date
from typing import Any

from routeplus.casefile.models import Provision, ProvisionKind, ProvisionStatus
from routeplus.testing.factories import UserFactory
from routeplus.trajectories.models import Trajectory


def provision(
    trajectory: Trajectory,
    code: str,
    *,
    status: str = ProvisionStatus.GRANTED,
    start_date: date | None = None,
    end_date: date | None = None,
    decided_on: date | None = None,
    **fields: Any,
) -> Provision:
    return Provision.objects.create(
        trajectory=trajectory,
        kind=ProvisionKind.objects.get(code=code),
        status=status,
        start_date=start_date,
        end_date=end_date,
        decided_on=decided_on,
        created_by=fields.pop("created_by", None) or UserFactory(),
        **fields,
    )
