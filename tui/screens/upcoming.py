"""The next 14 days: the congresses of the user's scope, day by day, as the API's /calendar gives them
(shared.calendar.events); a plan whose day has passed without a result is flagged."""
from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Label

from shared.i18n import N_, _
from shared.models import LEVEL_LABELS
from shared.vocabulary import CALENDAR_KIND_LABELS
from tui.screens.base import LiveScreen
from tui.widgets.banner import ErrorBanner
from tui.widgets.fitted_table import NAME, TEXT, Column, FittedTable

COLUMNS = (N_("Ngày"), N_("Đơn vị"), N_("Cấp"), N_("Tình hình"))
OPTIONAL = {N_("Cấp")}  # at 80 columns the unit's name and its state come first


class UpcomingScreen(LiveScreen):
    """Opened with [l] from any screen; Escape goes back."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.items: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorBanner()
        yield Label(_("Đang tải…"), id="scope", markup=False)
        yield FittedTable(id="upcoming")
        yield Footer(show_command_palette=False)

    def fetch(self) -> dict:
        app = self.app
        # The 14 days from the day the dashboard shows (today unless a day was chosen with [a]).
        return app.source.calendar(app.campaign_id, app.as_of)

    def apply(self, data: dict) -> None:
        self.items = data["items"]
        start, end = (dt.date.fromisoformat(data[k]) for k in ("from", "to"))
        title = _("Đại hội trong 14 ngày tới (%(start)s – %(end)s) · %(unit)s: %(count)s",
                  start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"), unit=data["unit"]["name"],
                  count=len(self.items))
        if data["truncated"]:
            title += " +"
        self.query_one("#scope", Label).update(title)
        table = self.query_one(FittedTable)
        specs = [Column(_(str(COLUMNS[0])), TEXT), Column(_(str(COLUMNS[1])), NAME),
                 Column(_(str(COLUMNS[2])), TEXT, optional=True), Column(_(str(COLUMNS[3])), TEXT)]
        entries = []
        for e in self.items:
            # In the dashboard's language (a server's label is in its own).
            kind = str(CALENDAR_KIND_LABELS.get(e["kind"], e["kind_label"]))
            if e["is_pilot"]:
                kind += " · " + _("điểm")
            entries.append((str(e["report_id"]), [
                dt.date.fromisoformat(e["day"]).strftime("%d/%m"), e["unit"]["name"],
                str(LEVEL_LABELS.get(e["unit"]["level"], e["unit"]["level_label"])), kind,
            ]))
        if not entries:
            entries = [("none", ["", _("Không có đại hội nào trong 14 ngày tới."), "", ""])]
        table.fill(specs, entries, table.cursor_row or 0)
