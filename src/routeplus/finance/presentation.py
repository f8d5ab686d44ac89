"""What the page and the PDF say about a computed business case: key figures, chart messages, tables."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from routeplus.finance import charts, model
from routeplus.finance.charts import Chart, euro, percent
from routeplus.finance.outcomes import CATEGORY_LABELS
from routeplus.finance.parameters import Parameter
from routeplus.finance.selectors import BusinessCase

TORNADO_ROWS = 10


def input_text(value: float, unit: str) -> str:
    if unit in {"share", "rate"}:
        return percent(value, 1 if unit == "rate" else 0)
    if unit == "eur_per_year":
        return euro(value) + _(" per jaar")
    if unit == "eur":
        return euro(value)
    if unit == "years":
        return f"{value:g} " + _("jaar")
    if unit == "age":
        return f"{value:g} " + _("jaar oud")
    return f"{value:g}"


def break_even_text(year: int | None, horizon: int) -> str:
    if year is None:
        return _("niet binnen %(horizon)s jaar") % {"horizon": horizon}
    return str(year)


@dataclass(frozen=True)
class KeyFigure:
    view: model.View
    label: str
    npv: str
    npv_value: float
    break_even: str
    chance_positive: str
    interval: str


def key_figures(case: BusinessCase) -> list[KeyFigure]:
    figures = []
    for view in model.View:
        run = case.monte_carlo[view]
        figures.append(
            KeyFigure(
                view=view,
                label=str(model.VIEW_LABELS[view]),
                npv=euro(case.npv(view)),
                npv_value=case.npv(view),
                break_even=break_even_text(case.break_even(view), case.choices.horizon),
                chance_positive=percent(run.chance_positive),
                interval=_("%(low)s tot %(high)s") % {"low": euro(run.percentile(5)), "high": euro(run.percentile(95))},
            )
        )
    return figures


def cumulative_chart(case: BusinessCase) -> Chart:
    projection = case.projection
    societal = [float(v) for v in projection.cumulative(model.View.SOCIETAL)[0]]
    cash = [float(v) for v in projection.cumulative(model.View.MUNICIPAL_CASH)[0]]
    year_s, year_c = case.break_even(model.View.SOCIETAL), case.break_even(model.View.MUNICIPAL_CASH)
    horizon = case.choices.horizon
    if year_s is not None and year_c is not None:
        title = _("De route verdient zich maatschappelijk terug in %(s)s en voor de gemeentekas in %(c)s") % {
            "s": year_s,
            "c": year_c,
        }
    elif year_s is not None:
        title = _(
            "De route verdient zich maatschappelijk terug in %(s)s, voor de gemeentekas niet binnen %(h)s jaar"
        ) % {
            "s": year_s,
            "h": horizon,
        }
    else:
        title = _("De route verdient zich binnen %(h)s jaar niet terug") % {"h": horizon}
    marks = []
    for year, label in ((year_s, _("terugverdiend (maatschappelijk)")), (year_c, _("terugverdiend (gemeentekas)"))):
        if year is not None and year != projection.start_year:
            marks.append((year - projection.start_year, f"{label} {year}"))
    return charts.line_chart(
        key="bc-cumulative",
        title=title,
        description=_(
            "Opgeteld en verdisconteerd netto voordeel per deelnemer ten opzichte van de 0-variant, per jaar, "
            "voor de maatschappij en voor de kas van de gemeente."
        ),
        x_label=_("Jaar"),
        y_label=_("Opgeteld netto voordeel per deelnemer"),
        x_values=projection.years,
        series=[
            (str(model.VIEW_LABELS[model.View.SOCIETAL]), societal),
            (str(model.VIEW_LABELS[model.View.MUNICIPAL_CASH]), cash),
        ],
        marks=marks[:1] if year_s == year_c else marks,
    )


def payer_rows(case: BusinessCase) -> list[tuple[str, float]]:
    projection = case.projection
    discount = projection.discount_factors
    municipality = float((projection.payer_benefit(model.Payer.MUNICIPALITY) * discount).sum())
    unrealised = float((projection.unrealised_wmo() * discount).sum())
    return [
        (_("Gemeente: kasstroom"), municipality - unrealised),
        (_("Gemeente: Wmo-besparing die door de lumpsum niet vrijvalt"), unrealised),
        (
            str(model.PAYER_LABELS[model.Payer.STATE]),
            float((projection.payer_benefit(model.Payer.STATE) * discount).sum()),
        ),
        (
            str(model.PAYER_LABELS[model.Payer.CARE_OFFICE]),
            float((projection.payer_benefit(model.Payer.CARE_OFFICE) * discount).sum()),
        ),
        (_("Maatschappij (alle betalers)"), case.npv(model.View.SOCIETAL)),
    ]


def payer_chart(case: BusinessCase) -> Chart:
    rows = payer_rows(case)
    # The three payers as they appear in a sentence; the hidden Wmo part and the total are no payers.
    names = [_("de gemeentekas"), _("het Rijk en UWV"), _("het zorgkantoor")]
    payers = list(zip(names, [rows[0][1], rows[2][1], rows[3][1]], strict=True))
    best = max(payers, key=lambda r: r[1])
    worst = min(payers, key=lambda r: r[1])
    if worst[1] < 0:
        title = _("Het voordeel valt vooral bij %(best)s; %(worst)s betaalt per saldo mee") % {
            "best": best[0],
            "worst": worst[0],
        }
    else:
        title = _("Het grootste voordeel valt bij %(best)s") % {"best": best[0]}
    return charts.bar_chart(
        key="bc-payers",
        title=title,
        description=_("Netto contante waarde per deelnemer over de horizon, per betaler."),
        x_label=_("Netto contante waarde per deelnemer"),
        y_label=_("Betaler"),
        bars=rows,
    )


def distribution_chart(case: BusinessCase, view: model.View) -> Chart:
    run = case.monte_carlo[view]
    return charts.histogram_chart(
        key="bc-distribution",
        title=_("Kans dat de route per saldo oplevert (%(view)s): %(chance)s")
        % {
            "view": str(model.VIEW_LABELS[view]).lower(),
            "chance": percent(run.chance_positive),
        },
        description=_(
            "Verdeling van de netto contante waarde per deelnemer over %(draws)s trekkingen (startgetal %(seed)s)."
        )
        % {"draws": run.draws, "seed": run.seed},
        x_label=_("Netto contante waarde per deelnemer"),
        y_label=_("Aandeel van de trekkingen"),
        samples=run.npv,
    )


def tornado_chart(case: BusinessCase, view: model.View) -> Chart:
    base, swings = case.tornado[view]
    shown = swings[:TORNADO_ROWS]
    title = (
        _("%(label)s bepaalt de uitkomst het meest") % {"label": shown[0].label}
        if shown
        else _("Geen enkele invoer heeft een bandbreedte")
    )
    return charts.tornado_chart(
        key="bc-tornado",
        title=title,
        description=_(
            "Uitkomst (%(view)s, netto contante waarde per deelnemer) als één invoer op zijn lage of hoge waarde "
            "staat en de rest op de gekozen waarde. De lijn is de uitkomst met alle gekozen waarden: %(base)s."
        )
        % {"view": str(model.VIEW_LABELS[view]).lower(), "base": euro(base)},
        x_label=_("Netto contante waarde per deelnemer"),
        y_label=_("Invoer"),
        base=base,
        swings=[
            (s.label, s.npv_low, s.npv_high, input_text(s.low_input, s.unit), input_text(s.high_input, s.unit))
            for s in shown
        ],
    )


@dataclass(frozen=True)
class YearRow:
    year: int
    cells: list[str]


def yearly_table(case: BusinessCase) -> tuple[list[str], list[YearRow]]:
    """Per year: costs of the route and the 0-variant, and the benefit per payer and per view."""
    projection = case.projection
    head = [
        _("Jaar"),
        _("Kosten route"),
        _("Kosten 0-variant"),
        str(model.PAYER_LABELS[model.Payer.MUNICIPALITY]),
        str(model.PAYER_LABELS[model.Payer.STATE]),
        str(model.PAYER_LABELS[model.Payer.CARE_OFFICE]),
        str(model.VIEW_LABELS[model.View.MUNICIPAL_CASH]),
        str(model.VIEW_LABELS[model.View.SOCIETAL]),
    ]
    route = projection.route[0].sum(axis=1)
    zero = projection.zero[0].sum(axis=1)
    payers = {payer: projection.payer_benefit(payer)[0] for payer in model.Payer}
    views = {view: projection.benefit(view)[0] for view in model.View}
    rows = [
        YearRow(
            year,
            [
                euro(route[i], cents=True),
                euro(zero[i], cents=True),
                euro(payers[model.Payer.MUNICIPALITY][i], cents=True),
                euro(payers[model.Payer.STATE][i], cents=True),
                euro(payers[model.Payer.CARE_OFFICE][i], cents=True),
                euro(views[model.View.MUNICIPAL_CASH][i], cents=True),
                euro(views[model.View.SOCIETAL][i], cents=True),
            ],
        )
        for i, year in enumerate(projection.years)
    ]
    return head, rows


def line_table(case: BusinessCase) -> list[tuple[str, str, str, str, str]]:
    """Per cost line over the horizon (undiscounted): payer, route, 0-variant, saving."""
    projection = case.projection
    rows = []
    for index, line in enumerate(model.LINES):
        route = float(projection.route[0, :, index].sum())
        zero = float(projection.zero[0, :, index].sum())
        if route == 0 and zero == 0:
            continue
        rows.append(
            (
                str(model.LINE_LABELS[line]),
                str(model.PAYER_LABELS[model.LINE_PAYER[line]]),
                euro(route),
                euro(zero),
                euro(zero - route),
            )
        )
    return rows


def parameter_note(parameter: Parameter) -> str:
    return _("standaardwaarde, vervang door eigen contractcijfers") if parameter.default else _("eigen waarde")


def outcome_label(category: str) -> str:
    return str(CATEGORY_LABELS[category])


def all_charts(case: BusinessCase, view: model.View) -> list[Chart]:
    return [cumulative_chart(case), payer_chart(case), distribution_chart(case, view), tornado_chart(case, view)]
