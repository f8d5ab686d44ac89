"""The pseudonymised research export: one row per trajectory, no names, BSN, free text or exact dates.

Participants are identified by a keyed hash (HMAC-SHA256 with a key held by the municipality, never by the
researchers), so the municipality can re-link a record if needed while the researchers cannot. Birth year
instead of birth date, months instead of days, and values shared by fewer participants than the threshold
are grouped as "overig" so that no small cell points to one young person.
"""

import csv
import hashlib
import hmac
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch

from routeplus.casefile.models import Result
from routeplus.trajectories.models import Trajectory

OTHER = "overig"
COLUMNS = [
    "pseudoniem",
    "geboortejaar",
    "schoolsoort",
    "uitstroomprofiel",
    "route",
    "gemeente",
    "aangemeld_maand",
    "gestart_maand",
    "beeindigd_maand",
    "status",
    "resultaten",
]
# Columns whose rare values are grouped, so that a combination cannot single out one participant.
PROTECTED = ["geboortejaar", "schoolsoort", "uitstroomprofiel", "gemeente"]


def research_key() -> bytes:
    key = getattr(settings, "ROUTEPLUS_RESEARCH_KEY", "")
    if len(key) < 32:
        raise ImproperlyConfigured(
            "Set RESEARCH_EXPORT_KEY (at least 32 characters, kept by the municipality) to make a research export."
        )
    return key.encode()


def pseudonym(participant_uuid: str, key: bytes) -> str:
    return hmac.new(key, participant_uuid.encode(), hashlib.sha256).hexdigest()[:32]


def _month(value: object) -> str:
    return value.strftime("%Y-%m") if value else ""  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ResearchExport:
    rows: list[dict[str, str]]
    suppressed: dict[str, int]  # column -> how many values were grouped as "overig"

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def _protect(rows: list[dict[str, str]], threshold: int) -> dict[str, int]:
    suppressed = {}
    for column in PROTECTED:
        participants_per_value: dict[str, set[str]] = {}
        for row in rows:
            participants_per_value.setdefault(row[column], set()).add(row["pseudoniem"])
        rare = {value for value, people in participants_per_value.items() if len(people) < threshold}
        for row in rows:
            if row[column] in rare:
                row[column] = OTHER
        suppressed[column] = len(rare)
    return suppressed


def research_rows(trajectories: Iterable[Trajectory], key: bytes) -> list[dict[str, str]]:
    rows = []
    for trajectory in trajectories:
        participant = trajectory.participant
        results = Counter(result.type for result in trajectory.results.all())
        rows.append(
            {
                "pseudoniem": pseudonym(str(participant.uuid), key),
                "geboortejaar": str(participant.birth_date.year),
                "schoolsoort": participant.school_type,
                "uitstroomprofiel": participant.outflow_profile,
                "route": trajectory.route.code,
                "gemeente": trajectory.municipality.cbs_code,
                "aangemeld_maand": _month(trajectory.registered_on),
                "gestart_maand": _month(trajectory.start_date),
                "beeindigd_maand": _month(trajectory.end_date),
                "status": trajectory.status,
                "resultaten": ";".join(sorted(results)),
            }
        )
    return rows


def research_export(*, route_code: str = "", threshold: int | None = None) -> ResearchExport:
    """Build the export over all trajectories (of one route if given); three queries whatever the size."""
    key = research_key()
    limit = threshold if threshold is not None else settings.ROUTEPLUS_RESEARCH_MIN_CELL
    trajectories = (
        Trajectory.objects.select_related("participant", "route", "municipality")
        .prefetch_related(Prefetch("results", queryset=Result.objects.only("type", "trajectory_id")))
        .order_by("id")
    )
    if route_code:
        trajectories = trajectories.filter(route__code=route_code)
    rows = research_rows(trajectories, key)
    return ResearchExport(rows=rows, suppressed=_protect(rows, limit))
