"""One level's card: congresses held out of expected, a bar with the share held, the deadline line
(shared.deadlines: done on time, days left, or overdue with the units not held yet) and the reports
approved; the level in the top border, the deadline date in the bottom one."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ProgressBar

from shared.deadlines import status_of_counts
from shared.i18n import _
from shared.models import LEVEL_LABELS
from shared.text import format_date, format_number, format_percent


class LevelCard(Vertical):
    """Text carries every figure (the bar only repeats it), so nothing depends on colour. Every line
    fits 22 cells (a card at 80 columns) with four-digit counts; a longer deadline line wraps."""

    def __init__(self, level: str, **kwargs):
        super().__init__(id=f"card-{level}", classes="card", **kwargs)
        self.level = level

    def compose(self) -> ComposeResult:
        self.border_title = str(LEVEL_LABELS[self.level])
        yield Label("…", classes="card-held", markup=False)
        with Horizontal(classes="card-bar"):
            yield ProgressBar(total=100, show_eta=False, show_percentage=False)
            yield Label("", classes="card-percent", markup=False)
        yield Label("", classes="card-countdown", markup=False)
        yield Label("", classes="card-detail", markup=False)

    def show(self, counts: dict) -> None:
        expected, held = counts["expected"], counts["held"]
        self.query_one(".card-held", Label).update(
            _("Đã tổ chức %(held)s/%(expected)s", held=format_number(held), expected=format_number(expected))
        )
        self.query_one(".card-percent", Label).update(format_percent(held, expected, 0))
        self.query_one(ProgressBar).update(total=max(expected, 1), progress=held)
        status = status_of_counts(counts)
        self.border_subtitle = _("Hạn chót %(date)s", date=format_date(status.deadline))
        countdown = self.query_one(".card-countdown", Label)
        countdown.update(status.text[:1].upper() + status.text[1:])
        countdown.set_class(status.late, "late")
        self.set_class(status.late, "late")
        self.query_one(".card-detail", Label).update(
            _("Đã duyệt %(approved)s", approved=format_number(counts["approved"]))
        )
