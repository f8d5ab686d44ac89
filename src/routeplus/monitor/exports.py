"""The council table as CSV, JSON, plain text, a formatted XLSX and a council-ready PDF.

Publication mode hides small numbers (1 up to the threshold) and says so in a footnote. Every text cell in
CSV and XLSX passes `neutralise`, so a school called "=HYPERLINK(...)" can never run as a formula.

A breakdown shown across municipalities (per municipality, or per school over more than one municipality)
always hides small numbers, in publication mode or not: primary suppression ("<5") of every count from 1 up
to the threshold, and secondary suppression ("x") of the next-smallest counts of the same row until the
exact total no longer lets anyone work a hidden count back (see `suppress_row`). The total stays exact.
"""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.monitor.definitions import ALL_CATEGORIES, DEFINITIONS_VERSION, GENERAL_NOTES, PUBLISHED
from routeplus.monitor.selectors import Breakdown, CouncilTable, Row
from routeplus.monitor.tabular import neutralise


def suppression_threshold() -> int:
    return int(getattr(settings, "ROUTEPLUS_MONITOR_SUPPRESSION_THRESHOLD", 5))


@dataclass(frozen=True)
class Publication:
    """Whether small numbers are hidden, and from which threshold."""

    on: bool = False
    threshold: int = 5

    @classmethod
    def default(cls, on: bool = False) -> "Publication":
        return cls(on=on, threshold=suppression_threshold())

    def show(self, value: int) -> str | int:
        if self.on and 0 < value < self.threshold:
            return f"<{self.threshold}"
        return value

    @property
    def footnote(self) -> str:
        if not self.on:
            return ""
        return _(
            "Publicatieversie: aantallen van 1 tot %(n)s zijn vervangen door '<%(n)s', zodat geen jongere "
            "herkenbaar is."
        ) % {"n": self.threshold}


SECONDARY_MARK = "x"


def _protected(primary: Sequence[int], secondary: Sequence[int], threshold: int) -> bool:
    """Whether a reader who knows the exact total (so the sum of the hidden cells), that a "<N" cell holds 1
    to N-1 and that an "x" cell holds N or more, still cannot narrow any "<N" cell down from 1..N-1."""
    k, m = len(primary), len(secondary)
    if k + m < 2:
        return False
    hidden = sum(primary) + sum(secondary)
    highest = hidden - (k - 1) - m * threshold  # the others as small as they can be
    lowest = hidden - (k - 1) * (threshold - 1) if m == 0 else 1  # the others as large as they can be
    return highest >= threshold - 1 and lowest <= 1


def suppress_row(values: Sequence[int], threshold: int) -> tuple[int | str, ...]:
    """One row of a breakdown whose exact total is known: "<N" for 1..N-1 (primary suppression), and "x" on
    the next-smallest non-zero cells (secondary suppression) until no hidden count can be worked back."""
    primary = [i for i, v in enumerate(values) if 0 < v < threshold]
    secondary: list[int] = []
    if primary and len(values) > 1:
        candidates = sorted((v, i) for i, v in enumerate(values) if v >= threshold)
        while candidates and not _protected([values[i] for i in primary], [values[i] for i in secondary], threshold):
            secondary.append(candidates.pop(0)[1])
    return tuple(
        f"<{threshold}" if i in primary else SECONDARY_MARK if i in secondary else v for i, v in enumerate(values)
    )


@dataclass(frozen=True)
class ShownBreakdown:
    """A breakdown as it may be shown: cells hidden where needed, and the exact total per row if known."""

    by: str
    groups: tuple[str, ...]
    rows: tuple[tuple[Row, tuple[int | str, ...], int | str | None], ...]
    threshold: int
    suppressed: bool

    @property
    def has_total(self) -> bool:
        return any(total is not None for _row, _cells, total in self.rows)

    @property
    def footnote(self) -> str:
        if not self.suppressed:
            return ""
        return _(
            "Over gemeenten heen zijn kleine aantallen verborgen: '<%(n)s' is 1 tot %(n)s; 'x' is verborgen zodat "
            "een klein aantal niet uit het totaal is terug te rekenen. Het totaal is exact."
        ) % {"n": self.threshold}


def shown_breakdown(
    breakdown: "Breakdown | ShownBreakdown",
    publication: "Publication | None" = None,
    total: CouncilTable | None = None,
) -> ShownBreakdown:
    """The breakdown as shown and exported. Across municipalities (more than one column) small numbers are
    always hidden, primary and secondary; within one municipality only in publication mode. The total column
    (from `total`, the council table of the same reference date and scope) stays exact, except that
    publication mode hides a small total as everywhere."""
    if isinstance(breakdown, ShownBreakdown):
        return breakdown
    publication = publication or Publication.default()
    threshold = publication.threshold
    suppressed = (breakdown.across_municipalities and len(breakdown.groups) > 1) or publication.on
    if total is not None and breakdown.peildatum is not None and total.peildatum != breakdown.peildatum:
        total = None
    rows = tuple(
        (
            row,
            suppress_row(values, threshold) if suppressed else tuple(values),
            publication.show(total.value(row.code)) if total is not None else None,
        )
        for row, values in breakdown.rows
    )
    return ShownBreakdown(
        by=breakdown.by, groups=breakdown.groups, rows=rows, threshold=threshold, suppressed=suppressed
    )


