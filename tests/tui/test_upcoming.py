"""The terminal's next 14 days ([l]): the congresses of the user's scope from the day shown, through the
calendar's one query (shared.calendar.events), on the local source and at 80 x 24."""
from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable

from tests.tui.conftest import own_loop, settle, wait_for
from tui.app import DaihoiApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.upcoming import UpcomingScreen


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _plan(session, campaign, unit, day):
    from shared.models import CongressReport
    from sqlalchemy import select

    report = session.scalar(select(CongressReport).where(CongressReport.unit_id == unit.id))
    if report is None:
        report = CongressReport(campaign_id=campaign.id, unit_id=unit.id, status="draft", form="toan_the")
        session.add(report)
    report.planned_date = day
    return report


@own_loop
async def test_l_opens_the_next_14_days_of_the_scope_at_80x24(province, local_source, tmp_path):
    """Today 15/04/2023: G12 planned 20/04 and G21 (a pilot) 28/04, the last day of the 14, are shown; D2 on
    29/04 is not; G11, held 20/03, is not either."""
    s = province.session
    _plan(s, province.campaign, province.g12, dt.date(2023, 4, 20))
    _plan(s, province.campaign, province.g21, dt.date(2023, 4, 28)).is_pilot = True
    _plan(s, province.campaign, province.d2, dt.date(2023, 4, 29))
    s.commit()
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "lịch 14 ngày [l]" in str(app.screen.query_one("#table-title").content)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, UpcomingScreen))
        await settle(pilot)
        shown = rows(app)
        assert [r[0] for r in shown] == ["20/04", "28/04"]
        assert shown[0][-1] == "Dự kiến" and shown[1][-1] == "Dự kiến · điểm"
        assert "Trường" in shown[0][1] or province.g12.name.split()[-1] in shown[0][1]
        scope = str(app.screen.query_one("#scope").content)
        assert "15/04/2023 – 28/04/2023" in scope and scope.endswith(": 2")
        # At 80 columns the level column gives way; the date, the name and the state stay whole.
        table = app.screen.query_one(DataTable)
        assert len(table.columns) in (3, 4)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))


@own_loop
async def test_the_14_days_follow_the_day_chosen_and_flag_nothing_missed_ahead(province, local_source, tmp_path):
    """With the day shown set to 01/04/2023, G11 (held 20/03) is outside; G12 planned 05/04 is a plan."""
    s = province.session
    _plan(s, province.campaign, province.g12, dt.date(2023, 4, 5))
    s.commit()
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.as_of = dt.date(2023, 4, 1)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, UpcomingScreen))
        await settle(pilot)
        assert [(r[0], r[-1]) for r in rows(app)] == [("05/04", "Dự kiến")]
        assert "01/04/2023 – 14/04/2023" in str(app.screen.query_one("#scope").content)


def test_the_remote_source_reads_the_same_14_days_as_the_local_one(app, province, local_source):
    """RemoteSource.calendar speaks GET /api/v1/calendar: the same items as the local source."""
    from tests.conftest import PASSWORD
    from tests.tui.test_remote import Server
    from tui.sources import RemoteSource

    _plan(province.session, province.campaign, province.g12, dt.date(2023, 4, 20))
    province.session.commit()
    server = Server(app)
    remote = RemoteSource(server.url)
    try:
        remote.login("dieuphoi", PASSWORD)
        got = remote.calendar(None, dt.date(2023, 4, 15))
        assert got["items"] == local_source.calendar(None, dt.date(2023, 4, 15))["items"]
        assert [i["unit"]["code"] for i in got["items"]] == ["G12"]
    finally:
        remote.close()
        server.stop()
