"""Server-rendered SVG charts: geometry computed here, drawn by templates in monitor/charts/.

No JavaScript and no inline styles (the CSP allows neither): shapes carry classes styled in monitor.css.
Series differ by pattern as well as colour, every bar and point carries its number as text, and every chart
comes with a table alternative in the template, so no information depends on colour or on seeing the chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from routeplus.monitor.selectors import CouncilTable, Flow

BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
LABEL_WIDTH = 300
PLOT_WIDTH = 360
VALUE_ROOM = 60


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: str
    series: int
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass
class BarChart:
    """Horizontal bars: one group per label, one bar per series."""

    id: str
    title: str
    x_label: str
    width: int
    height: int
    labels: list[Label] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Label] = field(default_factory=list)
    gridlines: list[float] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    legend: list[Label] = field(default_factory=list)
    axis_x: float = LABEL_WIDTH
    axis_top: float = 0
    axis_bottom: float = 0
    table_head: list[str] = field(default_factory=list)
    table_rows: list[tuple[str, list[str]]] = field(default_factory=list)


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return -(-value // step) * step
    return value


def bar_chart(
    *, id: str, title: str, labels: list[str], series: list[tuple[str, Sequence[int | str]]], x_label: str
) -> BarChart:
    """A hidden number (a text such as "<5" or "x") gets no bar, only its text."""
    top = 28 if len(series) > 1 else 8
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = top + len(labels) * (group_height + GROUP_GAP) + 40
    chart = BarChart(
        id=id,
        title=title,
        x_label=x_label,
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_ROOM,
        height=height,
        series=[name for name, _values in series],
        axis_top=top - 4,
    )
    maximum = _nice_max(max((v for _n, values in series for v in values if isinstance(v, int)), default=0))
    scale = PLOT_WIDTH / maximum
    for tick in range(0, maximum + 1, max(1, maximum // 5)):
        x = LABEL_WIDTH + tick * scale
        chart.gridlines.append(x)
        chart.ticks.append(Label(x, 0, str(tick)))
    y = top
    for index, label in enumerate(labels):
        chart.labels.append(Label(LABEL_WIDTH - 8, y + group_height / 2 + 4, label))
        for s, (_name, values) in enumerate(series):
            value = values[index]
            bar_y = y + s * (BAR_HEIGHT + BAR_GAP)
            width = value * scale if isinstance(value, int) else 0
            chart.bars.append(
                Bar(
                    LABEL_WIDTH,
                    bar_y,
                    width,
                    BAR_HEIGHT,
                    str(value),
                    s,
                    LABEL_WIDTH + width + 4,
                    bar_y + BAR_HEIGHT - 4,
                )
            )
        y += group_height + GROUP_GAP
    chart.axis_bottom = y - GROUP_GAP + 4
    chart.ticks = [Label(t.x, chart.axis_bottom + 14, t.text) for t in chart.ticks]
    if len(series) > 1:
        chart.legend = [Label(LABEL_WIDTH + i * 130, 8, name) for i, (name, _v) in enumerate(series)]
    chart.table_head = [_("Categorie"), *chart.series]
    chart.table_rows = [(label, [str(values[i]) for _n, values in series]) for i, label in enumerate(labels)]
    return chart


def comparison_chart(tables: list[CouncilTable]) -> BarChart:
    """The two reference dates side by side, with a title that states the change in participants."""
    first, last = tables[0], tables[-1]
    before, after = first.value("deelnemers_actueel"), last.value("deelnemers_actueel")
    if len(tables) > 1 and before != after:
        title = _("Deelnemers actueel van %(a)s naar %(b)s (%(delta)+d) tussen %(p1)s en %(p2)s") % {
            "a": before,
            "b": after,
            "delta": after - before,
            "p1": _d(first.peildatum),
            "p2": _d(last.peildatum),
        }
    else:
        title = _("Deelnemers actueel: %(n)s op %(p)s") % {"n": after, "p": _d(last.peildatum)}
    return bar_chart(
        id="vergelijking",
        title=title,
        labels=[r.label for r in first.rows],
        series=[(_d(t.peildatum), [r.value for r in t.rows]) for t in tables],
        x_label=_("aantal jongeren (nieuw gestart: aantal trajecten)"),
    )


def _d(value: date) -> str:
    return value.strftime("%d-%m-%Y")


@dataclass
class SmallChart:
    """One category's line over the year ends."""

    id: str
    title: str
    points: list[Label]
    path: str
    x_labels: list[Label]
    y_max: int
    width: int = 260
    height: int = 150


