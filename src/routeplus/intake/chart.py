"""The capacity chart as plain SVG geometry, drawn on the server: no script, same output for print and PDF."""

import math
from dataclasses import dataclass

from django.utils import dateformat

from routeplus.intake.selectors import Forecast

WIDTH = 760
HEIGHT = 300
LEFT = 48
RIGHT = 16
TOP = 16
BOTTOM = 48


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    used: int
    funded: int
    forecast: bool


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    funded_points: str
    ticks: list[Tick]
    x_labels: list[XLabel]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    today_x: float


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** int(math.log10(value))
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10  # pragma: no cover


def capacity_chart(forecast: Forecast) -> Chart:
    """Bars for places in use per month (measured, then forecast) and a line for the funded places."""
    months = forecast.months
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    top_value = _nice_max(max([1, *(m.used for m in months), *(m.funded for m in months)]))
    slot = plot_width / max(1, len(months))

    def y_of(value: int) -> float:
        return round(TOP + plot_height - value / top_value * plot_height, 1)

    bars = []
    points = []
    labels = []
    today_x = float(LEFT)
    for index, month in enumerate(months):
        x = LEFT + index * slot
        top = y_of(month.used)
        label = dateformat.format(month.day, "M Y")
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 1),
                y=top,
                width=round(slot * 0.7, 1),
                height=round(TOP + plot_height - top, 1),
                label=label,
                used=month.used,
                funded=month.funded,
                forecast=not month.actual,
            )
        )
        points.append(f"{round(x, 1)},{y_of(month.funded)} {round(x + slot, 1)},{y_of(month.funded)}")
        if month.day == forecast.on:
            today_x = round(x + slot / 2, 1)
        if index % 3 == 0:
            labels.append(XLabel(x=round(x + slot / 2, 1), text=label))
    ticks = [Tick(y=y_of(value), value=value) for value in range(0, top_value + 1, max(1, top_value // 5))]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        funded_points=" ".join(points),
        ticks=ticks,
        x_labels=labels,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=TOP + plot_height,
        today_x=today_x,
    )
