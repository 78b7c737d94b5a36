"""The daihoi terminal dashboard: App state (source, campaign, as-of date) and navigation."""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.message import Message

from shared import i18n
from shared.i18n import N_, _
from shared.text import fold
from tui.sources import DataSource

TITLE = N_("daihoi · theo dõi đại hội công đoàn")


class LoggedIn(Message):
    """Posted by the login screen's worker: handled in the app's own task (see tui/i18n.py)."""

    def __init__(self, me: dict) -> None:
        super().__init__()
        self.me = me


class DaihoiApp(App):
    CSS_PATH = "daihoi.tcss"
    BINDINGS = [
        Binding("q", "quit", N_("Thoát")),
        Binding("slash", "search", N_("Tìm đơn vị")),
        Binding("a", "as_of", N_("Ngày xem")),
        Binding("c", "campaign", N_("Đợt đại hội")),
        # Not in the footer: at 80 columns it would push out q; the dashboard's table title names it.
        Binding("l", "upcoming", N_("Lịch 14 ngày tới"), show=False),
    ]

    def __init__(self, source: DataSource, refresh_seconds: float = 15.0, export_dir: Path | None = None,
                 language: str | None = None, **kwargs):
        """`language`: "vi" or "en" as chosen (--lang, DAIHOI_LANG); None lets the account decide, else Vietnamese."""
        super().__init__(**kwargs)
        self.source = source
        self.refresh_seconds = refresh_seconds
        self.export_dir = export_dir or Path.cwd()
        self.language_chosen = language is not None
        self.language = i18n.normalise_language(language)
        self.campaign_id: int | None = None  # None: the current campaign
        self.as_of: dt.date | None = None  # None: today
        self.campaigns: list[dict] = []
        self.user: dict | None = None

    # -- language ------------------------------------------------------------------------
    def in_language(self) -> contextlib.AbstractContextManager[None]:
        """For worker threads, which start without the app's context."""
        return i18n.language(self.language)

    async def run_async(self, **kwargs):
        with self.in_language():
            return await super().run_async(**kwargs)

    @contextlib.asynccontextmanager
    async def run_test(self, **kwargs) -> AsyncIterator:
        with self.in_language():
            async with super().run_test(**kwargs) as pilot:
                yield pilot

    def on_mount(self) -> None:
        from tui.screens.dashboard import DashboardScreen
        from tui.screens.login import LoginScreen

        self.title = _(TITLE)
        self.push_screen(DashboardScreen() if self.source.authenticated else LoginScreen())

    def on_unmount(self) -> None:
        self.source.close()

    def on_logged_in(self, message: LoggedIn) -> None:
        from tui.screens.dashboard import DashboardScreen

        self.user = message.me
        if not self.language_chosen and message.me.get("locale"):
            # The account's language from now on: set in the app's task, inherited by the screens it pushes.
            self.language = i18n.normalise_language(message.me["locale"])
            i18n.set_language(self.language)
            self.title = _(TITLE)
        self.switch_screen(DashboardScreen())

    def remember_campaigns(self, campaigns: list[dict], shown: int) -> None:
        self.campaigns = campaigns
        name = next((c["name"] for c in campaigns if c["id"] == shown), "")
        if self.as_of:
            self.sub_title = _("%(campaign)s · tính đến %(day)s", campaign=name, day=self.as_of.strftime("%d/%m/%Y"))
        else:
            self.sub_title = _("%(campaign)s · tính đến hôm nay", campaign=name)

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

    def action_upcoming(self) -> None:
        from tui.screens.upcoming import UpcomingScreen

        if self.source.authenticated and not isinstance(self.screen, UpcomingScreen):
            self.push_screen(UpcomingScreen())

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
        self.notify(_("Đã xuất %(path)s", path=path))
        return path
