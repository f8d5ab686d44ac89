"""Reading and checking tabular imports (CSV or XLSX), shared by every import in routeplus.

The API in short:

    tables, problems = read_tables(path, {"participants": ("participants", "deelnemers")})
    table = tables["participants"]
    problems += table.check_columns(required=("participant_id", ...), optional=("bsn",))
    for row in table:
        ref = row.text("participant_id", required=True)
        born = row.date("birth_date", required=True)
    problems += table.problems   # every cell problem, as (file-or-sheet, row, column, message)

PATH is an .xlsx workbook (one sheet per table, matched by any of the accepted names, case-insensitive) or a
folder with one CSV per table (`<name>.csv`, UTF-8 with or without BOM, `,` or `;` as separator, header row).
Row numbers are the ones a person sees in a spreadsheet: the header is row 1. Text is kept exactly as written
(apart from surrounding spaces); `neutralise` makes text safe to write back into CSV or XLSX.
"""

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

Cell = str | int | float | date | datetime | None

_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in an import, with the place a person can find it."""

    source: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        place = [self.source]
        if self.row:
            place.append(_("rij %(row)s") % {"row": self.row})
        if self.column:
            place.append(_("kolom %(column)s") % {"column": self.column})
        return f"{', '.join(place)}: {self.message}"


class DateError(ValueError):
    pass


def parse_date(value: Cell) -> date | None:
    """A date from YYYY-MM-DD, DD-MM-YYYY or a real spreadsheet date; None when empty. Raises DateError."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        # The two usual forms without a regular expression: imports read hundreds of thousands of dates.
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
            return date(int(text[:4]), int(text[5:7]), int(text[8:]))
        if len(text) == 10 and text[2] == "-" and text[5] == "-" and text.isascii():
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        if not text.replace("-", "").isdigit():
            raise DateError(
                _("'%(value)s' is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ.") % {"value": text[:40]}
            ) from None
        raise DateError(_("%(value)s bestaat niet als datum.") % {"value": text[:40]}) from None
    match = _YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.match(text)
        if not match:
            raise DateError(_("'%(value)s' is geen datum; schrijf JJJJ-MM-DD of DD-MM-JJJJ.") % {"value": text[:40]})
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(_("%(value)s bestaat niet als datum.") % {"value": text[:40]}) from None


def neutralise(value: Any) -> Any:
    """Make text safe for CSV/XLSX: a spreadsheet must never read a cell as a formula (=, +, -, @)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Row:
    """One data row; reading a cell records a problem on the table instead of raising."""

    __slots__ = ("_table", "number", "values")

    def __init__(self, table: "Table", number: int, values: Sequence[Cell]) -> None:
        self._table = table
        self.number = number
        self.values = values

    def raw(self, column: str) -> Cell:
        try:
            return self.values[self._table.index[column]]
        except (KeyError, IndexError):
            return None

    def problem(self, column: str, message: str) -> None:
        self._table.problems.append(Problem(self._table.source, self.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw(column)
        if type(value) is str:
            text = value.strip()
        elif value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))  # a spreadsheet stores 1234 as 1234.0
        elif isinstance(value, datetime | date):
            text = value.isoformat()
        else:
            text = str(value).strip()
        if required and not text:
            self.problem(column, _("Dit veld is leeg; vul het in."))
        elif max_length is not None and len(text) > max_length:
            self.problem(column, _("Te lang: hoogstens %(max)s tekens.") % {"max": max_length})
            text = text[:max_length]
        return text

    def date(self, column: str, *, required: bool = False) -> date | None:
        try:
            value = parse_date(self.raw(column))
        except DateError as error:
            self.problem(column, str(error))
            return None
        if value is None and required:
            self.problem(column, _("Dit veld is leeg; vul een datum in."))
        return value

    def choice(self, column: str, allowed: Mapping[str, Any], *, required: bool = True) -> Any:
        """The value looked up in allowed (keys compared case-insensitively); a problem when unknown."""
        text = self.text(column, required=required)
        if not text:
            return None
        found = allowed.get(text.casefold())
        if found is None:
            shown = ", ".join(sorted(str(k) for k in allowed)[:8])
            self.problem(
                column, _("'%(value)s' is onbekend. Kies uit: %(allowed)s.") % {"value": text[:40], "allowed": shown}
            )
        return found


@dataclass
class Table:
    """The rows of one CSV file or one sheet, with the problems found while reading them."""

    source: str
    columns: list[str]
    data: list[Sequence[Cell]] = field(default_factory=list)
    first_row: int = 2
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.columns) if name}

    def __iter__(self) -> Iterator[Row]:
        for offset, values in enumerate(self.data):
            if _not_empty(values):
                yield Row(self, self.first_row + offset, values)

    def __len__(self) -> int:
        return len(self.data)

    def check_columns(self, *, required: Sequence[str], optional: Sequence[str] = ()) -> list[Problem]:
        """Problems for missing, unknown and repeated columns (row 1 is the header)."""
        problems = []
        seen: set[str] = set()
        for name in self.columns:
            if not name:
                continue
            if name in seen:
                problems.append(Problem(self.source, 1, name, _("Deze kolom staat er twee keer in.")))
            elif name not in required and name not in optional:
                problems.append(
                    Problem(
                        self.source,
                        1,
                        name,
                        _("Onbekende kolom. Toegestaan zijn: %(columns)s.")
                        % {"columns": ", ".join([*required, *optional])},
                    )
                )
            seen.add(name)
        problems.extend(
            Problem(self.source, 1, name, _("Deze kolom ontbreekt.")) for name in required if name not in seen
        )
        return problems


def _header(values: Sequence[Cell]) -> list[str]:
    return [str(v).strip().lstrip("\ufeff").casefold() if v is not None else "" for v in values]


def _not_empty(values: Sequence[Cell]) -> bool:
    return any(v is not None and (not isinstance(v, str) or v.strip()) for v in values)


def read_csv(content: bytes, *, source: str) -> tuple[Table | None, list[Problem]]:
    """A CSV table from UTF-8 bytes; the separator (`,` or `;`) is taken from the header line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                source,
                0,
                "",
                _("Het bestand is geen UTF-8 (fout bij byte %(pos)s). Sla het op als CSV UTF-8.")
                % {"pos": error.start},
            )
        ]
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            return None, [Problem(source, 1, "", _("Het bestand is leeg; de eerste rij moet de kolomnamen bevatten."))]
        rows = list(reader)
    except csv.Error as error:
        return None, [
            Problem(source, reader.line_num, "", _("Het bestand is geen geldige CSV: %(error)s") % {"error": error})
        ]
    table = Table(source=source, columns=_header(header))
    # Empty lines stay in the data (and are skipped when iterating) so row numbers match the file.
    data: list[Sequence[Cell]] = list(rows)
    while data and not _not_empty(data[-1]):
        data.pop()
    table.data = data
    return table, []


