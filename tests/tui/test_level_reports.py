"""The main screen tells Ban Dân vận how many party bodies' level reports have arrived, from the
local database and over the API alike; other users do not get the line."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from shared.models import LevelReport, PartyBody
from tests.tui.conftest import own_loop, settle, wait_for
from tests.tui.test_remote import server  # noqa: F401  (the portal served on a local port)
from tui.app import DaihoiApp
from tui.screens.dashboard import DashboardScreen
from tui.sources import LocalSource, RemoteSource


def level_line(app):
    label = app.screen.query_one("#level-reports")
    return str(label.content) if label.display else None


@pytest.fixture
def bodies(province):
    """Party bodies of D1, D2 and the province; D1's report acknowledged, the others not started."""
    s = province.session
    d1 = PartyBody(unit_id=province.d1.id, name="Thành ủy Rạch Giá", kind="district_committee")
    s.add_all([d1, PartyBody(unit_id=province.d2.id, name="Huyện ủy Giồng Riềng", kind="district_committee"),
               PartyBody(unit_id=province.province.id, name="Đảng đoàn", kind="federation_delegation")])
    s.flush()
    at = dt.datetime(2023, 4, 10, 8, 0)
    s.add(LevelReport(campaign_id=province.campaign.id, party_body_id=d1.id, status="acknowledged",
                      created_at=at, updated_at=at, submitted_at=at, reviewed_at=at))
    s.commit()
    return province


@own_loop
async def test_the_coordinator_sees_11_of_16_level_reports_on_the_demo(demo, database_url, tmp_path):
    source = LocalSource(database_url)
    source.login_as("dieuphoi")
    try:
        app = DaihoiApp(source, export_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            assert level_line(app) == "Báo cáo cấp ủy đã nhận: 11/16"
    finally:
        source.close()


@own_loop
async def test_a_district_user_has_no_level_report_line(bodies, database_url, tmp_path):
    source = LocalSource(database_url)
    source.login_as("rachgia")
    try:
        assert source.level_reports_summary(None) is None
        app = DaihoiApp(source, export_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert "Rạch Giá" in str(app.screen.query_one("#scope").content)
            assert level_line(app) is None
    finally:
        source.close()


@own_loop
async def test_remote_mode_shows_the_same_line_through_the_api(bodies, server, tmp_path):  # noqa: F811
    app = DaihoiApp(RemoteSource(server.url), export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#username", Input).value = "dieuphoi"
        app.screen.query_one("#password", Input).value = "matkhau123"
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await settle(pilot)
        assert level_line(app) == "Báo cáo cấp ủy đã nhận: 1/3"
    remote = RemoteSource(server.url)
    try:
        remote.login("rachgia", "matkhau123")
        assert remote.level_reports_summary(None) is None  # 403: not one who receives them
    finally:
        remote.close()


@own_loop
async def test_as_of_a_day_before_the_reports_arrived_the_line_counts_none(bodies, database_url, server, tmp_path):  # noqa: F811
    """D1's report arrived on 10/04/2023: seen as of 09/04/2023 nothing had arrived, locally and over the API."""
    source = LocalSource(database_url)
    source.login_as("dieuphoi")
    try:
        assert source.level_reports_summary(None, dt.date(2023, 4, 9))["received"] == 0
        app = DaihoiApp(source, export_dir=tmp_path)
        app.as_of = dt.date(2023, 4, 9)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert level_line(app) == "Báo cáo cấp ủy đã nhận: 0/3"
    finally:
        source.close()
    remote = RemoteSource(server.url)
    try:
        remote.login("dieuphoi", "matkhau123")
        assert remote.level_reports_summary(None, dt.date(2023, 4, 9))["received"] == 0
        assert remote.level_reports_summary(None, dt.date(2023, 4, 10))["received"] == 1
    finally:
        remote.close()
