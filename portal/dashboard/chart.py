"""Geometry of the cumulative-held chart: plain numbers for an SVG template (no JavaScript library)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shared.models import LEVEL_LABELS, LEVEL_ORDER, Campaign
from shared.progress import Counts
from shared.text import format_share

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
# Distinct dash patterns as well as colours, so that a black-and-white print stays readable.
STYLE = {
    "grassroots": ("#b3261e", ""),
    "district": ("#1f4e99", "8 4"),
    "province": ("#1e6b35", "2 3"),
}


@dataclass
class Line:
    level: str
    label: str
    color: str
    dash: str
    points: str
    deadline_x: float
    held: int
    expected: int


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_w: float = WIDTH - LEFT - RIGHT
    plot_h: float = HEIGHT - TOP - BOTTOM
    lines: list[Line] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    as_of_x: float | None = None


def cumulative_chart(
    series: dict[str, list[tuple[dt.date, int]]], levels: dict[str, Counts], campaign: Campaign, as_of: dt.date
) -> Chart:
    """Share of expected congresses held (0-100 %) per level over the campaign window."""
    chart = Chart()
    start = campaign.start_date
    end = campaign.deadline_province + dt.timedelta(days=15)
    span = max(1, (end - start).days)

    def x(day: dt.date) -> float:
        day = min(max(day, start), end)
        return round(LEFT + chart.plot_w * (day - start).days / span, 1)

    def y(share: float) -> float:
        return round(TOP + chart.plot_h * (1 - share), 1)

    chart.y_ticks = [(y(p / 100), format_share(p, 0)) for p in (0, 25, 50, 75, 100)]
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            chart.x_ticks.append((x(month), month.strftime("%m/%Y")))
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    stop = min(as_of, end)
    if start <= as_of <= end:
        chart.as_of_x = x(as_of)
    for level in LEVEL_ORDER:
        expected = levels[level].expected if level in levels else 0
        if not expected:
            continue
        points = [(x(start), y(0))]
        last = 0
        for day, total in series.get(level, []):
            if day > stop:
                break
            points.append((x(day), y(last / expected)))  # a step: flat until the day, then up
            last = total
            points.append((x(day), y(last / expected)))
        points.append((x(stop), y(last / expected)))
        color, dash = STYLE[level]
        chart.lines.append(
            Line(
                level=level, label=LEVEL_LABELS[level], color=color, dash=dash,
                points=" ".join(f"{px},{py}" for px, py in points),
                deadline_x=x(campaign.deadline_for(level)), held=last, expected=expected,
            )
        )
    return chart
