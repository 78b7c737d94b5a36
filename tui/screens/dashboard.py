"""Main screen: the user's scope per level (cards), its child units (sortable table), the overdue
units and a live feed of submissions and reviews."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label, Static

from shared.i18n import N_, _, lazy_pgettext
from shared.models import LEVEL_ORDER, STATUS_LABELS
from shared.text import format_number, format_percent
from tui.screens.base import LiveScreen
from tui.sources import SourceError
from tui.widgets.banner import ErrorBanner
from tui.widgets.fitted_table import NAME, NUMBER, Column, FittedTable
from tui.widgets.level_card import LevelCard

# The table shows one page of the child units, ordered by the source (the read model or the API):
# a district has thousands of grassroots units, and the table would lay out every cell of every row.
SORTS = ((N_("tên"), "name"), (N_("tỷ lệ đã tổ chức"), "held_pct"), (N_("số quá hạn"), "overdue"))
PAGE_SIZE = 50
OVERDUE_SHOWN = 10
EXPORT_PAGE = 200  # the API's largest page
RETURNED = lazy_pgettext("cột số báo cáo", "Trả lại")  # the count of returned reports, not the button
COLUMNS = (N_("Đơn vị"), N_("Dự kiến"), N_("Đã tổ chức"), N_("Tỷ lệ"), N_("Quá hạn"), N_("Đã gửi"),
           RETURNED, N_("Duyệt"))
# The review figures give way last, when even two-line headings leave the names too little room (English
# headings are single words).
OPTIONAL = (N_("Đã gửi"), RETURNED)
# Under 120 columns the side pane (overdue units, feed) is hidden: the table's figures and the unit names
# come first, and sorting by "số quá hạn" [s] lists the overdue units.
NARROW = 120
EXPORT_COLUMNS = (N_("Mã"), N_("Đơn vị"), N_("Dự kiến"), N_("Có kế hoạch"), N_("Đã tổ chức"), N_("Đúng hạn"),
                  N_("Trễ hạn"), N_("Quá hạn"), N_("Chưa đến hạn"), N_("Đã gửi"), RETURNED, N_("Đã duyệt"))


def _status(item: dict) -> str:
    """A feed item's new status in the dashboard's language (a server's label is in its own)."""
    return str(STATUS_LABELS.get(item["to_status"], item["to_status_label"]))


@dataclass
class DashboardData:
    progress: dict
    children: dict  # one page, in the order `sort`, after `cursor`
    overdue: dict  # the children with the most overdue units, first page
    sort: str
    cursor: str | None
    feed: list[dict]
    campaigns: list[dict]
    level_reports: dict | None = None  # for Ban Dân vận only


class DashboardScreen(LiveScreen):
    """The progress of one scope: the user's own unit by default, or a unit drilled into."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]

    BINDINGS = [
        Binding("enter", "open", N_("Xem đơn vị"), show=False),
        Binding("s", "sort", N_("Sắp xếp")),
        # Not in the footer: at 80 columns they would push out r and q; the table title shows [p/n]
        # when there is more than one page.
        Binding("n", "next_page", N_("Trang sau"), show=False),
        Binding("p", "previous_page", N_("Trang trước"), show=False),
        Binding("r", "report", N_("Báo cáo")),
    ]

    def __init__(self, unit_id: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.unit_id = unit_id
        self.sort_index = 0
        self.cursors: list[str | None] = [None]  # the cursor of each page up to the one shown
        self.to_first_row = False
        self.rows: list[dict] = []
        self.data: DashboardData | None = None
        self.scope_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield ErrorBanner()
        yield Label(_("Đang tải…"), id="scope", markup=False)
        yield Label("", id="level-reports", markup=False)
        with Horizontal(id="cards"):
            for level in reversed(LEVEL_ORDER):
                yield LevelCard(level)
        with Horizontal(id="main"):
            with Vertical(id="table-pane"):
                yield Label("", id="table-title", markup=False)
                yield FittedTable(id="children")
            with VerticalScroll(id="side"):
                yield Label(_("Quá hạn"), classes="side-title")
                yield Static("", id="overdue", markup=False)
                yield Label(_("Mới gửi, mới duyệt"), classes="side-title")
                yield Static("", id="feed", markup=False)
        yield Footer(show_command_palette=False)  # ctrl+p still opens it; at 80 columns q Thoát must show

    def fetch(self) -> DashboardData:
        app = self.app
        src = app.source
        sort, cursor = SORTS[self.sort_index][1], self.cursors[-1]
        children = src.progress_by_unit(app.campaign_id, self.unit_id, app.as_of, sort=sort, limit=PAGE_SIZE,
                                        cursor=cursor)
        if sort == "overdue" and cursor is None:
            overdue = children
        else:
            overdue = src.progress_by_unit(app.campaign_id, self.unit_id, app.as_of, sort="overdue",
                                           limit=OVERDUE_SHOWN)
        return DashboardData(
            progress=src.progress(app.campaign_id, self.unit_id, app.as_of),
            children=children,
            overdue=overdue,
            sort=sort,
            cursor=cursor,
            feed=src.feed(app.campaign_id, limit=15),
            campaigns=src.campaigns(),
            # The whole of the user's scope: on the main screen only, not on a unit drilled into.
            level_reports=src.level_reports_summary(app.campaign_id, app.as_of) if self.unit_id is None else None,
        )

    def apply(self, data: DashboardData) -> None:
        self.data = data
        self.app.remember_campaigns(data.campaigns, data.progress["campaign_id"])
        unit = data.progress["unit"]
        as_of = dt.date.fromisoformat(data.progress["as_of"])
        self.scope_text = _("%(unit)s · số liệu tính đến %(day)s", unit=unit["name"], day=as_of.strftime("%d/%m/%Y"))
        self.query_one("#scope", Label).update(self.scope_text)
        level_line = self.query_one("#level-reports", Label)
        level_line.display = data.level_reports is not None
        if data.level_reports is not None:
            summary = data.level_reports
            level_line.update(
                _("Báo cáo cấp ủy đã nhận: %(received)s/%(expected)s", received=format_number(summary["received"]),
                  expected=format_number(summary["expected"]))
            )
        for level, counts in data.progress["levels"].items():
            card = self.query_one(f"#card-{level}", LevelCard)
            card.display = counts["expected"] > 0
            card.show(counts)
        if (data.sort, data.cursor) == (SORTS[self.sort_index][1], self.cursors[-1]):  # else a newer load follows
            self.rows = list(data.children["items"])
            self.fill_table()
        overdue = [r for r in data.overdue["items"][:OVERDUE_SHOWN] if r["total"]["overdue"]]
        self.query_one("#overdue", Static).update(
            "\n".join(f"• {r['unit']['name']}: {format_number(r['total']['overdue'])}" for r in overdue)
            or _("Không có đơn vị quá hạn.")
        )
        self.query_one("#feed", Static).update(
            "\n".join(
                f"{dt.datetime.fromisoformat(i['at']):%d/%m %H:%M} {_status(i)}: {i['unit']['name']}"
                for i in data.feed
            )
            or _("Chưa có báo cáo nào được gửi.")
        )

    def fill_table(self) -> None:
        table = self.query_one(FittedTable)
        current = 0 if self.to_first_row else table.cursor_row
        self.to_first_row = False
        specs = [Column(_(str(COLUMNS[0])), NAME),
                 *(Column(_(str(c)), NUMBER, optional=c in OPTIONAL) for c in COLUMNS[1:])]
        entries = []
        for r in self.rows:
            t = r["total"]
            entries.append((str(r["unit"]["id"]), [
                r["unit"]["name"], format_number(t["expected"]), format_number(t["held"]),
                format_percent(t["held"], t["expected"]), format_number(t["overdue"]),
                format_number(t["submitted"]), format_number(t["returned"]), format_number(t["approved"]),
            ]))
        table.fill(specs, entries, current)
        count = self.data.children["count"]
        title = _("Đơn vị trực thuộc (%(count)s), sắp xếp theo %(order)s [s]", count=format_number(count),
                  order=_(SORTS[self.sort_index][0]))
        pages = -(-count // PAGE_SIZE)
        if pages > 1:
            title += " · " + _("trang %(page)s/%(pages)s [p/n]", page=len(self.cursors), pages=pages)
        title += " · " + _("lịch 14 ngày [l]")  # the key is not in the footer (no room at 80 columns)
        self.query_one("#table-title", Label).update(title)

    def selected(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None:
            return None
        return self.rows[table.cursor_row]["unit"]

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.turn_page([None])

    def action_next_page(self) -> None:
        if self.data is not None and self.data.children["next_cursor"]:
            self.turn_page([*self.cursors, self.data.children["next_cursor"]])

    def action_previous_page(self) -> None:
        if len(self.cursors) > 1:
            self.turn_page(self.cursors[:-1])

    def action_back(self) -> None:
        if len(self.cursors) > 1:  # back a page first, then back a screen (as on the unit screen)
            self.action_previous_page()
        else:
            super().action_back()

    def turn_page(self, cursors: list[str | None]) -> None:
        self.cursors = cursors
        self.to_first_row = True
        self.action_reload()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        unit = self.selected()
        if unit is not None:
            self.app.open_unit(unit)

    def action_report(self) -> None:
        unit = self.selected()
        if unit is not None:
            self.app.open_report(unit)

    def action_export(self) -> None:
        if self.data is not None:
            self._export_in_thread(self.data.progress["unit"], self.scope_text, self.data.sort)

    @work(thread=True, exclusive=True, group="export")
    def _export_in_thread(self, unit: dict, title: str, sort: str) -> None:
        """Every child unit, page after page, in the table's order (the table holds one page)."""
        app = self.app
        with app.in_language():
            rows, cursor = [], None
            try:
                while True:
                    page = app.source.progress_by_unit(app.campaign_id, self.unit_id, app.as_of, sort=sort,
                                                       limit=EXPORT_PAGE, cursor=cursor)
                    rows += [
                        [r["unit"]["code"], r["unit"]["name"], *(r["total"][k] for k in (
                            "expected", "planned", "held", "on_time", "late", "overdue", "pending", "submitted",
                            "returned", "approved"))]
                        for r in page["items"]
                    ]
                    cursor = page["next_cursor"]
                    if cursor is None:
                        break
            except SourceError as exc:
                app.call_from_thread(app.notify, exc.message, severity="error")
                return
            app.call_from_thread(app.export, unit, title, [_(str(h)) for h in EXPORT_COLUMNS], rows)
