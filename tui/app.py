"""The daihoi terminal dashboard: App state (source, campaign, as-of date) and navigation."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from shared.text import fold
from tui.sources import DataSource


class DaihoiApp(App):
    CSS_PATH = "daihoi.tcss"
    TITLE = "daihoi · theo dõi đại hội công đoàn"
    BINDINGS = [
        Binding("q", "quit", "Thoát"),
        Binding("slash", "search", "Tìm đơn vị"),
        Binding("a", "as_of", "Ngày xem"),
        Binding("c", "campaign", "Đợt đại hội"),
    ]

    def __init__(self, source: DataSource, refresh_seconds: float = 15.0, export_dir: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.source = source
        self.refresh_seconds = refresh_seconds
        self.export_dir = export_dir or Path.cwd()
        self.campaign_id: int | None = None  # None: the current campaign
        self.as_of: dt.date | None = None  # None: today
        self.campaigns: list[dict] = []
        self.user: dict | None = None

    def on_mount(self) -> None:
        from tui.screens.dashboard import DashboardScreen
        from tui.screens.login import LoginScreen

        self.push_screen(DashboardScreen() if self.source.authenticated else LoginScreen())

    def on_unmount(self) -> None:
        self.source.close()

    def logged_in(self, me: dict) -> None:
        from tui.screens.dashboard import DashboardScreen

        self.user = me
        self.switch_screen(DashboardScreen())

    def remember_campaigns(self, campaigns: list[dict], shown: int) -> None:
        self.campaigns = campaigns
        name = next((c["name"] for c in campaigns if c["id"] == shown), "")
        day = self.as_of.strftime("%d/%m/%Y") if self.as_of else "hôm nay"
        self.sub_title = f"{name} · tính đến {day}"

    # -- navigation ----------------------------------------------------------------------
    def open_unit(self, unit: dict) -> None:
        from tui.screens.unit import UnitScreen

        if unit["level"] == "grassroots":
            self.open_report(unit)
        else:
            self.push_screen(UnitScreen(unit))

    def open_report(self, unit: dict) -> None:
        from tui.screens.report import ReportScreen

        self.push_screen(ReportScreen(unit))

    def _reload(self) -> None:
        from tui.screens.base import LiveScreen

        if isinstance(self.screen, LiveScreen):
            self.screen.action_reload()

    def action_search(self) -> None:
        from tui.screens.search import SearchScreen

        if self.source.authenticated:
            self.push_screen(SearchScreen(), lambda unit: unit and self.open_unit(unit))

    def action_as_of(self) -> None:
        from tui.screens.choose import AsOfScreen

        def done(result) -> None:
            if result is not None:
                self.as_of = result[0]
                self._reload()

        if self.source.authenticated:
            self.push_screen(AsOfScreen(self.as_of), done)

    def action_campaign(self) -> None:
        from tui.screens.choose import CampaignScreen

        def done(campaign_id: int | None) -> None:
            if campaign_id is not None:
                self.campaign_id = campaign_id
                self._reload()

        if self.source.authenticated and self.campaigns:
            self.push_screen(CampaignScreen(self.campaigns, self.campaign_id), done)

    def export(self, unit: dict, title: str, headers: list[str], rows: list[list]) -> Path:
        from tui.export import write_xlsx

        day = (self.as_of or dt.date.today()).isoformat()
        slug = re.sub(r"[^a-z0-9]+", "-", fold(unit["code"])).strip("-") or "don-vi"
        path = write_xlsx(self.export_dir / f"daihoi-{slug}-{day}.xlsx", title, headers, rows)
        self.notify(f"Đã xuất {path}")
        return path
