"""Exports and the monitor command: the right numbers in every format, suppression, formula neutralising."""

import csv
import io
import json
import re
import zlib
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from routeplus.monitor.exports import Publication, breakdown_csv, to_csv, to_pdf, to_xlsx
from routeplus.monitor.selectors import council_table, council_table_breakdown
from routeplus.monitor.tests.results import recorded_result
from routeplus.testing.factories import SchoolFactory, TrajectoryFactory
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db
P23, P24 = date(2023, 12, 31), date(2024, 12, 31)


@pytest.fixture
def data():
    school = SchoolFactory(name='=HYPERLINK("http://evil")')
    for n in range(7):
        t = TrajectoryFactory(
            registered_on=date(2023, 1, 5),
            start_date=date(2023, 2, 1),
            status=Status.ACTIVE,
            participant__school=school,
        )
        if n < 2:
            recorded_result(t, "wajong", date(2024, 3, 1))
    TrajectoryFactory(registered_on=date(2024, 5, 1), start_date=None, status=Status.WAITING)


def test_csv_has_code_label_value_in_published_order(data):
    text = to_csv(council_table(peildatum=P24))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["code", "label", "value"]
    assert rows[1] == ["deelnemers_actueel", "Aantal deelnemers actueel", "8"]
    assert {r[0]: r[2] for r in rows[1:]}["wajong"] == "2"
    assert len(rows) == 12


def test_publication_mode_suppresses_small_numbers_and_says_so(data):
    table = council_table(peildatum=P24)
    rows = {r[0]: r[2] for r in csv.reader(io.StringIO(to_csv(table, Publication(on=True, threshold=5))))}
    assert rows["deelnemers_actueel"] == "8"
    assert rows["wajong"] == "<5"
    assert rows["arbeid"] == "0"
    assert "<5" in Publication(on=True, threshold=5).footnote
    assert Publication(on=True, threshold=3).show(2) == "<3"
    assert Publication(on=True, threshold=3).show(3) == 3


def test_school_names_starting_with_a_formula_sign_are_neutralised(data):
    breakdown = council_table_breakdown(peildatum=P24, by="school")
    header = next(csv.reader(io.StringIO(breakdown_csv(breakdown))))
    assert header[2] == '\'=HYPERLINK("http://evil")'
    workbook = load_workbook(io.BytesIO(to_xlsx([council_table(peildatum=P24)], breakdowns=[breakdown])))
    sheet = workbook["Per school"]
    assert sheet.cell(1, 3).value == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(1, 3).data_type == "s"


def test_xlsx_holds_both_reference_dates_the_definitions_and_suppression(data):
    tables = [council_table(peildatum=P23), council_table(peildatum=P24)]
    workbook = load_workbook(io.BytesIO(to_xlsx(tables, Publication(on=True, threshold=5))))
    sheet = workbook["Raadstabel"]
    rows = {row[0]: row[2:4] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert rows["deelnemers_actueel"] == (7, 8)
    assert rows["wajong"] == (0, "<5")
    assert any("Publicatieversie" in str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0])
    definitions = [row[0] for row in workbook["Definities"].iter_rows(values_only=True)]
    assert "nieuw_gestart" in definitions


def pdf_texts(content: bytes) -> list[str]:
    """The text strings drawn in a PDF, in order (fpdf2 compresses each page stream with zlib).

    The end-of-line before `endstream` is left with the stream and dropped by the decompressor as unused data:
    a compressed stream may itself end in a byte `\\r`, and stripping that as if it were part of the end-of-line
    (as an earlier version of this helper did) broke the stream whenever the PDF's timestamp made it so."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, flags=re.DOTALL):
        try:
            data = zlib.decompressobj().decompress(stream)
        except zlib.error:
            continue
        texts += [
            t.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
            for t in re.findall(rb"\(((?:[^()\\]|\\.)*)\) ?Tj", data)
        ]
    return texts


def _following(texts: list[str], label: str, count: int) -> list[list[str]]:
    """The `count` texts after each occurrence of `label`: a row label occurs in the table and again in the
    definitions, and the order in which a PDF's text objects are found is not fixed."""
    return [texts[i + 1 : i + 1 + count] for i, text in enumerate(texts) if text == label]


def test_pdf_contains_the_numbers_and_the_definitions(data):
    content = to_pdf([council_table(peildatum=P23), council_table(peildatum=P24)])
    assert content.startswith(b"%PDF")
    texts = pdf_texts(content)
    assert ["7", "8"] in _following(texts, "Aantal deelnemers actueel", 2)
    assert ["0", "2"] in _following(texts, "Wajong advies/toegekend", 2)
    assert "31-12-2024" in texts
    assert any(t.startswith("Definities (versie") for t in texts)
    suppressed = pdf_texts(to_pdf([council_table(peildatum=P24)], Publication(on=True, threshold=5)))
    after_wajong = _following(suppressed, "Wajong advies/toegekend", 1)
    assert ["<5"] in after_wajong
    assert ["2"] not in after_wajong  # the small number itself is never printed


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("monitor", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_command_formats(data, tmp_path):
    text = run("--peildatum", "2024-12-31")
    assert "Aantal deelnemers actueel" in text
    assert "8" in text
    csv_text = run("--peildatum", "2024-12-31", "--format", "csv")
    assert csv_text.splitlines()[1] == "deelnemers_actueel,Aantal deelnemers actueel,8"
    payload = json.loads(run("--peildatum", "2023-12-31", "--peildatum", "2024-12-31", "--format", "json"))
    assert [t["rows"][0]["value"] for t in payload["tables"]] == [7, 8]
    assert payload["definitions_version"]
    run("--peildatum", "2024-12-31", "--format", "xlsx", "--output", str(tmp_path / "m.xlsx"))
    assert load_workbook(tmp_path / "m.xlsx")["Raadstabel"]["C5"].value == 8
    run("--peildatum", "2024-12-31", "--format", "pdf", "--output", str(tmp_path / "m.pdf"))
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    assert (
        run("--peildatum", "2024-12-31", "--municipality", "GM1966", "--format", "csv").splitlines()[1].endswith(",0")
    )
    assert ",<5" in run("--peildatum", "2024-12-31", "--format", "csv", "--publication")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--peildatum", "31-02-2024"], "not a date"),
        (["--peildatum", "2024-12-31", "--route", "NOPE"], "Unknown route"),
        (["--peildatum", "2024-12-31", "--municipality", "GM9999"], "Unknown municipality"),
        (["--peildatum", "2023-12-31", "--peildatum", "2024-12-31", "--format", "csv"], "one --peildatum"),
    ],
)
def test_command_refuses_bad_input_with_what_to_fix(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
