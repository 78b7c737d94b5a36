"""A unit drilled into: its subtree per level and its direct units with their report status,
filterable by sector and status, one keyset page at a time."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Label

from shared.i18n import N_, _
from shared.models import LEVEL_ORDER, SECTOR_LABELS, STATUS_LABELS
from shared.text import format_number
from tui.screens.base import LiveScreen
from tui.widgets.banner import ErrorBanner
from tui.widgets.fitted_table import NAME, NUMBER, TEXT, Column, FittedTable
from tui.widgets.level_card import LevelCard

PAGE = 200
COLUMNS = (N_("Mã"), N_("Đơn vị"), N_("Khu vực"), N_("Đoàn viên"), N_("Báo cáo"))
KINDS = (TEXT, NAME, TEXT, NUMBER, TEXT)
OPTIONAL = {N_("Khu vực")}  # a narrow terminal keeps the report state and drops the sector (the filter has it)


def _status(unit: dict) -> str:
    return str(STATUS_LABELS.get(unit["report_status"]) or _("Chưa có báo cáo"))


def _sector(unit: dict) -> str:
    """In the dashboard's language (a server's label is in its own)."""
    return str(SECTOR_LABELS.get(unit["sector"], unit["sector_label"]))


@dataclass
class UnitData:
    progress: dict
    units: dict


class UnitScreen(LiveScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Mở"), show=False),
        Binding("f", "filter", N_("Lọc")),
        Binding("n", "next_page", N_("Trang sau")),
    ]

    def __init__(self, unit: dict, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.filters: dict = {"sector": None, "status": None}
        self.cursor: str | None = None
        self.cursors: list[str | None] = [None]
        self.items: list[dict] = []
        self.scope_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorBanner()
        yield Label(self.unit["name"], id="scope", markup=False)
        with Horizontal(id="cards"):
            for level in reversed(LEVEL_ORDER):
                yield LevelCard(level)
        yield Label("", id="table-title", markup=False)
        yield FittedTable(id="units")
        yield Footer(show_command_palette=False)  # ctrl+p still opens it; at 80 columns q Thoát must show

    def fetch(self) -> UnitData:
        app = self.app
        filters = {k: v for k, v in self.filters.items() if v}
        return UnitData(
            progress=app.source.progress(app.campaign_id, self.unit["id"], app.as_of),
            units=app.source.units(app.campaign_id, parent_id=self.unit["id"], limit=PAGE,
                                   cursor=self.cursors[-1], **filters),
        )

    def apply(self, data: UnitData) -> None:
        as_of = dt.date.fromisoformat(data.progress["as_of"])
        self.scope_text = _("%(unit)s · số liệu tính đến %(day)s", unit=self.unit["name"],
                            day=as_of.strftime("%d/%m/%Y"))
        self.query_one("#scope", Label).update(self.scope_text)
        for level, counts in data.progress["levels"].items():
            card = self.query_one(f"#card-{level}", LevelCard)
            card.display = counts["expected"] > 0
            card.show(counts)
        self.items = data.units["items"]
        self.cursor = data.units["next_cursor"]
        table = self.query_one(FittedTable)
        specs = [Column(_(label), kind, label in OPTIONAL) for label, kind in zip(COLUMNS, KINDS, strict=True)]
        table.fill(specs, [(str(u["id"]), [u["code"], u["name"], _sector(u), format_number(u["members_count"]),
                                          _status(u)]) for u in self.items], table.cursor_row)
        active = [str(SECTOR_LABELS.get(self.filters["sector"] or "", "")), str(STATUS_LABELS.get(self.filters["status"] or "", ""))]
        if self.filters["status"] == "none":
            active[1] = _("Chưa có báo cáo")
        shown = ", ".join(str(a) for a in active if a) or _("không lọc")
        title = _("Trang %(page)s: %(count)s đơn vị trực thuộc (%(filters)s) [f lọc]", page=len(self.cursors),
                  count=len(self.items), filters=shown)
        if self.cursor:
            title = _("%(title)s · còn trang sau [n]", title=title)
        self.query_one("#table-title", Label).update(title)

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.items and table.cursor_row is not None:
            self.app.open_unit(self.items[table.cursor_row])

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_next_page(self) -> None:
        if self.cursor:
            self.cursors.append(self.cursor)
            self.load()

    def action_back(self) -> None:
        if len(self.cursors) > 1:  # back a page first, then back a screen
            self.cursors.pop()
            self.load()
        else:
            super().action_back()

    def action_filter(self) -> None:
        from tui.screens.choose import FilterScreen

        def done(filters: dict | None) -> None:
            if filters is not None:
                self.filters = filters
                self.cursors = [None]
                self.load()

        self.app.push_screen(FilterScreen(self.filters), done)

    def action_export(self) -> None:
        rows = [[u["code"], u["name"], _sector(u), u["members_count"], _status(u)] for u in self.items]
        self.app.export(self.unit, self.scope_text, [_(c) for c in COLUMNS], rows)
