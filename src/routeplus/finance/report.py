"""The PDF report for the budget discussion: key figures, charts, tables, every assumption and its source."""

import io
import logging
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from routeplus.finance import model, presentation
from routeplus.finance.charts import euro, percent
from routeplus.finance.models import OutcomeMode
from routeplus.finance.parameters import CERTAINTIES
from routeplus.finance.selectors import BusinessCase
from routeplus.ui.pdf import FONT_DIR

# Liberation Sans (shipped once, in routeplus/ui/fonts) is metric-compatible with Arial, the family the SVG
# charts name; it carries the euro sign.
FAMILY = "Arial"
# fontTools logs every subsetting step at INFO; that is noise in the application log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class _Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.add_font(FAMILY, "", str(FONT_DIR / "LiberationSans-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "LiberationSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(title)
        self.set_author("routeplus")
        self.set_lang("nl-NL")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 6, f"{self.report_title} · {_('pagina')} {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: int = 9) -> None:
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, 4.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def table_rows(
        self, head: list[str], rows: list[list[str]], widths: list[float] | None = None, size: int = 8
    ) -> None:
        self.set_font(FAMILY, "", size)
        with self.table(
            col_widths=widths, text_align="LEFT", line_height=4.2, first_row_as_headings=True, padding=0.8
        ) as table:
            header = table.row()
            for cell in head:
                header.cell(cell)
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(cell)
        self.ln(2)


def _for_pdf(svg: str) -> str:
    """fpdf2 does not read <title> and <desc> (the heading and description carry them in the PDF)."""
    return re.sub(r"<(title|desc) [^>]*>.*?</\1>", "", svg, flags=re.DOTALL)


