"""The terminal dashboard driven by Textual's pilot, on the local database source."""
from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from textual.widgets import DataTable, Input

from shared import workflow
from shared.reports import get_or_create_report
from tests.report_data import complete_results
from tests.tui.conftest import own_loop, settle, wait_for
from tui.app import DaihoiApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.report import ReportScreen
from tui.screens.unit import UnitScreen
from tui.sources import LocalSource
from tui.widgets.banner import ErrorBanner


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).content)


@own_loop
async def test_start_up_shows_levels_districts_overdue_and_the_feed(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Đã tổ chức 1/3" in text(app, "#card-grassroots .card-held")
        assert "Còn 46 ngày" == text(app, "#card-grassroots .card-countdown")
        # At 80 columns the names give way to the figures: the usual abbreviation (LĐLĐ) first.
        assert [r[0] for r in rows(app)] == ["LĐLĐ huyện Giồng Riềng", "LĐLĐ thành phố Rạch Giá"]
        assert rows(app)[1][1:4] == ["3", "1", "33,3 %"]
        assert "Không có đơn vị quá hạn" in text(app, "#overdue")
        feed = text(app, "#feed").splitlines()
        assert feed[0].endswith("Đã phê duyệt: Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc")
        assert "tính đến 15/04/2023" in text(app, "#scope")
        assert not app.screen.query_one(ErrorBanner).display


@own_loop
async def test_drill_down_into_a_district_then_a_report_and_back(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen) and app.screen.unit["code"] == "D1"
        assert [(r[0], r[4]) for r in rows(app)] == [("G12", "Bản nháp"), ("G11", "Đã phê duyệt")]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        report = text(app, "#report")
        assert "Trạng thái: Đã phê duyệt" in report and "20/03/2023" in report
        assert [line.split()[-1] for line in report.splitlines() if line.startswith("Ban chấp hành")] == ["5"]
        await pilot.press("escape")
        assert isinstance(app.screen, UnitScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("escape")  # the main screen stays
        assert isinstance(app.screen, DashboardScreen)


@own_loop
async def test_sorting_the_district_table_by_held_rate(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert rows(app)[0][0] == "LĐLĐ thành phố Rạch Giá"
        assert "tỷ lệ đã tổ chức" in text(app, "#table-title")


@own_loop
async def test_search_without_diacritics_opens_the_unit_found(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "dong ho"
        await settle(pilot)
        assert app.screen.results[0]["code"] == "G12"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen) and app.screen.unit["code"] == "G12"
        assert "Trạng thái: Bản nháp" in text(app, "#report")


@own_loop
async def test_changing_the_as_of_date_replays_the_past(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        app.screen.query_one(Input).value = "31/13/2023"
        await pilot.press("enter")
        assert "không hợp lệ" in text(app, "#as-of-error")
        app.screen.query_one(Input).value = "01/03/2023"
        await pilot.press("enter")
        await settle(pilot)
        assert app.as_of == dt.date(2023, 3, 1)
        assert "Đã tổ chức 0/3" in text(app, "#card-grassroots .card-held")
        assert "tính đến 01/03/2023" in text(app, "#scope") and "01/03/2023" in app.sub_title


@own_loop
async def test_a_refresh_picks_up_a_newly_submitted_report(local_source, province, tmp_path):
    app = DaihoiApp(local_source, refresh_seconds=0.05, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        loads = app.screen.loads
        assert "Đông Hồ" not in text(app, "#feed")
        s = province.session
        report = get_or_create_report(s, province.campaign, province.g12, province.reporter12)
        complete_results(report, dt.date(2023, 4, 10))
        workflow.submit(s, report, province.reporter12)
        s.commit()
        for _ in range(200):  # the timer, not a key press, must bring it in
            await pilot.pause(0.02)
            if app.screen.loads > loads + 1 and "Đông Hồ" in text(app, "#feed"):
                break
        assert text(app, "#feed").splitlines()[0].endswith("Đã gửi: Công đoàn cơ sở Công ty TNHH Thủy sản Đông Hồ")
        assert rows(app)[1][5] == "1"  # Rạch Giá: one submitted


@own_loop
async def test_filtering_a_districts_units_by_report_status(local_source, tmp_path):
    from textual.widgets import Select

    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("f")
        app.screen.query_one("#status", Select).value = "approved"
        await pilot.click("#apply")
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["G11"]
        assert "Đã phê duyệt" in text(app, "#table-title")


@own_loop
async def test_the_child_table_pages_forward_and_back_and_sorting_starts_over(local_source, tmp_path, monkeypatch):
    from tui.screens import dashboard

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 1)
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["Liên đoàn Lao động huyện Giồng Riềng"]
        assert "(2)" in text(app, "#table-title") and "trang 1/2" in text(app, "#table-title")
        await pilot.press("p")  # no page before the first
        await settle(pilot)
        assert "trang 1/2" in text(app, "#table-title")
        await pilot.press("n")
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["Liên đoàn Lao động thành phố Rạch Giá"]
        assert "trang 2/2" in text(app, "#table-title")
        await pilot.press("n")  # no page after the last
        await settle(pilot)
        assert "trang 2/2" in text(app, "#table-title")
        await pilot.press("p")
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["Liên đoàn Lao động huyện Giồng Riềng"]
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # back a page first
        await settle(pilot)
        assert "trang 1/2" in text(app, "#table-title") and isinstance(app.screen, DashboardScreen)
        await pilot.press("n", "s")  # by share held (Rạch Giá 1/3 first): from the first page again
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["Liên đoàn Lao động thành phố Rạch Giá"]
        assert "trang 1/2" in text(app, "#table-title")


@own_loop
async def test_export_writes_the_current_view_to_xlsx(local_source, tmp_path, monkeypatch):
    from tui.screens import dashboard

    monkeypatch.setattr(dashboard, "EXPORT_PAGE", 1)  # every child unit, page after page
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
    files = list(tmp_path.glob("daihoi-p-*.xlsx"))
    assert len(files) == 1
    ws = load_workbook(files[0]).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1][:3] == ["Mã", "Đơn vị", "Dự kiến"]
    assert ["D1", "Liên đoàn Lao động thành phố Rạch Giá", 3] == values[3][:3]
    assert [row[0] for row in values[2:]] == ["D2", "D1"]


@own_loop
async def test_a_district_user_sees_its_subtree_only(database_url, province, tmp_path):
    source = LocalSource(database_url)
    source.login_as("rachgia")
    app = DaihoiApp(source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert sorted(r["unit"]["name"] for r in app.screen.rows) == [
            "Công đoàn cơ sở Công ty TNHH Thủy sản Đông Hồ", "Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc"
        ]
        assert sorted(r[0] for r in rows(app)) == ["CĐCS Công…TNHH Thủy sản Đông Hồ",
                                                  "CĐCS Trường Tiểu học Vĩnh Lạc"]
        assert "Đã tổ chức 1/2" in text(app, "#card-grassroots .card-held")
        await pilot.press("slash")
        app.screen.query_one(Input).value = "ngoc chuc"
        await settle(pilot)
        assert app.screen.results == []


@own_loop
async def test_local_login_screen_checks_the_password(database_url, province, tmp_path):
    source = LocalSource(database_url)
    app = DaihoiApp(source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#username", Input).value = "dieuphoi"
        app.screen.query_one("#password", Input).value = "sai-mat-khau"
        await pilot.click("#submit")
        await wait_for(pilot, lambda: "không đúng" in text(app, "#login-error"))
        app.screen.query_one("#password", Input).value = "matkhau123"
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))


@own_loop
async def test_switching_the_campaign_shows_its_figures(local_source, factory, tmp_path):
    other = factory.campaign(name="Đợt thử nghiệm cũ", term="2018-2023", start_date=dt.date(2018, 1, 1),
                             deadline_grassroots=dt.date(2018, 5, 31), deadline_district=dt.date(2018, 7, 31),
                             deadline_province=dt.date(2018, 10, 31))
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Đã tổ chức 1/3" in text(app, "#card-grassroots .card-held")
        await pilot.press("c")
        await pilot.pause()
        names = [app.screen.campaigns[i]["name"] for i in range(len(app.screen.campaigns))]
        await pilot.press(*["down"] * names.index("Đợt thử nghiệm cũ"), "enter")
        await settle(pilot)
        assert app.campaign_id == other.id
        assert "Đã tổ chức 0/3" in text(app, "#card-grassroots .card-held")
        assert "Đợt thử nghiệm cũ" in app.sub_title
