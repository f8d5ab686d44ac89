"""Server-rendered SVG charts of the business case, with a title that states the message and labelled axes.

Each chart is a `Chart`: a title, the axis labels, the SVG markup and the rows of its table alternative. The page
shows the SVG with the table beside it; the PDF report draws the same charts from the same SVG. Colours are
never the only carrier of meaning: lines differ in dash and marker, bars carry their signed value as text.
"""

import math
from dataclasses import dataclass
from html import escape

import numpy as np

WIDTH = 680
DARK = "#1a1a1a"
GRID = "#c8c8c8"
BLUE = "#1f4e79"
RED = "#a00009"
FONT = 'font-family="Arial, Helvetica, sans-serif"'


def euro(amount: float, *, cents: bool = False) -> str:
    """Dutch notation: € 12.345 or -€ 1.234,56 (a minus sign, never colour alone)."""
    text = f"{abs(amount):,.2f}" if cents else f"{abs(round(amount)):,.0f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-€ " if amount < 0 and round(abs(amount), 2 if cents else 0) > 0 else "€ ") + text


def percent(share: float, digits: int = 0) -> str:
    return f"{share * 100:.{digits}f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    x_label: str
    y_label: str
    svg: str
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _axis(low: float, high: float) -> tuple[float, float, list[float]]:
    """A range that includes zero, widened to nice tick values."""
    low, high = min(low, 0.0), max(high, 0.0)
    if math.isclose(low, high):
        high = low + 1
    step = _nice_step(high - low)
    start, end = math.floor(low / step) * step, math.ceil(high / step) * step
    ticks = [start + i * step for i in range(round((end - start) / step) + 1)]
    return start, end, ticks


def _short_euro(amount: float) -> str:
    if abs(amount) >= 1_000_000:
        return euro(amount / 1_000_000).replace("€ ", "€ ") + " mln"
    if abs(amount) >= 10_000:
        return euro(amount / 1000) + "k"
    return euro(amount)


def _svg(key: str, title: str, description: str, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'class="bc-chart__svg" role="img" aria-labelledby="{key}-title {key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = 12,
    weight: str = "normal",
    fill: str = DARK,
    rotate: bool = False,
) -> str:
    transform = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" font-weight="{weight}" fill="{fill}" '
        f'text-anchor="{anchor}"{transform}>{escape(text)}</text>'
    )