def read_xlsx(content: bytes | Path, *, source: str = "") -> tuple[dict[str, Table], list[Problem]]:
    """Every sheet of a workbook as a table, keyed by its name in lower case. Real dates stay dates."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    handle: Any = io.BytesIO(content) if isinstance(content, bytes) else content
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        name = source or _("werkmap")
        return {}, [Problem(name, 0, "", _("Dit is geen leesbaar Excel-bestand (.xlsx): %(error)s") % {"error": error})]
    tables: dict[str, Table] = {}
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                tables[sheet.title.strip().casefold()] = Table(source=sheet.title, columns=[])
                continue
            table = Table(source=sheet.title, columns=_header(header))
            data = list(rows)
            while data and not _not_empty(data[-1]):
                data.pop()
            table.data = data
            tables[sheet.title.strip().casefold()] = table
    finally:
        workbook.close()
    return tables, []


def read_tables(path: Path, names: Mapping[str, Sequence[str]]) -> tuple[dict[str, Table], list[Problem]]:
    """The named tables from an .xlsx workbook or a folder of CSV files; problems for any that are missing.

    names maps the key the caller uses to the accepted sheet or file names (e.g. "participants" →
    ("participants", "deelnemers")).
    """
    path = Path(path)
    found: dict[str, Table] = {}
    problems: list[Problem] = []
    if path.is_dir():
        for key, accepted in names.items():
            candidates = [path / f"{name}.csv" for name in accepted]
            existing = [c for c in candidates if c.is_file()]
            if not existing:
                problems.append(
                    Problem(
                        path.name, 0, "", _("Bestand %(file)s ontbreekt in de map.") % {"file": f"{accepted[0]}.csv"}
                    )
                )
                continue
            table, read_problems = read_csv(existing[0].read_bytes(), source=existing[0].name)
            problems.extend(read_problems)
            if table is not None:
                found[key] = table
        return found, problems
    if not path.is_file():
        return {}, [Problem(path.name, 0, "", _("Dit bestand of deze map bestaat niet."))]
    if path.suffix.lower() != ".xlsx":
        return {}, [Problem(path.name, 0, "", _("Kies een Excel-werkmap (.xlsx) of een map met CSV-bestanden."))]
    sheets, problems = read_xlsx(path, source=path.name)
    if problems:
        return {}, problems
    for key, accepted in names.items():
        table = next((sheets[n.casefold()] for n in accepted if n.casefold() in sheets), None)
        if table is None:
            problems.append(
                Problem(
                    path.name,
                    0,
                    "",
                    _("Tabblad %(sheet)s ontbreekt (ook goed: %(others)s).")
                    % {"sheet": accepted[0], "others": ", ".join(accepted[1:]) or "-"},
                )
            )
        else:
            found[key] = table
    return found, problems
