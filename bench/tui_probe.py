"""The TUI as a coordinator runs it, headless (Textual's `run_test`) on the local database source.

`python -m bench.tui_probe URL USERNAME REFRESHES LAUNCHED` prints JSON: seconds from LAUNCHED (the
parent's time.time() just before it started this process: interpreter, imports and all) and from the
source's creation to the first full screen (data fetched, applied and rendered), each refresh's
milliseconds (F5's action: fetch, apply, render), each direct `fetch()` (the source calls alone: the floor),
and the process's RSS and peak RSS in MB at the end. Run in its own process, so RSS is the TUI's.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def _probe(url: str, username: str, refreshes: int, launched: float) -> dict:
    from tui.app import DaihoiApp
    from tui.screens.dashboard import DashboardScreen
    from tui.sources import LocalSource

    # Told the moment a fetch's result is applied (or has failed), rather than polling for it.
    settled = asyncio.Event()
    for name in ("_loaded", "_failed"):
        original = getattr(DashboardScreen, name)
        setattr(DashboardScreen, name, lambda self, arg, original=original: (original(self, arg), settled.set()))

    started = time.perf_counter()
    source = LocalSource(url)
    me = source.login_as(username)
    app = DaihoiApp(source, refresh_seconds=3600)  # no timer refresh during the measure
    async with app.run_test(size=(160, 50)) as pilot:
        async def shown() -> DashboardScreen:
            await settled.wait()
            settled.clear()
            await pilot.pause(0)  # pending messages handled and the screen painted
            if app.screen.failures:
                raise RuntimeError(f"TUI: tải dữ liệu thất bại ({app.screen.failures} lần)")
            return app.screen

        screen = await shown()
        first_screen = time.perf_counter() - started
        from_launch = time.time() - launched
        rows = screen.query_one("#children").row_count
        refresh_ms, fetch_ms = [], []
        for _ in range(refreshes):
            start = time.perf_counter()
            fetched = screen.fetch()  # the floor: what the screen must read, nothing drawn
            fetch_ms.append((time.perf_counter() - start) * 1000)
            assert fetched.progress["unit"]["id"] == me["unit"]["id"]
            start = time.perf_counter()
            # F5's action, called as the key binding would: pilot.press() would add its own waits
            # for the process to go idle (sleeps of several ms) to the figure.
            screen.action_reload()
            await shown()
            refresh_ms.append((time.perf_counter() - start) * 1000)
    return {"from_launch_s": from_launch, "first_screen_s": first_screen, "rows": rows, "refresh_ms": refresh_ms,
            "fetch_ms": fetch_ms, "rss_mb": round(_status_mb("VmRSS"), 1), "hwm_mb": round(_status_mb("VmHWM"), 1)}


def main(argv: list[str]) -> None:
    url, username, refreshes, launched = argv
    print(json.dumps(asyncio.run(_probe(url, username, int(refreshes), float(launched)))))


if __name__ == "__main__":
    main(sys.argv[1:])
