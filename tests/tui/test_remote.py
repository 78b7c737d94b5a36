"""The dashboard in remote mode: the real portal served on a local port, the TUI speaking its API."""
from __future__ import annotations

import threading
import time

import pytest
from textual.widgets import DataTable, Input
from werkzeug.serving import make_server

from tests.tui.conftest import own_loop, settle, wait_for
from tui.app import DaihoiApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.login import LoginScreen
from tui.sources import RemoteSource, SourceError
from tui.widgets.banner import ErrorBanner


class Server:
    def __init__(self, app):
        self.http = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    def stop(self):
        if self.running:
            self.http.shutdown()
            self.http.server_close()
            self.thread.join(timeout=10)
            self.running = False


@pytest.fixture
def server(app, province):
    srv = Server(app)
    yield srv
    srv.stop()


@own_loop
async def test_remote_mode_logs_in_through_the_api_and_shows_the_dashboard(server, tmp_path):
    app = DaihoiApp(RemoteSource(server.url), export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert server.url in str(app.screen.query_one("#source").content)
        app.screen.query_one("#username", Input).value = "dieuphoi"
        app.screen.query_one("#password", Input).value = "sai-mat-khau"
        await pilot.click("#submit")
        error = app.screen.query_one("#login-error")
        await wait_for(pilot, lambda: "không đúng" in str(error.content))
        app.screen.query_one("#password", Input).value = "matkhau123"
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")  # a second click within the button's 0.2 s press effect is ignored
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "LĐLĐ huyện Giồng Riềng", "LĐLĐ thành phố Rạch Giá"
        ]
        assert "Đã tổ chức 1/3" in str(app.screen.query_one("#card-grassroots .card-held").content)
        await pilot.press("down", "r")
        await settle(pilot)
        assert "chưa có báo cáo" in str(app.screen.query_one("#report").content)  # Rạch Giá's own


@own_loop
async def test_the_error_banner_shows_when_the_server_goes_down_and_backs_off(server, tmp_path):
    source = RemoteSource(server.url, timeout=2)
    source.login("dieuphoi", "matkhau123")
    app = DaihoiApp(source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        banner = screen.query_one(ErrorBanner)
        assert not banner.display and screen.loads == 1
        server.stop()
        await pilot.press("f5")
        await settle(pilot)
        assert banner.display
        assert "Không kết nối được máy chủ" in str(banner.content)
        assert "15 giây" in str(banner.content)
        assert screen.failures == 1 and screen.next_try > time.monotonic() + 10
        screen.tick()  # the timer fires during the back-off: no new attempt
        assert not screen.fetching
        await pilot.press("f5")
        await settle(pilot)
        assert screen.failures == 2 and "30 giây" in str(banner.content)
        # The table keeps the last figures rather than going blank.
        assert screen.query_one(DataTable).row_count == 2


def test_a_remote_source_turns_http_failures_into_source_errors(server):
    source = RemoteSource(server.url)
    with pytest.raises(SourceError) as err:
        source.me()
    assert err.value.auth is True
    source.login("dieuphoi", "matkhau123")
    assert source.me()["role"] == "coordinator"
    with pytest.raises(SourceError) as err:
        source.progress(None, 999999, None)
    assert err.value.message == "Không tìm thấy đơn vị."


def test_daihoi_tui_command_has_help_and_checks_the_server_url():
    from click.testing import CliRunner

    from portal.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["tui", "--help"])
    assert result.exit_code == 0 and "--server" in result.output and "--refresh" in result.output
    result = runner.invoke(main, ["tui", "--server", "ftp://may-chu"])
    assert result.exit_code != 0 and "http://" in result.output