def _date(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def _title(tables: Sequence[CouncilTable]) -> str:
    scope = tables[0].scope
    municipalities = ", ".join(scope.municipality_codes) or _("alle gemeenten")
    return _("Monitor %(route)s, %(municipalities)s") % {"route": scope.route_code, "municipalities": municipalities}


def to_csv(table: CouncilTable, publication: Publication | None = None) -> str:
    """code,label,value: one row per category in the order of the published table."""
    publication = publication or Publication()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "label", "value"])
    for row in table.rows:
        writer.writerow([row.code, neutralise(row.label), publication.show(row.value)])
    return out.getvalue()


def breakdown_csv(
    breakdown: Breakdown | ShownBreakdown, publication: Publication | None = None, total: CouncilTable | None = None
) -> str:
    """One row per category, one column per municipality or school (names neutralised), then the exact total
    when known. Small numbers hidden as in `shown_breakdown`."""
    shown = shown_breakdown(breakdown, publication, total)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "label", *(neutralise(g) for g in shown.groups), *(["totaal"] if shown.has_total else [])])
    for row, cells, row_total in shown.rows:
        writer.writerow([row.code, neutralise(row.label), *cells, *([row_total] if shown.has_total else [])])
    return out.getvalue()


def to_json(tables: Sequence[CouncilTable], publication: Publication | None = None) -> str:
    publication = publication or Publication()
    return json.dumps(
        {
            "definitions_version": DEFINITIONS_VERSION,
            "publication": publication.on,
            "suppression_threshold": publication.threshold if publication.on else None,
            "tables": [
                {
                    "peildatum": t.peildatum.isoformat(),
                    "route": t.scope.route_code,
                    "municipalities": list(t.scope.municipality_codes),
                    "rows": [{"code": r.code, "label": r.label, "value": publication.show(r.value)} for r in t.rows],
                    "extra_rows": [
                        {"code": r.code, "label": r.label, "value": publication.show(r.value)} for r in t.extra_rows
                    ],
                }
                for t in tables
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def to_text(tables: Sequence[CouncilTable], publication: Publication | None = None) -> str:
    publication = publication or Publication()
    width = max(len(r.label) for r in tables[0].rows + tables[0].extra_rows)
    header = f"{'':{width}}  " + "  ".join(f"{_date(t.peildatum):>10}" for t in tables)
    lines = [_title(tables), header]
    for index, row in enumerate(tables[0].rows):
        values = "  ".join(f"{publication.show(t.rows[index].value)!s:>10}" for t in tables)
        lines.append(f"{row.label:{width}}  {values}")
    lines.append("")
    for index, row in enumerate(tables[0].extra_rows):
        values = "  ".join(f"{publication.show(t.extra_rows[index].value)!s:>10}" for t in tables)
        lines.append(f"{row.label:{width}}  {values}")
    lines.append("")
    lines.append(_("Definities versie %(v)s; zie docs/monitor.md.") % {"v": DEFINITIONS_VERSION})
    if publication.footnote:
        lines.append(publication.footnote)
    return "\n".join(lines) + "\n"


def to_xlsx(
    tables: Sequence[CouncilTable],
    publication: Publication | None = None,
    breakdowns: Sequence[Breakdown | ShownBreakdown] = (),
) -> bytes:
    """A formatted workbook: the table (one column per reference date), breakdowns, and the definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    publication = publication or Publication()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Raadstabel")
    bold = Font(bold=True)
    sheet.append([neutralise(_title(tables))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Definities versie %(v)s") % {"v": DEFINITIONS_VERSION}])
    sheet.append([])
    sheet.append(["code", _("categorie"), *(_("peildatum %(d)s") % {"d": _date(t.peildatum)} for t in tables)])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for index, row in enumerate(tables[0].rows):
        sheet.append([row.code, neutralise(row.label), *(publication.show(t.rows[index].value) for t in tables)])
    sheet.append([])
    for index, row in enumerate(tables[0].extra_rows):
        sheet.append([row.code, neutralise(row.label), *(publication.show(t.extra_rows[index].value) for t in tables)])
    if publication.footnote:
        sheet.append([])
        sheet.append([publication.footnote])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 58
    for column in range(3, 3 + len(tables)):
        sheet.column_dimensions[get_column_letter(column)].width = 20
    sheet.freeze_panes = "C5"

    for breakdown in breakdowns:
        total = None
        if isinstance(breakdown, Breakdown):
            total = next((t for t in tables if t.peildatum == breakdown.peildatum), None)
        shown = shown_breakdown(breakdown, publication, total)
        title = _("Per gemeente") if shown.by == "municipality" else _("Per school")
        part = workbook.create_sheet(title)
        part.append(
            [
                "code",
                _("categorie"),
                *(neutralise(g) for g in shown.groups),
                *([_("totaal")] if shown.has_total else []),
            ]
        )
        for cell in part[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row, cells, row_total in shown.rows:
            part.append([row.code, neutralise(row.label), *cells, *([row_total] if shown.has_total else [])])
        if shown.footnote:
            part.append([])
            part.append([shown.footnote])
        part.column_dimensions["A"].width = 34
        part.column_dimensions["B"].width = 50

    definitions = workbook.create_sheet(_("Definities"))
    definitions.append(["code", _("categorie"), _("definitie (versie %(v)s)") % {"v": DEFINITIONS_VERSION}])
    for cell in definitions[1]:
        cell.font = bold
    for category in ALL_CATEGORIES.values():
        definitions.append([category.code, str(category.label), str(category.definition)])
        definitions.cell(definitions.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    for note in GENERAL_NOTES:
        definitions.append(["", "", str(note)])
    definitions.column_dimensions["A"].width = 34
    definitions.column_dimensions["B"].width = 45
    definitions.column_dimensions["C"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _latin1(text: str) -> str:
    """The PDF's built-in font covers Latin-1; anything else becomes '?' rather than failing the report."""
    return text.replace("–", "-").replace("’", "'").encode("latin-1", "replace").decode("latin-1")


def to_pdf(tables: Sequence[CouncilTable], publication: Publication | None = None) -> bytes:
    """A council-ready report: the table, a bar chart of the same figures, and the definitions."""
    from fpdf import FPDF

    publication = publication or Publication()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(_latin1(_title(tables)))
    pdf.set_author("routeplus")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin1(_title(tables)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    made = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    pdf.multi_cell(
        0,
        5,
        _latin1(_("Definities versie %(v)s. Gemaakt op %(when)s.") % {"v": DEFINITIONS_VERSION, "when": made}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    # The table.
    label_width = 190 - 28 * len(tables)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(label_width, 7, _latin1(_("Categorie")), border="B")
    for t in tables:
        pdf.cell(28, 7, _date(t.peildatum), border="B", align="R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for index, row in enumerate(tables[0].rows):
        pdf.cell(label_width, 6.5, _latin1(row.label), border="B")
        for t in tables:
            pdf.cell(28, 6.5, str(publication.show(t.rows[index].value)), border="B", align="R")
        pdf.ln()
    pdf.ln(2)
    pdf.set_font("Helvetica", "I", 8)
    notes = [str(n) for n in GENERAL_NOTES] + ([publication.footnote] if publication.footnote else [])
    for note in notes:
        pdf.multi_cell(0, 4.5, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    _pdf_bar_chart(pdf, tables, publication)

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, _latin1(_("Definities (versie %(v)s)") % {"v": DEFINITIONS_VERSION}), new_x="LMARGIN", new_y="NEXT")
    seen = set()
    for category in PUBLISHED:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5.5, _latin1(str(category.label)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        text = str(category.definition)
        if text in seen:
            text = _("Zie de definitie van de resultaatcategorieën hierboven.")
        seen.add(str(category.definition))
        pdf.multi_cell(0, 4.8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    return bytes(pdf.output())


def _pdf_bar_chart(pdf: object, tables: Sequence[CouncilTable], publication: Publication) -> None:
    """Horizontal bars per category, one bar per reference date, values written beside each bar."""
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    title = _("Deelnemers, resultaten en nieuwe starts per peildatum")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    greys = [(90, 90, 90), (179, 0, 11), (40, 90, 160), (0, 120, 60)]
    legend_y = pdf.get_y()
    x = pdf.l_margin
    pdf.set_font("Helvetica", "", 8)
    for index, t in enumerate(tables):
        pdf.set_fill_color(*greys[index % len(greys)])
        pdf.rect(x, legend_y + 1, 4, 3, style="F")
        pdf.set_xy(x + 5, legend_y)
        pdf.cell(30, 5, _date(t.peildatum))
        x += 36
    pdf.ln(7)
    maximum = max(max(r.value for r in t.rows) for t in tables) or 1
    label_width, bar_area, bar_height = 70, 100, 2.6
    for index, row in enumerate(tables[0].rows):
        if pdf.get_y() > 270:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.multi_cell(label_width - 2, 3.4, _latin1(row.label), align="R")
        for series, t in enumerate(tables):
            value = t.rows[index].value
            shown = publication.show(value)
            length = 0 if isinstance(shown, str) else bar_area * value / maximum
            bar_y = y + series * (bar_height + 0.6)
            pdf.set_fill_color(*greys[series % len(greys)])
            if length:
                pdf.rect(pdf.l_margin + label_width, bar_y, length, bar_height, style="F")
            pdf.set_xy(pdf.l_margin + label_width + length + 1, bar_y - 0.7)
            pdf.cell(15, 4, str(shown))
        pdf.set_y(y + max(7.5, len(tables) * (bar_height + 0.6) + 1.5))
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4.5,
        _latin1(_("Lengte van de balk = aantal. De tabel hierboven geeft dezelfde cijfers.")),
        new_x="LMARGIN",
        new_y="NEXT",
    )
