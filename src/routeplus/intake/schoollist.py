"""Reading a school list (the expected leavers of one school) for registration in one go.

The file is read with the monitor's tabular reader (monitor/tabular.py: CSV or XLSX, row numbers as a person
sees them, every cell problem collected), and every row is checked with the same service-level rules as a
single registration (`services.registration_check`). Nothing is written here: `school_list_read` returns the
rows in plain values plus every problem, per row and column, for the preview; `services.school_list_import`
writes the confirmed rows.

Duplicates are found within the file (same BSN, same pupil number, or same family name and birth date) and
against participants already in routeplus. An existing participant of another school is described without
any of their personal data.

The one write here is `school_list_previews_purge`: a preview holds the pupils' personal data, so it lives at
most `services.SCHOOL_LIST_HOURS` (24); the daily job `purge_schoollist_previews` removes what no upload did.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.accounts.models import Municipality, Organisation, Role, SchoolType
from routeplus.intake import eligibility
from routeplus.intake.models import SchoolListUpload
from routeplus.monitor.tabular import Problem, Row, Table, read_csv, read_xlsx
from routeplus.participants.bsn import validate_bsn
from routeplus.participants.models import OutflowProfile, Participant
from routeplus.trajectories.models import Route

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
SHEET_NAMES = ("leerlingen", "schoollijst")
REQUIRED = ("voornaam", "achternaam", "geboortedatum", "uitstroomprofiel", "woongemeente", "verwachte_uitstroomdatum")
OPTIONAL = ("bsn", "leerlingnummer", "schoolsoort", "verwachte_start", "reden", "telefoon", "email")
# The column a field of the registration service belongs to, to place its errors in the preview.
FIELD_COLUMNS = {
    "given_name": "voornaam",
    "family_name": "achternaam",
    "birth_date": "geboortedatum",
    "bsn": "bsn",
    "outflow_profile": "uitstroomprofiel",
    "municipality": "woongemeente",
    "left_school_on": "verwachte_uitstroomdatum",
    "school_type": "schoolsoort",
    "expected_start": "verwachte_start",
    "reason": "reden",
    "phone": "telefoon",
    "email": "email",
}
RULE_COLUMNS = {
    eligibility.AGE: "geboortedatum",
    eligibility.SCHOOL: "schoolsoort",
    eligibility.PROFILE: "uitstroomprofiel",
    eligibility.MUNICIPALITY: "woongemeente",
}
# Headers people write instead of the documented ones.
ALIASES = {"e-mail": "email", "telefoonnummer": "telefoon", "gemeente": "woongemeente", "profiel": "uitstroomprofiel"}


@dataclass
class SchoolList:
    """The checked rows (plain values, as stored for the confirmation) and every problem found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def can_import(self) -> bool:
        return bool(self.rows) and not self.problems


def _normalise(table: Table) -> Table:
    """The same table with headers as documented: spaces to underscores, known aliases."""
    columns = [ALIASES.get(name, name.replace(" ", "_")) for name in table.columns]
    return Table(source=table.source, columns=columns, data=table.data, first_row=table.first_row)


def _table(content: bytes, file_name: str) -> tuple[Table | None, list[Problem]]:
    lower = file_name.lower()
    if lower.endswith(".csv"):
        return read_csv(content, source=file_name)
    if lower.endswith(".xlsx"):
        sheets, problems = read_xlsx(content, source=file_name)
        if problems:
            return None, problems
        table = next((sheets[name] for name in SHEET_NAMES if name in sheets), None)
        if table is None and sheets:
            table = next(iter(sheets.values()))  # one sheet, whatever its name
        if table is None:
            return None, [Problem(file_name, 0, "", _("De werkmap heeft geen tabblad met leerlingen."))]
        return table, []
    return None, [Problem(file_name, 0, "", _("Kies een CSV-bestand (.csv) of een Excel-werkmap (.xlsx)."))]


