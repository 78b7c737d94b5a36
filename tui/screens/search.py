"""Search units by name or code, diacritic-insensitive ("dong ho" finds "Đông Hồ")."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from shared.i18n import N_, _, ngettext
from tui.i18n import TranslatedBindings
from tui.sources import SourceError


class SearchScreen(TranslatedBindings, ModalScreen[dict | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Đóng")), Binding("down", "to_results", N_("Kết quả"), show=False)]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.results: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Tìm đơn vị (tên hoặc mã, gõ không dấu cũng được)"), classes="title")
            yield Input(placeholder=_("ví dụ: dong ho"), id="q")
            yield OptionList(id="results")
            yield Label("", id="search-status", markup=False)

    @on(Input.Changed, "#q")
    def _changed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.search(event.value.strip())

    @work(thread=True, exclusive=True)
    def search(self, q: str) -> None:
        with self.app.in_language():  # call_from_thread runs its callback in this thread's context
            try:
                page = self.app.source.units(self.app.campaign_id, q=q, limit=30)
            except SourceError as exc:
                self.app.call_from_thread(self.query_one("#search-status", Label).update, exc.message)
                return
            self.app.call_from_thread(self.show, q, page["items"])

    def show(self, q: str, items: list[dict]) -> None:
        if self.query_one("#q", Input).value.strip() != q:
            return  # an older answer arriving after a newer keystroke
        self.results = items
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(f"{u['name']} ({u['code']})", id=str(u["id"])) for u in items)
        if items:
            options.highlighted = 0
        self.query_one("#search-status", Label).update(
            ngettext("%(num)s kết quả", "%(num)s kết quả", len(items)) if items else _("Không tìm thấy."))

    @on(Input.Submitted, "#q")
    def _first(self) -> None:
        if self.results:
            options = self.query_one(OptionList)
            self.dismiss(self.results[options.highlighted or 0])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.results[event.option_index])

    def action_to_results(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
