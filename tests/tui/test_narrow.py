"""Every screen at 80 x 24, the default terminal over SSH: the figures are on the screen, the names give
way (abbreviated, then shortened with an ellipsis), the side pane is hidden, the footer still says how
to quit. What is asserted is the text painted on the screen, line by line."""
from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Input

from shared.text import fold, format_number, format_percent
from tests.tui.conftest import own_loop, settle, wait_for
from tui.app import DaihoiApp
from tui.screens.choose import AsOfScreen, CampaignScreen, FilterScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.report import ReportScreen
from tui.screens.search import SearchScreen
from tui.screens.unit import UnitScreen
from tui.sources import LocalSource

SIZE = (80, 24)
LONG_NAME = ("Liên đoàn Lao động huyện Giồng Riềng và các xã vùng ven biển phía tây nam của tỉnh, "
             "theo quyết định hợp nhất năm 2025")


async def painted(pilot) -> list[str]:
    """The lines the terminal shows once the last update is laid out (the compositor's own strips)."""
    for _ in range(3):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
    lines = [strip.text.rstrip() for strip in pilot.app.screen._compositor.render_strips()]
    assert len(lines) == SIZE[1] and all(cell_len(line) <= SIZE[0] for line in lines)
    return lines


def line_with(lines: list[str], text: str) -> str:
    found = [line for line in lines if text in line]
    assert found, f"{text!r} is not on the screen:\n" + "\n".join(lines)
    return found[0]


def tail(name: str) -> str:
    return " ".join(name.split()[-2:])


@own_loop
async def test_the_login_screen(database_url, province, tmp_path):
    app = DaihoiApp(LocalSource(database_url), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lines = await painted(pilot)
        for text in ("Đăng nhập", "Nguồn dữ liệu: cơ sở dữ liệu cục bộ", "Tên đăng nhập", "Mật khẩu"):
            line_with(lines, text)


@own_loop
async def test_the_dashboard_shows_every_figure_and_shortens_the_names(local_source, province, tmp_path):
    province.d2.name, province.d2.name_folded = LONG_NAME, fold(LONG_NAME)
    province.session.commit()
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = await painted(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.has_class("-narrow")
        assert not any("Mới gửi, mới duyệt" in line for line in lines)  # the side pane is hidden
        for row in screen.rows:
            t = row["total"]
            line = line_with(lines, tail(row["unit"]["name"]))
            figures = [format_number(t[k]) for k in ("expected", "held")] + [format_percent(t["held"], t["expected"])]
            figures += [format_number(t[k]) for k in ("overdue", "submitted", "returned", "approved")]
            assert line.split()[-len(figures) - 1:] == [*" ".join(figures).split()], line  # "33,3 %": two words
        long_line = line_with(lines, "hợp nhất năm 2025")
        assert "…" in long_line and "LĐLĐ" in long_line
        # The cards: held out of expected, the share, the deadline line and the deadline date.
        for text in ("Đã tổ chức 1/3", "33 %", "Còn 46 ngày", "Hạn chót 31/05/2023", "Đã tổ chức 0/2",
                     "Hạn chót 31/07/2023", "Đã tổ chức 0/1", "Hạn chót 31/10/2023"):
            line_with(lines, text)
        line_with(lines, "q Thoát")


@own_loop
async def test_a_districts_units_show_their_state(local_source, province, tmp_path):
    long_name = "Công đoàn cơ sở Công ty Trách nhiệm hữu hạn Một thành viên Chế biến Thủy sản Xuất khẩu Đông Hồ"
    province.g12.name, province.g12.name_folded = long_name, fold(long_name)
    province.session.commit()
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_unit({"id": province.d1.id, "name": province.d1.name, "level": "district", "code": "D1"})
        await settle(pilot)
        assert isinstance(app.screen, UnitScreen)
        lines = await painted(pilot)
        for code, state, members in (("G11", "Đã phê duyệt", "40"), ("G12", "Bản nháp", "300")):
            line = line_with(lines, code)
            assert line.rstrip().endswith(state) and f" {members} " in line, line
        assert "…" in line_with(lines, "G12")
        for text in ("Đã tổ chức 1/2", "50 %", "Hạn chót 31/05/2023", "q Thoát"):
            line_with(lines, text)


@own_loop
async def test_a_report_summary(local_source, province, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_report({"id": province.g11.id, "name": province.g11.name, "level": "grassroots"})
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        lines = await painted(pilot)
        line_with(lines, "Trạng thái: Đã phê duyệt")
        assert line_with(lines, "Ngày đại hội").split()[-1] == "20/03/2023"
        assert line_with(lines, "Ban chấp hành").split()[-1] == "5"


@own_loop
async def test_the_search_and_the_choosers(local_source, province, factory, tmp_path):
    factory.campaign(name="Đại hội công đoàn các cấp nhiệm kỳ 2018-2023", term="2018-2023")
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one(Input).value = "vinh lac"
        await wait_for(pilot, lambda: app.screen.results)
        lines = await painted(pilot)
        line_with(lines, "Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc (G11)")
        line_with(lines, "1 kết quả")
        await pilot.press("escape")

        await pilot.press("a")
        assert isinstance(app.screen, AsOfScreen)
        lines = await painted(pilot)
        line_with(lines, "Số liệu tính đến ngày (dd/mm/yyyy; để trống là hôm nay)")
        await pilot.press("escape")

        await pilot.press("c")
        assert isinstance(app.screen, CampaignScreen)
        lines = await painted(pilot)
        line_with(lines, "Đại hội công đoàn các cấp nhiệm kỳ 2023-2028 (2023-2028)")
        line_with(lines, "Đại hội công đoàn các cấp nhiệm kỳ 2018-2023 (2018-2023)")
        await pilot.press("escape")

        app.open_unit({"id": province.d1.id, "name": province.d1.name, "level": "district", "code": "D1"})
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, FilterScreen)
        lines = await painted(pilot)
        for text in ("Lọc đơn vị", "Mọi khu vực", "Mọi trạng thái báo cáo", "Áp dụng", "Bỏ lọc"):
            line_with(lines, text)



@own_loop
async def test_in_english_the_review_columns_give_way_to_the_names(local_source, tmp_path):
    """English headings are single words that cannot break: the submitted and returned counts go first."""
    app = DaihoiApp(local_source, export_dir=tmp_path, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = await painted(pilot)
        assert line_with(lines, "Expected").split() == ["Unit", "Expected", "Held", "Share", "Overdue", "Approved"]
        assert line_with(lines, "Rạch Giá").split()[-6:] == ["3", "1", "33,3", "%", "0", "1"]
        line_with(lines, "46 days left")