def _choices(values: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """Codes and labels of a choice field, case-insensitive."""
    out: dict[str, str] = {}
    for value, label in values:
        out[str(value).casefold()] = value
        out[str(label).casefold()] = value
    return out


def _municipalities() -> dict[str, int]:
    found: dict[str, int] = {}
    for pk, code, name in Municipality.objects.values_list("id", "cbs_code", "name"):
        found[code.casefold()] = pk
        found[name.casefold()] = pk
    return found


def _describe(match: Participant, school: Organisation) -> str:
    """An existing participant as a school coordinator may see it: named only when a pupil of their school."""
    if match.school_id == school.pk:
        return _("%(name)s, geboren %(born)s, leerling van uw school") % {
            "name": match.full_name,
            "born": match.birth_date.strftime("%d-%m-%Y"),
        }
    return _("een jongere die niet bij uw school hoort (gegevens afgeschermd)")


def _read_row(
    row: Row, table: Table, *, lookups: dict[str, dict[str, Any]], school: Organisation, default_reason: str
) -> dict[str, Any] | None:
    """One row in plain values; None when a required value is missing or unreadable (the problem is recorded)."""
    before = len(table.problems)
    given_name = row.text("voornaam", required=True, max_length=100)
    family_name = row.text("achternaam", required=True, max_length=150)
    birth_date = row.date("geboortedatum", required=True)
    bsn = row.text("bsn", max_length=9)
    if bsn.isdigit() and len(bsn) == 8:
        bsn = "0" + bsn  # a spreadsheet drops the leading zero of a number
    if bsn:
        try:
            validate_bsn(bsn)
        except ValidationError as error:
            row.problem("bsn", " ".join(error.messages))
    pupil_number = row.text("leerlingnummer", max_length=40)
    if not bsn and not pupil_number:
        row.problem("bsn", _("Vul het BSN of het leerlingnummer in, zodat de leerling te herkennen is."))
    profile = row.choice("uitstroomprofiel", lookups["profile"])
    municipality_id = row.choice("woongemeente", lookups["municipality"])
    left_school_on = row.date("verwachte_uitstroomdatum", required=True)
    school_type = row.choice("schoolsoort", lookups["school_type"], required=False) or school.school_type
    expected_start = row.date("verwachte_start")
    reason = row.text("reden", max_length=2000) or default_reason
    phone = row.text("telefoon", max_length=30)
    email = row.text("email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.problem("email", _("'%(value)s' is geen e-mailadres.") % {"value": email[:40]})
    if len(table.problems) > before:
        return None
    return {
        "row": row.number,
        "given_name": given_name,
        "family_name": family_name,
        "birth_date": birth_date,
        "bsn": bsn,
        "pupil_number": pupil_number,
        "outflow_profile": profile,
        "municipality_id": municipality_id,
        "left_school_on": left_school_on,
        "school_type": school_type,
        "expected_start": expected_start,
        "reason": reason,
        "phone": phone,
        "email": email,
    }


def _in_file_duplicates(values: dict[str, Any], seen: dict[tuple[Any, ...], int], row: Row) -> None:
    keys: list[tuple[tuple[Any, ...], str, str]] = []
    if values["bsn"]:
        keys.append((("bsn", values["bsn"]), "bsn", _("zelfde BSN")))
    if values["pupil_number"]:
        keys.append((("pupil", values["pupil_number"].casefold()), "leerlingnummer", _("zelfde leerlingnummer")))
    keys.append(
        (
            ("name", values["family_name"].casefold(), values["birth_date"]),
            "achternaam",
            _("zelfde achternaam en geboortedatum"),
        )
    )
    for key, column, why in keys:
        if key in seen:
            row.problem(
                column,
                _("Dubbel in het bestand: dezelfde leerling als rij %(row)s (%(why)s). Haal één van beide rijen weg.")
                % {"row": seen[key], "why": why},
            )
        else:
            seen[key] = row.number


def registration_fields(values: dict[str, Any], municipalities: dict[int, Municipality]) -> dict[str, Any]:
    """One row's facts as the registration services take them: the preview checks and the import writes these."""
    from routeplus.intake.services import NewPerson

    return {
        "school_type": values["school_type"],
        "outflow_profile": values["outflow_profile"],
        "municipality": municipalities[values["municipality_id"]],
        "reason": values["reason"],
        "left_school_on": values["left_school_on"],
        "expected_start": values["expected_start"],
        "person": NewPerson(
            given_name=values["given_name"],
            family_name=values["family_name"],
            birth_date=values["birth_date"],
            bsn=values["bsn"],
            phone=values["phone"],
            email=values["email"],
        ),
    }


def _check_row(
    values: dict[str, Any],
    row: Row,
    *,
    route: Route,
    config: eligibility.RuleConfig,
    school: Organisation,
    case_lead: Any,
    municipalities: dict[int, Municipality],
    on: date,
) -> None:
    """The rules of a single registration, on this row; each problem placed in its column."""
    from routeplus.intake.services import registration_check

    checked = registration_check(
        actor_role=Role.SCHOOL_COORDINATOR,
        route=route,
        registered_on=on,
        **registration_fields(values, municipalities),
        case_lead=case_lead,
        config=config,
    )
    errors = dict(checked.errors)
    duplicate = errors.pop("bsn", None) or errors.pop("family_name", None)
    if duplicate:
        same_bsn = [m for m in checked.matches if values["bsn"] and m.bsn == values["bsn"]]
        match = (same_bsn or checked.matches)[0]
        row.problem(
            "bsn" if same_bsn else "achternaam",
            _(
                "Deze leerling staat al in routeplus (%(why)s): %(who)s. Haal de rij uit de lijst en meld de "
                "leerling apart aan via Aanmelden; daar kiest u de bestaande jongere of bevestigt u dat het "
                "iemand anders is."
            )
            % {
                "why": _("zelfde BSN") if same_bsn else _("zelfde achternaam en geboortedatum"),
                "who": _describe(match, school),
            },
        )
    exception = errors.pop("exception_reason", None)
    for result in checked.failed:
        row.problem(RULE_COLUMNS.get(result.code, ""), result.explanation)
    if exception:
        row.problem("", exception)  # what to do about a failed rule: only a case lead can make an exception
    for name, message in errors.items():
        column = FIELD_COLUMNS.get(name, "")
        if name == "registered_on":
            column = ""
        row.problem(column, message)


def school_list_read(
    content: bytes,
    file_name: str,
    *,
    school: Organisation,
    route: Route,
    case_lead: Any,
    default_reason: str,
) -> SchoolList:
    """Check every row of a school list as a registration of today; nothing is written."""
    result = SchoolList()
    if len(content) > MAX_BYTES:
        result.problems.append(
            Problem(file_name, 0, "", _("Het bestand is groter dan %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        )
        return result
    table, problems = _table(content, file_name)
    if table is None:
        result.problems = problems
        return result
    table = _normalise(table)
    header_problems = table.check_columns(required=REQUIRED, optional=OPTIONAL)
    if header_problems:
        result.problems = header_problems
        return result
    rows = list(table)
    if not rows:
        result.problems.append(
            Problem(table.source, 0, "", _("Het bestand heeft geen leerlingen onder de kolomnamen."))
        )
        return result
    if len(rows) > MAX_ROWS:
        result.problems.append(
            Problem(table.source, 0, "", _("Te veel rijen: hoogstens %(max)s per bestand.") % {"max": MAX_ROWS})
        )
        return result
    lookups: dict[str, dict[str, Any]] = {
        "profile": _choices(OutflowProfile.choices),
        "school_type": _choices(SchoolType.choices),
        "municipality": _municipalities(),
    }
    municipalities = Municipality.objects.in_bulk()
    config = eligibility.rule_config(route)
    on = timezone.localdate()
    seen: dict[tuple[Any, ...], int] = {}
    for row in rows:
        values = _read_row(row, table, lookups=lookups, school=school, default_reason=default_reason)
        if values is None:
            continue
        _in_file_duplicates(values, seen, row)
        _check_row(
            values,
            row,
            route=route,
            config=config,
            school=school,
            case_lead=case_lead,
            municipalities=municipalities,
            on=on,
        )
        values["municipality_name"] = municipalities[values["municipality_id"]].name
        result.rows.append(values)
    result.problems = sorted(table.problems)
    return result


def to_json(values: dict[str, Any]) -> dict[str, Any]:
    """A checked row as stored between preview and confirmation (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def from_json(stored: dict[str, Any]) -> dict[str, Any]:
    dates = ("birth_date", "left_school_on", "expected_start")
    return {k: date.fromisoformat(v) if k in dates and v else v for k, v in stored.items()}


def school_list_previews_purge(*, now: datetime | None = None) -> int:
    """Delete every unconfirmed preview older than services.SCHOOL_LIST_HOURS; returns how many went.

    Confirmed lists are kept: their rows were emptied on import and they hold only the count and the file name.
    """
    from routeplus.intake.services import SCHOOL_LIST_HOURS

    stale = (now or timezone.now()) - timedelta(hours=SCHOOL_LIST_HOURS)
    deleted, _per_model = SchoolListUpload.objects.filter(
        state=SchoolListUpload.State.PREVIEW, created_at__lt=stale
    ).delete()
    return deleted