def line_chart(
    *,
    key: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    x_values: list[int],
    series: list[tuple[str, list[float]]],
    marks: list[tuple[int, str]] | None = None,
) -> Chart:
    """Lines over the years; series differ in colour, dash and marker shape; a zero line is always drawn."""
    height, left, right, top, bottom = 340, 84, 24, 20, 92
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [v for _, ys in series for v in ys]
    low, high, ticks = _axis(min(values, default=0.0), max(values, default=0.0))
    n = max(len(x_values) - 1, 1)

    def sx(i: int) -> float:
        return left + plot_w * i / n

    def sy(v: float) -> float:
        return top + plot_h * (high - v) / (high - low)

    body = []
    for tick in ticks:
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" '
            f'stroke="{DARK if tick == 0 else GRID}" stroke-width="{1.5 if tick == 0 else 1}"/>'
        )
        body.append(_text(left - 6, sy(tick) + 4, _short_euro(tick), anchor="end", size=11))
    step = max(1, math.ceil(len(x_values) / 12))
    for i, x in enumerate(x_values):
        if i % step == 0 or i == len(x_values) - 1:
            body.append(_text(sx(i), top + plot_h + 16, str(x), anchor="middle", size=11))
    styles = [(BLUE, "", "circle"), (RED, "6 4", "square")]
    for index, (label, ys) in enumerate(series):
        colour, dash, marker = styles[index % len(styles)]
        points = " ".join(f"{sx(i):.1f},{sy(v):.1f}" for i, v in enumerate(ys))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        for i, v in enumerate(ys):
            body.append(_marker(marker, sx(i), sy(v), colour))
        legend_y = height - 30 + 16 * (index // 2) - (8 if len(series) > 2 else 0)
        legend_x = left + (index % 2) * 300
        body.append(
            f'<line x1="{legend_x}" x2="{legend_x + 28}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        body.append(_marker(marker, legend_x + 14, legend_y - 4, colour))
        body.append(_text(legend_x + 36, legend_y, label, size=12))
    for number, (i, label) in enumerate(marks or []):
        body.append(
            f'<line x1="{sx(i):.1f}" x2="{sx(i):.1f}" y1="{top}" y2="{top + plot_h}" stroke="{DARK}" '
            f'stroke-dasharray="2 3"/>'
        )
        body.append(_text(sx(i) + 4, top + 12 + 14 * number, label, size=11))
    body.append(_text(left + plot_w / 2, top + plot_h + 36, x_label, anchor="middle", weight="bold"))
    body.append(_text(16, top + plot_h / 2, y_label, anchor="middle", weight="bold", rotate=True))
    rows = tuple((str(x), *(euro(ys[i]) for _, ys in series)) for i, x in enumerate(x_values))
    return Chart(
        key,
        title,
        description,
        x_label,
        y_label,
        _svg(key, title, description, height, body),
        (x_label, *(label for label, _ in series)),
        rows,
    )


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def bar_chart(
    *,
    key: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    bars: list[tuple[str, float]],
) -> Chart:
    """Horizontal bars for signed amounts, each with its value written beside it."""
    left, right, top, row = 250, 90, 16, 34
    height = top + row * len(bars) + 56
    plot_w = WIDTH - left - right
    low, high, ticks = _axis(min((v for _, v in bars), default=0.0), max((v for _, v in bars), default=0.0))

    def sx(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    body = []
    bottom = top + row * len(bars)
    for tick in ticks:
        body.append(f'<line x1="{sx(tick):.1f}" x2="{sx(tick):.1f}" y1="{top}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(_text(sx(tick), bottom + 16, _short_euro(tick), anchor="middle", size=11))
    for i, (label, value) in enumerate(bars):
        y = top + i * row + 6
        x0, x1 = sorted((sx(0), sx(value)))
        body.append(
            f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1):.1f}" height="{row - 12}" '
            f'fill="{BLUE if value >= 0 else RED}"/>'
        )
        body.append(_text(left - 8, y + (row - 12) / 2 + 4, label, anchor="end", size=12))
        # The value stands right of the bar, or right of the zero line for a negative bar, clear of the labels.
        value_x = x1 + 6 if value >= 0 else sx(0) + 6
        body.append(_text(value_x, y + (row - 12) / 2 + 4, euro(value), size=12, weight="bold"))
    body.append(
        f'<line x1="{sx(0):.1f}" x2="{sx(0):.1f}" y1="{top}" y2="{bottom}" stroke="{DARK}" stroke-width="1.5"/>'
    )
    body.append(_text(left + plot_w / 2, bottom + 38, x_label, anchor="middle", weight="bold"))
    rows = tuple((label, euro(value)) for label, value in bars)
    return Chart(
        key, title, description, x_label, y_label, _svg(key, title, description, height, body), (y_label, x_label), rows
    )


def histogram_chart(
    *,
    key: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    samples: np.ndarray,
    bins: int = 20,
) -> Chart:
    """The distribution of the net benefit over the Monte Carlo draws; bars left of zero are losses."""
    height, left, right, top, bottom = 300, 64, 24, 20, 64
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    counts, edges = np.histogram(samples, bins=bins)
    low: float = min(float(edges[0]), 0.0)
    high: float = max(float(edges[-1]), 0.0)
    if math.isclose(low, high):
        high = low + 1.0
    top_count = max(int(counts.max()) if counts.size else 1, 1)

    def sx(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    def sy(c: float) -> float:
        return top + plot_h * (1 - c / top_count)

    body = []
    for share_tick in np.linspace(0, top_count, 5):
        y = sy(float(share_tick))
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, f"{share_tick / len(samples) * 100:.0f}%", anchor="end", size=11))
    for count, start, end in zip(counts, edges[:-1], edges[1:], strict=True):
        loss = end <= 0
        body.append(
            f'<rect x="{sx(start) + 0.5:.1f}" y="{sy(count):.1f}" width="{max(sx(end) - sx(start) - 1, 1):.1f}" '
            f'height="{top + plot_h - sy(count):.1f}" fill="{RED if loss else BLUE}"/>'
        )
    _, _, ticks = _axis(low, high)
    for tick in ticks:
        if low <= tick <= high:
            body.append(_text(sx(tick), top + plot_h + 16, _short_euro(tick), anchor="middle", size=11))
    body.append(
        f'<line x1="{sx(0):.1f}" x2="{sx(0):.1f}" y1="{top}" y2="{top + plot_h}" stroke="{DARK}" stroke-width="2"/>'
    )
    body.append(_text(left + plot_w / 2, top + plot_h + 38, x_label, anchor="middle", weight="bold"))
    body.append(_text(14, top + plot_h / 2, y_label, anchor="middle", weight="bold", rotate=True))
    rows = tuple(
        (f"{euro(start)} tot {euro(end)}", f"{count / len(samples) * 100:.1f}%".replace(".", ","))
        for count, start, end in zip(counts, edges[:-1], edges[1:], strict=True)
    )
    return Chart(
        key, title, description, x_label, y_label, _svg(key, title, description, height, body), (x_label, y_label), rows
    )


def tornado_chart(
    *,
    key: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    base: float,
    swings: list[tuple[str, float, float, str, str]],
) -> Chart:
    """Swings around the base result: (label, result at low input, result at high input, low text, high text)."""
    left, right, top, row = 290, 40, 28, 28
    height = top + row * len(swings) + 60
    plot_w = WIDTH - left - right
    values = [base] + [v for _, lo, hi, _, _ in swings for v in (lo, hi)]
    low, high, ticks = _axis(min(values), max(values))

    def sx(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    bottom = top + row * len(swings)
    body = [_text(left, 14, "▬ lage invoer (licht)   ▬ hoge invoer (donker)", size=11)]
    for tick in ticks:
        body.append(f'<line x1="{sx(tick):.1f}" x2="{sx(tick):.1f}" y1="{top}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(_text(sx(tick), bottom + 16, _short_euro(tick), anchor="middle", size=11))
    for i, (label, at_low, at_high, _, _) in enumerate(swings):
        y = top + i * row + 5
        for value, colour in ((at_low, "#7fa7cf"), (at_high, BLUE)):
            x0, x1 = sorted((sx(base), sx(value)))
            body.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1):.1f}" height="{row - 10}" fill="{colour}"/>'
            )
        body.append(_text(left - 8, y + (row - 10) / 2 + 4, label[:44], anchor="end", size=11))
    body.append(
        f'<line x1="{sx(base):.1f}" x2="{sx(base):.1f}" y1="{top - 4}" y2="{bottom}" stroke="{DARK}" stroke-width="2"/>'
    )
    body.append(_text(left + plot_w / 2, bottom + 38, x_label, anchor="middle", weight="bold"))
    rows = tuple(
        (label, low_text, euro(at_low), high_text, euro(at_high))
        for label, at_low, at_high, low_text, high_text in swings
    )
    return Chart(
        key,
        title,
        description,
        x_label,
        y_label,
        _svg(key, title, description, height, body),
        (y_label, "Lage invoer", "Uitkomst bij lage invoer", "Hoge invoer", "Uitkomst bij hoge invoer"),
        rows,
    )
