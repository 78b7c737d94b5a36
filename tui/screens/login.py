"""Login: username and password, checked by the data source (the API issues a session token)."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label

from shared.i18n import _
from tui.i18n import TranslatedBindings
from tui.sources import SourceError


class LoginScreen(TranslatedBindings, Screen):
    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login-box"):
            yield Label(_("Đăng nhập"), classes="title")
            yield Label(_("Nguồn dữ liệu: %(source)s", source=self.app.source.description), id="source", markup=False)
            yield Input(placeholder=_("Tên đăng nhập"), id="username")
            yield Input(placeholder=_("Mật khẩu"), password=True, id="password")
            yield Button(_("Đăng nhập"), variant="primary", id="submit")
            yield Label("", id="login-error", markup=False)
        yield Footer(show_command_palette=False)  # ctrl+p still opens it; at 80 columns q Thoát must show

    @on(Input.Submitted, "#username")
    def _next(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.query_one("#login-error", Label).update(_("Hãy nhập tên đăng nhập và mật khẩu."))
            return
        self.query_one("#login-error", Label).update(_("Đang đăng nhập…"))
        self.login(username, password)

    @work(thread=True, exclusive=True)
    def login(self, username: str, password: str) -> None:
        from tui.app import LoggedIn

        with self.app.in_language():
            try:
                me = self.app.source.login(username, password)
            except SourceError as exc:
                self.app.call_from_thread(self.query_one("#login-error", Label).update, exc.message)
                return
        self.app.post_message(LoggedIn(me))
