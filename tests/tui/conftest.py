"""Fixtures for the terminal dashboard: a small province with reports, a local source logged in
as the coordinator, and helpers to wait for the screen's workers."""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import threading

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
        if not isinstance(screen, LiveScreen) or not screen.fetching and (screen.loads or screen.failures):
            return


async def wait_for(pilot, condition, tries: int = 300) -> None:
    """Process events until `condition()` holds (a screen switch, a worker's answer)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition(), "condition not reached"


def own_loop(test):
    """Run an async pilot test in a fresh event loop on a thread of its own. The browser tests'
    session-wide Playwright (sync API) keeps an event loop running on the main thread, so a
    pytest-asyncio test collected after them could not start its loop there."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        failure: list[BaseException] = []

        def target():
            try:
                asyncio.run(test(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - re-raised on the test's thread
                failure.append(exc)

        thread = threading.Thread(target=target, name=f"pilot-{test.__name__}")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]

    return run
