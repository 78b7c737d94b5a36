"""The terminal dashboard in English: chosen with `language=` (`daihoi tui --lang en` / DAIHOI_LANG), or taken
from the account's language after login when nothing was chosen. Text made in worker threads (source errors)
and in screens pushed later by the app (dialogs) follows too; Vietnamese stays the default."""
from __future__ import annotations

from openpyxl import load_workbook
from textual.widgets import DataTable, Input, Label

from shared import i18n
from tests.tui.conftest import own_loop, settle, wait_for
from tui.app import DaihoiApp
from tui.screens.choose import AsOfScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.login import LoginScreen
from tui.screens.report import summary
from tui.sources import LocalSource
from tui.widgets.banner import ErrorBanner


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).content)


def footer_descriptions(app) -> set[str]:
    """What the footer shows (it reads the bindings in its own task, hence its own language)."""
    return {key.description for key in app.screen.query("FooterKey")}


def headers(app) -> list[str]:
    return [str(column.label) for column in app.screen.query_one(DataTable).columns.values()]


@own_loop
async def test_the_dashboard_in_english(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path, language="en")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.title == "daihoi · trade union congress monitoring"
        assert app.sub_title.endswith("· as of today")
        assert text(app, "#card-grassroots .card-held") == "Held 1/3"
        assert text(app, "#card-grassroots .card-countdown") == "46 days left"
        assert app.screen.query_one("#card-grassroots").border_subtitle == "Deadline 31/05/2023"
        assert text(app, "#table-title") == "Units below (2), sorted by name [s] · next 14 days [l]"
        assert "figures as of 15/04/2023" in text(app, "#scope")
        # At 120 columns beside the side pane, the English headings (single words) leave the names too little
        # room: the returned reports' column gives way, the others stay.
        assert headers(app) == ["Unit", "Expected", "Held", "Share", "Overdue", "Submitted", "Approved"]
        assert [str(label.content) for label in app.screen.query(".side-title").results(Label)] == [
            "Overdue", "Recently submitted and reviewed"]
        assert {"Quit", "Find unit", "As-of date", "Congress campaign", "Back", "Refresh", "Export XLSX", "Sort",
                "Report"} <= footer_descriptions(app)
        await pilot.press("s")
        assert text(app, "#table-title") == "Units below (2), sorted by share held [s] · next 14 days [l]"
        await pilot.press("x")
        await pilot.pause()
        workbook = load_workbook(next(tmp_path.glob("*.xlsx")))
        sheet = workbook.active
        assert sheet.title == "Progress"
        assert [c.value for c in sheet[2]][:4] == ["Code", "Unit", "Expected", "With a plan"]
        # A dialog pushed by the app later is in English too.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AsOfScreen)
        assert "Figures as of" in str(app.screen.query_one(".title", Label).content)
    assert i18n.get_language() == "vi"  # the app's language ends with its run


@own_loop
async def test_vietnamese_stays_the_default(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.title == "daihoi · theo dõi đại hội công đoàn"
        assert text(app, "#table-title") == "Đơn vị trực thuộc (2), sắp xếp theo tên [s] · lịch 14 ngày [l]"
        assert {"Thoát", "Tìm đơn vị", "Làm mới", "Sắp xếp"} <= footer_descriptions(app)


@own_loop
async def test_errors_made_in_the_worker_thread_are_in_english(local_source, province, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path, language="en")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        province.coordinator.active = False
        province.session.commit()
        await pilot.press("f5")
        await settle(pilot)
        banner = str(app.screen.query_one(ErrorBanner).content)
        assert banner.startswith("⚠ Error: The account is no longer active. Retrying in 15 seconds")


@own_loop
async def test_the_login_screen_and_its_errors_in_english(database_url, province, tmp_path):
    app = DaihoiApp(LocalSource(database_url), export_dir=tmp_path, language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert text(app, ".title") == "Log in"
        assert text(app, "#source") == "Data source: local database"
        assert app.screen.query_one("#username", Input).placeholder == "Username"
        app.screen.query_one("#username", Input).value = "dieuphoi"
        app.screen.query_one("#password", Input).value = "sai-mat-khau"
        await pilot.click("#submit")
        await wait_for(pilot, lambda: text(app, "#login-error") == "Wrong username or password.")


async def _log_in(app, pilot, username: str) -> None:
    app.screen.query_one("#username", Input).value = username
    app.screen.query_one("#password", Input).value = "matkhau123"
    await pilot.click("#submit")
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
    await settle(pilot)


@own_loop
async def test_the_accounts_language_applies_after_login(database_url, province, tmp_path):
    province.coordinator.locale = "en"
    province.session.commit()
    app = DaihoiApp(LocalSource(database_url), export_dir=tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        assert text(app, ".title") == "Đăng nhập"  # nothing chosen, nobody known yet: Vietnamese
        await _log_in(app, pilot, "dieuphoi")
        assert app.language == "en" and app.title == "daihoi · trade union congress monitoring"
        assert text(app, "#table-title") == "Units below (2), sorted by name [s] · next 14 days [l]"
        assert "Quit" in footer_descriptions(app)
        await pilot.press("a")  # a dialog the app pushes from its own task
        await pilot.pause()
        assert "Figures as of" in str(app.screen.query_one(".title", Label).content)


@own_loop
async def test_a_chosen_language_wins_over_the_accounts(database_url, province, tmp_path):
    province.coordinator.locale = "en"
    province.session.commit()
    app = DaihoiApp(LocalSource(database_url), export_dir=tmp_path, language="vi")
    async with app.run_test(size=(120, 30)) as pilot:
        await _log_in(app, pilot, "dieuphoi")
        assert text(app, "#table-title") == "Đơn vị trực thuộc (2), sắp xếp theo tên [s] · lịch 14 ngày [l]"


def test_the_report_summary_in_english():
    report = {"status": "submitted", "status_label": "Đã gửi", "version": 2, "submitted_at": "2023-04-01T08:00:00",
              "is_pilot": True, "officers": [{"role": "chair", "full_name": "Nguyễn Văn A"}]}
    with i18n.language("en"):
        text_en = summary(report)
        assert summary(None) == "The unit has no congress report for this campaign."
    assert text_en.startswith("Status: ")
    assert "(version 2)" in text_en and "Submitted at: 01/04/2023" in text_en
    assert "Pilot congress" in text_en and "Yes" in text_en
    assert "Key officers:" in text_en and "  Chair: Nguyễn Văn A" in text_en
    assert summary(report).startswith("Trạng thái: ")
