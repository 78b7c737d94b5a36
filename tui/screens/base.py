"""A screen that fetches in a worker thread, applies on the main thread, refreshes on a timer
(skipped while a modal or another screen is on top) and backs off after failures."""
from __future__ import annotations

import time
from typing import Any

from textual import work
from textual.binding import Binding
from textual.screen import Screen

from shared.i18n import N_, _
from tui.i18n import TranslatedBindings
from tui.sources import SourceError
from tui.widgets.banner import ErrorBanner

MAX_BACKOFF = 300.0


class LiveScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("escape", "back", N_("Quay lại")),
        Binding("f5", "reload", N_("Làm mới")),
        Binding("x", "export", N_("Xuất XLSX")),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.failures = 0
        self.next_try = 0.0
        self.loads = 0  # completed successful loads, for tests and the status line
        # A fetch is under way. Not `loading`: that is Textual's Widget.loading, which covers the screen
        # with a LoadingIndicator (tests/tui/test_no_shadowing.py keeps every such name apart).
        self.fetching = False

    # -- to override ---------------------------------------------------------------------
    def fetch(self) -> Any:
        """Runs in a worker thread: only source calls here, no widget access."""
        raise NotImplementedError

    def apply(self, data: Any) -> None:
        """Runs on the main thread with what fetch() returned."""
        raise NotImplementedError

    # -- machinery -----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.set_interval(self.app.refresh_seconds, self.tick, name="refresh")

    def on_screen_resume(self) -> None:
        self.load()

    def tick(self) -> None:
        if self.app.screen is not self or time.monotonic() < self.next_try or self.fetching:
            return  # a modal or another screen is on top, backing off, or still fetching
        self.load()

    def load(self) -> None:
        self.fetching = True
        self._fetch_in_thread()

    @work(thread=True, exclusive=True, group="load")
    def _fetch_in_thread(self) -> None:
        with self.app.in_language():  # call_from_thread runs its callback in this thread's context
            try:
                data = self.fetch()
            except SourceError as exc:
                self.app.call_from_thread(self._failed, exc)
                return
            self.app.call_from_thread(self._loaded, data)

    def _loaded(self, data: Any) -> None:
        self.fetching = False
        self.failures = 0
        self.next_try = 0.0
        self.query_one(ErrorBanner).clear()
        self.apply(data)
        self.loads += 1

    def _failed(self, exc: SourceError) -> None:
        self.fetching = False
        self.failures += 1
        delay = min(self.app.refresh_seconds * 2 ** (self.failures - 1), MAX_BACKOFF)
        self.next_try = time.monotonic() + delay
        seconds = f"{delay:.0f}"
        self.query_one(ErrorBanner).show_error(
            _("%(error)s Thử lại sau %(seconds)s giây (F5 để thử ngay).", error=exc.message, seconds=seconds)
        )
        if exc.auth:
            self.app.notify(_("Phiên đăng nhập đã hết hiệu lực; hãy khởi động lại và đăng nhập."), severity="error")

    def action_reload(self) -> None:
        self.next_try = 0.0
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_export(self) -> None:
        self.app.notify(_("Màn hình này không có bảng để xuất."))
