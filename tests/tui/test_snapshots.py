"""SVG snapshots of stable screens at 80x24: what a coordinator sees, character for character.
A missing snapshot is written (and the test fails); set DAIHOI_UPDATE_SNAPSHOTS=1 to rewrite them
after an intended change of the screens, then review the SVG diff."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.tui.conftest import own_loop, settle
from tui.app import DaihoiApp
from tui.sources import LocalSource

SNAPSHOTS = Path(__file__).parent / "snapshots"


async def screenshot(pilot) -> str:
    """The screen once its last update is laid out and painted."""
    await settle(pilot)
    # A full repaint at a new size, so no partial update is captured.
    await pilot.resize_terminal(81, 24)
    await pilot.resize_terminal(80, 24)
    for _ in range(3):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
    return pilot.app.export_screenshot(title="daihoi")


def check(name: str, svg: str) -> None:
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("DAIHOI_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(svg, encoding="utf-8")
        if not os.environ.get("DAIHOI_UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {path.name} written; review and commit it")
        return
    if svg != path.read_text(encoding="utf-8"):
        (Path("/tmp") / f"daihoi-snapshot-{name}.svg").write_text(svg, encoding="utf-8")
    assert svg == path.read_text(encoding="utf-8"), f"screen differs from {path.name}"


@own_loop
async def test_snapshot_of_the_main_screen(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        check("dashboard_80x24", await screenshot(pilot))


@own_loop
async def test_snapshot_of_a_report_summary(local_source, tmp_path):
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_report({"id": local_source.units(None, q="vinh lac")["items"][0]["id"],
                         "name": "Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc", "level": "grassroots"})
        check("report_80x24", await screenshot(pilot))


@own_loop
async def test_snapshot_of_the_login_screen(database_url, province, tmp_path):
    app = DaihoiApp(LocalSource(database_url), export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        check("login_80x24", await screenshot(pilot))