def trend_charts(trend: list[CouncilTable]) -> list[SmallChart]:
    """A small line chart per category: equal scales within a chart, each point labelled with its value."""
    charts: list[SmallChart] = []
    if not trend:
        return charts
    left, right, top, bottom = 30, 250, 22, 118
    for index, row in enumerate(trend[0].rows):
        values = [t.rows[index].value for t in trend]
        y_max = _nice_max(max(values))
        step = (right - left) / max(1, len(values) - 1)
        points = []
        for i, value in enumerate(values):
            x = left + i * step if len(values) > 1 else (left + right) / 2
            y = bottom - (bottom - top) * value / y_max
            points.append(Label(round(x, 1), round(y, 1), str(value)))
        path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
        x_labels = [
            Label(
                p.x,
                bottom + 16,
                str(t.peildatum.year) if t.peildatum.month == 12 and t.peildatum.day == 31 else _d(t.peildatum),
            )
            for p, t in zip(points, trend, strict=True)
        ]
        direction = values[-1] - values[0]
        message = (
            _("%(label)s: gestegen van %(a)s naar %(b)s")
            if direction > 0
            else _("%(label)s: gedaald van %(a)s naar %(b)s")
            if direction < 0
            else _("%(label)s: gelijk gebleven op %(b)s")
        ) % {"label": row.label, "a": values[0], "b": values[-1]}
        charts.append(SmallChart(f"trend-{row.code}", message, points, path, x_labels, y_max))
    return charts


@dataclass(frozen=True)
class Node:
    name: str
    column: int
    x: float
    y: float
    height: float
    value: int
    label_x: float
    anchor: str


@dataclass(frozen=True)
class Band:
    path: str
    source: str
    target: str
    value: int
    column: int


@dataclass
class Sankey:
    id: str
    title: str
    width: int
    height: int
    nodes: list[Node]
    bands: list[Band]
    flows: list[Flow]
    column_titles: list[Label]


def sankey(flows: list[Flow], *, title: str) -> Sankey:
    """Three columns (profile → route → result); band thickness proportional to the number of trajectories."""
    width, height, node_width, gap, top = 900, 420, 14, 10, 30
    columns: list[dict[str, int]] = [{}, {}, {}]
    for f in flows:
        columns[f.stage][f.source] = columns[f.stage].get(f.source, 0) + (f.value if f.stage == 0 else 0)
        columns[f.stage + 1][f.target] = columns[f.stage + 1].get(f.target, 0) + f.value
    total = max((sum(c.values()) for c in columns), default=0) or 1
    usable = height - top - 10 - gap * max(len(c) for c in columns)
    scale = usable / total
    xs = [170, width / 2 - node_width / 2, width - 230]
    nodes: dict[tuple[int, str], Node] = {}
    for col, values in enumerate(columns):
        y: float = top
        for name, value in sorted(values.items(), key=lambda item: (-item[1], item[0])):
            h = max(2.0, value * scale)
            # Labels outside the node: left of the first column, right of the others.
            label_x = xs[col] - 6 if col == 0 else xs[col] + node_width + 6
            nodes[(col, name)] = Node(name, col, xs[col], y, h, value, label_x, "end" if col == 0 else "start")
            y += h + gap
    offsets_out: dict[tuple[int, str], float] = {}
    offsets_in: dict[tuple[int, str], float] = {}
    bands = []
    for f in sorted(flows, key=lambda f: (f.source, -f.value)):
        col = f.stage
        src, dst = nodes[(col, f.source)], nodes[(col + 1, f.target)]
        thickness = max(1.0, f.value * scale)
        y0 = src.y + offsets_out.get((col, f.source), 0)
        y1 = dst.y + offsets_in.get((col + 1, f.target), 0)
        offsets_out[(col, f.source)] = offsets_out.get((col, f.source), 0) + thickness
        offsets_in[(col + 1, f.target)] = offsets_in.get((col + 1, f.target), 0) + thickness
        x0, x1 = src.x + node_width, dst.x
        mid = (x0 + x1) / 2
        path = (
            f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
            f"L{x1:.1f},{y1 + thickness:.1f} C{mid:.1f},{y1 + thickness:.1f} {mid:.1f},{y0 + thickness:.1f} "
            f"{x0:.1f},{y0 + thickness:.1f} Z"
        )
        bands.append(Band(path, f.source, f.target, f.value, col))
    column_titles = [
        Label(xs[0] + node_width, 16, _("Uitstroomprofiel")),
        Label(xs[1] + node_width / 2, 16, _("Route")),
        Label(xs[2], 16, _("Laatste resultaat")),
    ]
    return Sankey("stromen", title, width, height, list(nodes.values()), bands, flows, column_titles)
