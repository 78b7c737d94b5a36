"""The level cards print the deadline line of shared/deadlines.py: a level whose congresses were all held
on time is done, not "Quá hạn 1128 ngày" at 100 %; a level still short after its deadline is late (red
border), with the days and the units not held counted with separators."""
from __future__ import annotations

import datetime as dt

from shared.reports import get_or_create_report
from tests.tui.conftest import own_loop, settle
from tui.app import DaihoiApp
from tui.sources import LocalSource

LONG_AFTER = dt.date(2026, 12, 2)


def card(app, level: str) -> tuple[str, str, str, bool]:
    """(held, deadline line, bottom border, late) of a level's card."""
    widget = app.screen.query_one(f"#card-{level}")
    return (str(widget.query_one(".card-held").content), str(widget.query_one(".card-countdown").content),
            widget.border_subtitle, widget.has_class("late"))


@own_loop
async def test_before_the_deadline_the_cards_count_down(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert card(app, "grassroots") == ("Đã tổ chức 1/3", "Còn 46 ngày", "Hạn chót 31/05/2023", False)
        assert str(app.screen.query_one("#card-grassroots .card-percent").content) == "33 %"


@own_loop
async def test_long_after_the_deadline_a_level_held_on_time_is_done_and_one_short_is_late(
        database_url, province, today, tmp_path):
    report = get_or_create_report(province.session, province.campaign, province.g12, province.reporter12)
    report.held_date = dt.date(2023, 4, 1)  # Rạch Giá's two grassroots unions both held on time
    province.session.commit()
    today(LONG_AFTER)
    source = LocalSource(database_url)
    source.login_as("rachgia")
    app = DaihoiApp(source, export_dir=tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert card(app, "grassroots") == ("Đã tổ chức 2/2", "Đã xong, đúng hạn", "Hạn chót 31/05/2023", False)
        assert card(app, "district") == ("Đã tổ chức 0/1", "Quá hạn 1.220 ngày: chưa tổ chức đại hội",
                                         "Hạn chót 31/07/2023", True)


@own_loop
async def test_the_coordinators_overdue_card_counts_the_units_not_held(local_source, today, tmp_path):
    today(LONG_AFTER)
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert card(app, "grassroots") == ("Đã tổ chức 1/3", "Quá hạn 1.281 ngày: còn 2 đơn vị chưa tổ chức",
                                           "Hạn chót 31/05/2023", True)
