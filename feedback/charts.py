"""The geometry of the monthly trend chart (templates/feedback/components/trend_chart.html):
bars for the number of responses, a line for the share of 4 and 5. Drawn on the server as
SVG, so the chart needs no JavaScript; the page always shows the same numbers in a table.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

WIDTH = 640
HEIGHT = 240
LEFT = 44  # room for the count axis
RIGHT = 48  # room for the percentage axis
TOP = 16
BOTTOM = 36  # room for the month labels
BAR_GAP = 0.3  # share of a slot left empty between bars


class MonthFigures(Protocol):
    month: datetime.date
    responses: int
    satisfied_share: float | None


@dataclass(frozen=True)
class ChartMonth:
    month: datetime.date
    responses: int
    satisfied_share: float | None
    bar_x: float
    bar_y: float
    bar_width: float
    bar_height: float
    label_x: float
    point_y: float | None


@dataclass(frozen=True)
class ChartTick:
    y: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    months: list[ChartMonth]
    line: str  # the polyline's points: the months with responses
    count_ticks: list[ChartTick]
    share_ticks: list[ChartTick]


def _nice_maximum(value: int) -> int:
    """The top of the count axis: a round number at or above the largest bar."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        top = -(-max(value, 1) // step) * step
        if top // step <= 5:
            return top
    return value


def monthly_trend_chart(months: Sequence[MonthFigures]) -> TrendChart:
    """Where every bar, point and tick goes, for any sequence of months."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height
    top_count = _nice_maximum(max((month.responses for month in months), default=0))
    slot = plot_width / max(len(months), 1)
    bar_width = slot * (1 - BAR_GAP)
    shown = []
    for index, figures in enumerate(months):
        height = plot_height * figures.responses / top_count
        centre = LEFT + slot * index + slot / 2
        point_y = (
            None
            if figures.satisfied_share is None
            else round(bottom - plot_height * figures.satisfied_share, 1)
        )
        shown.append(
            ChartMonth(
                month=figures.month,
                responses=figures.responses,
                satisfied_share=figures.satisfied_share,
                bar_x=round(centre - bar_width / 2, 1),
                bar_y=round(bottom - height, 1),
                bar_width=round(bar_width, 1),
                bar_height=round(height, 1),
                label_x=round(centre, 1),
                point_y=point_y,
            )
        )
    step = max(top_count // 5, 1) if top_count >= 5 else 1
    count_ticks = [
        ChartTick(y=round(bottom - plot_height * value / top_count, 1), label=str(value))
        for value in range(0, top_count + 1, step)
    ]
    share_ticks = [
        ChartTick(y=round(bottom - plot_height * share / 100, 1), label=f"{share}%")
        for share in (0, 25, 50, 75, 100)
    ]
    line = " ".join(
        f"{month.label_x},{month.point_y}" for month in shown if month.point_y is not None
    )
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=bottom,
        months=shown,
        line=line,
        count_ticks=count_ticks,
        share_ticks=share_ticks,
    )