def report_pdf(case: BusinessCase, *, title: str, view: model.View, description: str = "") -> bytes:
    """Render the business case as a PDF; the same numbers, charts and texts as the page."""
    pdf = _Report(f"Business case Route Arbeid+ – {title}")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 17)
    pdf.multi_cell(0, 8, _("Business case Route Arbeid+ tegenover de 0-variant"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 11)
    pdf.multi_cell(0, 6, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    parameters = case.parameters
    choices = case.choices
    pdf.paragraph(
        _(
            "Gemaakt op %(today)s met routeplus. Standaardwaarden versie %(version)s (%(date)s). "
            "Horizon %(horizon)s jaar "
            "vanaf %(start)s, discontovoet %(rate)s. Alle bedragen per deelnemer tenzij anders vermeld; bedragen in "
            "prijzen van de bron, niet geïndexeerd."
        )
        % {
            "today": timezone.localdate().strftime("%d-%m-%Y"),
            "version": parameters.version,
            "date": parameters.date,
            "horizon": choices.horizon,
            "start": choices.start_year,
            "rate": percent(parameters["discount_rate"].value, 2),
        }
    )
    if description:
        pdf.paragraph(description)

    pdf.heading(_("Kerncijfers"))
    figures = presentation.key_figures(case)
    pdf.table_rows(
        [_("Zicht"), _("Netto contante waarde"), _("Terugverdiend in"), _("Kans op voordeel"), _("90%-interval")],
        [[f.label, f.npv, f.break_even, f.chance_positive, f.interval] for f in figures],
        widths=[40, 34, 34, 28, 54],
    )
    capacity = case.capacity
    intake = capacity.intake_per_year
    pdf.paragraph(
        _(
            "Capaciteit: een budget van %(budget)s per jaar betaalt bij %(cost)s per trajectjaar %(places)s plaatsen. "
            "Met gemiddeld %(years)s jaar in de route starten er zo %(intake)s jongeren per jaar; hun netto contante "
            "waarde is maatschappelijk %(societal)s en voor de gemeentekas %(cash)s."
        )
        % {
            "budget": euro(float(capacity.budget)),
            "cost": euro(float(capacity.cost_per_trajectory_year)),
            "places": f"{capacity.places:.1f}".replace(".", ","),
            "years": f"{capacity.mean_years_in_route:.1f}".replace(".", ","),
            "intake": "-" if intake is None else f"{intake:.1f}".replace(".", ","),
            "societal": euro(capacity.npv_of_intake(model.View.SOCIETAL) or 0),
            "cash": euro(capacity.npv_of_intake(model.View.MUNICIPAL_CASH) or 0),
        }
    )

    for chart in presentation.all_charts(case, view):
        if pdf.get_y() > 170:
            pdf.add_page()
        pdf.heading(chart.title, size=11)
        pdf.image(io.BytesIO(_for_pdf(chart.svg).encode("utf-8")), w=175)
        pdf.set_font(FAMILY, "", 8)
        pdf.multi_cell(0, 4, chart.description, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    pdf.add_page()
    pdf.heading(_("Per jaar en per betaler (netto voordeel; negatief is extra kosten)"))
    head, rows = presentation.yearly_table(case)
    pdf.table_rows(head, [[str(r.year), *r.cells] for r in rows], size=7)
    pdf.heading(_("Per kostenpost over de horizon (niet verdisconteerd)"))
    pdf.table_rows(
        [_("Kostenpost"), _("Betaler"), _("Route"), _("0-variant"), _("Besparing")],
        [list(r) for r in presentation.line_table(case)],
    )

    pdf.heading(_("Uitkomsten: kansen en jaren tot de uitkomst"))
    chances = case.chances
    if chances.mode == OutcomeMode.OBSERVED:
        cohorts = ", ".join(str(c.year) for c in chances.cohorts) or _("geen")
        pdf.paragraph(
            _(
                "Geschat uit bevestigde resultaten in routeplus (route %(route)s, cohorten %(cohorts)s): "
                "%(n)s jongeren "
                "met een uitkomst. Kans = gemiddelde van de Dirichlet-verdeling met Jeffreys-prior (0,5 per uitkomst); "
                "interval = Wilson 95%%."
            )
            % {"route": choices.route_code, "cohorts": cohorts, "n": chances.n}
        )
    else:
        pdf.paragraph(
            _("Zelf ingesteld, met de zekerheid van %(weight)s waarnemingen.") % {"weight": f"{chances.weight:g}"}
        )
    pdf.table_rows(
        [_("Uitkomst"), _("Aantal"), _("Kans"), _("95%-interval"), _("Jaren tot uitkomst")],
        [
            [
                row.label,
                "" if row.count is None else str(row.count),
                percent(row.chance, 1),
                f"{percent(row.low, 1)} – {percent(row.high, 1)}",
                f"{row.years:.1f}".replace(".", ","),
            ]
            for row in chances.rows()
        ],
        widths=[62, 18, 22, 40, 38],
    )

    pdf.heading(_("Aannames en bronnen"))
    pdf.paragraph(
        _(
            "Zekerheid: V = geverifieerd in een primaire bron, S = secundaire bron, D = afgeleid uit bronnen, "
            "U = onzeker of geen bron gevonden. 'Standaard' betekent: vervang door eigen contractcijfers."
        )
    )
    pdf.table_rows(
        [_("Parameter"), _("Waarde (laag – hoog)"), _("Zekerheid"), _("Bron en datum")],
        [
            [
                p.label,
                f"{presentation.input_text(p.value, p.unit)} ({presentation.input_text(p.low, p.unit)} – "
                f"{presentation.input_text(p.high, p.unit)})",
                f"{p.certainty}: {CERTAINTIES[p.certainty]}"
                + ("; " + _("standaard") if p.default else "; " + _("eigen waarde")),
                p.source + (f" ({p.source_date})" if p.source_date else ""),
            ]
            for p in parameters.parameters
        ],
        widths=[38, 36, 30, 76],
        size=7,
    )
    pdf.heading(_("Werkwijze in het kort"))
    pdf.paragraph(
        _(
            "Per deelnemer per jaar: de verwachte kosten in de route (tot de uitkomst: dagbesteding, inkomen en de "
            "kosten van de route; daarna de kosten van de uitkomst) tegenover de 0-variant (blijvend dagbesteding met "
            "uitkering). Netto voordeel = kosten 0-variant min kosten route, per betaler. "
            "Maatschappelijke waarde: alle betalers samen, Wmo-besparing volledig. "
            "Kasstroom gemeente: alleen de gemeente, en van de besparing op "
            "Wmo-dagbesteding en -vervoer alleen het deel dat door de lumpsum echt vrijvalt. Onzekerheid: %(draws)s "
            "trekkingen (driehoeksverdeling laag-waarde-hoog per parameter, Dirichlet voor de kansen), "
            "startgetal %(seed)s. "
            "Zie docs/businesscase.md voor alle aannames."
        )
        % {"draws": case.monte_carlo[view].draws, "seed": choices.seed}
    )
    pdf.alias_nb_pages()
    return bytes(pdf.output())
