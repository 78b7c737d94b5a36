"""Fixtures for the terminal dashboard: a small province with reports, a local source logged in
as the coordinator, and helpers to wait for the screen's workers."""
from __future__ import annotations

import datetime as dt

import pytest

from shared import workflow
from shared.reports import get_or_create_report
from tests.report_data import complete_results
from tui.sources import LocalSource


@pytest.fixture
def frozen_clock(monkeypatch, today):
    """15/04/2023 at 09:30 for every timestamp, so that screens (and their snapshots) are stable."""
    from shared import clock

    today(dt.date(2023, 4, 15))
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2023, 4, 15, 9, 30))


@pytest.fixture
def province(factory, frozen_clock):
    """P > D1 (G11 held and approved, G12 draft), D2 (G21, nothing): on 15/04/2023."""
    t = factory.tree()
    t.campaign = factory.campaign()
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    t.district1 = factory.user("district", t.d1, username="rachgia")
    t.reporter11 = factory.user("reporter", t.g11, username="vinhlac")
    t.reporter12 = factory.user("reporter", t.g12, username="dongho")
    s = factory.session
    r11 = get_or_create_report(s, t.campaign, t.g11, t.reporter11)
    complete_results(r11, dt.date(2023, 3, 20))
    r11.planned_date = dt.date(2023, 3, 20)
    workflow.submit(s, r11, t.reporter11)
    workflow.approve(s, r11, t.district1)
    get_or_create_report(s, t.campaign, t.g12, t.reporter12)
    s.commit()
    t.session = s
    return t


@pytest.fixture
def local_source(database_url, province):
    source = LocalSource(database_url)
    source.login_as("dieuphoi")
    yield source
    source.close()


async def settle(pilot) -> None:
    """Let the current screen's fetch finish and its result reach the widgets."""
    from textual.worker import WorkerCancelled

    from tui.screens.base import LiveScreen

    for _ in range(100):
        await pilot.pause()
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
        await pilot.pause()
        screen = pilot.app.screen
        if not isinstance(screen, LiveScreen) or not screen.loading and (screen.loads or screen.failures):
            return
