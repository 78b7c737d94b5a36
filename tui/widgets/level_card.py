"""One level's card: congresses held out of expected, a bar, and the countdown to its deadline."""
from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar

from shared.models import LEVEL_LABELS
from shared.text import days_phrase, format_date, format_number, format_percent


class LevelCard(Vertical):
    """Text carries every figure (the bar only repeats it), so nothing depends on colour."""

    def __init__(self, level: str, **kwargs):
        super().__init__(id=f"card-{level}", classes="card", **kwargs)
        self.level = level

    def compose(self) -> ComposeResult:
        yield Label(str(LEVEL_LABELS[self.level]), classes="card-title")
        yield Label("…", classes="card-held", markup=False)
        yield ProgressBar(total=100, show_eta=False, show_percentage=False)
        yield Label("", classes="card-deadline", markup=False)
        yield Label("", classes="card-countdown", markup=False)
        yield Label("", classes="card-detail", markup=False)

    def show(self, counts: dict) -> None:
        expected, held = counts["expected"], counts["held"]
        self.query_one(".card-held", Label).update(
            f"Đã tổ chức {format_number(held)}/{format_number(expected)} ({format_percent(held, expected, 0)})"
        )
        self.query_one(ProgressBar).update(total=max(expected, 1), progress=held)
        deadline = dt.date.fromisoformat(counts["deadline"])
        late = counts["days_left"] < 0 and counts["overdue"] > 0
        self.query_one(".card-deadline", Label).update(f"Hạn chót {format_date(deadline)}")
        self.query_one(".card-countdown", Label).update(days_phrase(counts["days_left"]).capitalize())
        self.set_class(late, "late")
        self.query_one(".card-detail", Label).update(
            f"Quá hạn {format_number(counts['overdue'])} · Duyệt {format_number(counts['approved'])}"
        )
