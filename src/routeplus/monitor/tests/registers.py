"""Small registers written by hand for the import tests: a folder of CSV files or an .xlsx workbook."""

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

PARTICIPANT_HEADER = [
    "participant_id",
    "given_name",
    "family_name",
    "birth_date",
    "school",
    "school_type",
    "outflow_profile",
    "municipality",
    "bsn",
]
TRAJECTORY_HEADER = [
    "trajectory_id",
    "participant_id",
    "route",
    "municipality",
    "registered_on",
    "start_date",
    "end_date",
    "end_reason",
]
RESULT_HEADER = ["trajectory_id", "type", "start_date", "end_date", "note"]


def base_register() -> dict[str, list[list[Any]]]:
    """Three participants, four trajectories (one re-entry, one in a second route), three results."""
    return {
        "participants": [
            PARTICIPANT_HEADER,
            ["R1", "Anna", "de Boer", "2006-03-14", "Praktijkschool Oost", "PRO", "dagbesteding", "GM0014", ""],
            ["R2", "=Bram", "Ångström", "21-11-2005", "VSO Noord", "VSO", "dagbesteding", "Groningen", "111222333"],
            ["R3", "Chen", "李", "2007-01-01", "", "", "arbeidsmarkt", "GM1966", ""],
        ],
        "trajectories": [
            TRAJECTORY_HEADER,
            ["T1", "R1", "RA_PLUS", "GM0014", "2023-01-10", "2023-02-01", "2023-10-01", "uitval: niet bereikbaar"],
            ["T2", "R1", "RA_PLUS", "GM0014", "2024-01-05", "2024-02-01", "", ""],
            ["T3", "R2", "RA_PLUS", "GM0014", "15-06-2024", "", "", ""],
            ["T4", "R3", "ROUTE_ARBEID", "GM1966", "2023-05-01", "2023-06-01", "", ""],
        ],
        "results": [
            RESULT_HEADER,
            ["T1", "uitval", "2023-09-15", "", ""],
            ["T2", "stage_maatwerk", "2024-03-01", "2024-08-31", "bij de bakker"],
            ["T4", "arbeid", "2024-01-15", "", ""],
        ],
    }


def write_csv_folder(folder: Path, register: dict[str, list[list[Any]]], *, delimiter: str = ",") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in register.items():
        lines = []
        for row in rows:
            cells = ["" if v is None else (v.isoformat() if isinstance(v, date) else str(v)) for v in row]
            quoted = [f'"{c}"' if (delimiter in c or '"' in c) else c for c in cells]
            lines.append(delimiter.join(quoted))
        (folder / f"{name}.csv").write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return folder


def write_xlsx(
    path: Path, register: dict[str, Sequence[Sequence[Any]]], *, names: dict[str, str] | None = None
) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for key, rows in register.items():
        sheet = workbook.create_sheet((names or {}).get(key, key))
        for row in rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text typed as '=Bram, not a formula
    workbook.save(path)
    return path
