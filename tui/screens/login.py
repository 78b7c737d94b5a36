"""Login: username and password, checked by the data source (the API issues a session token)."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label

from tui.sources import SourceError


class LoginScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login-box"):
            yield Label("Đăng nhập", classes="title")
            yield Label(f"Nguồn dữ liệu: {self.app.source.description}", id="source", markup=False)
            yield Input(placeholder="Tên đăng nhập", id="username")
            yield Input(placeholder="Mật khẩu", password=True, id="password")
            yield Button("Đăng nhập", variant="primary", id="submit")
            yield Label("", id="login-error", markup=False)
        yield Footer()

    @on(Input.Submitted, "#username")
    def _next(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.query_one("#login-error", Label).update("Hãy nhập tên đăng nhập và mật khẩu.")
            return
        self.query_one("#login-error", Label).update("Đang đăng nhập…")
        self.login(username, password)

    @work(thread=True, exclusive=True)
    def login(self, username: str, password: str) -> None:
        try:
            me = self.app.source.login(username, password)
        except SourceError as exc:
            self.app.call_from_thread(self.query_one("#login-error", Label).update, exc.message)
            return
        self.app.call_from_thread(self.app.logged_in, me)
