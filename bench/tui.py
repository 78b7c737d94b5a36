"""`--only tui`: the terminal dashboard at national scale, each user in a fresh process
(bench/tui_probe.py): start to first full screen <= 1 s, refresh (F5) <= 200 ms, RSS <= 150 MB.

Users: the biggest province's coordinator (its district-level units in the table) and the biggest
district (its thousands of grassroots units in the table). There is no national user. The floor of the
screen is the screen's own `fetch()` (the source's calls, nothing drawn), measured in the same process.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

START_TARGET_S = 1.0
REFRESH_TARGET_MS = 200.0
MEMORY_TARGET_MB = 150.0


def run(bench) -> None:
    from bench.__main__ import ROOT, Row

    for username in (f"{bench.province.code.lower()}.dieuphoi", bench.district.code.lower()):
        launched = time.time()
        out = subprocess.run(
            [sys.executable, "-m", "bench.tui_probe", bench.url, username, str(bench.repeat), repr(launched)],
            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        if out.returncode:
            raise RuntimeError(f"tui_probe {username}:\n{out.stderr[-3000:]}")
        data = json.loads(out.stdout.strip().splitlines()[-1])
        who = f"{username}, {data['rows']} dòng"
        fetch = statistics.median(data["fetch_ms"])
        bench.record(Row("tui", f"TUI khởi động tới màn hình đầy đủ ({who})", data["first_screen_s"] * 1000, fetch,
                         f"<= {START_TARGET_S * 1000:g} ms", data["first_screen_s"] <= START_TARGET_S),
                     f"  (từ lúc chạy lệnh, gồm nạp Python: {data['from_launch_s'] * 1000:.0f} ms)")
        refresh = statistics.median(data["refresh_ms"])
        bench.record(Row("tui", f"TUI làm mới F5 ({who})", refresh, fetch, f"<= {REFRESH_TARGET_MS:g} ms",
                         refresh <= REFRESH_TARGET_MS))
        bench.record(Row("tui", f"TUI RSS ({who})", data["rss_mb"], None, f"<= {MEMORY_TARGET_MB:g} MB",
                         data["rss_mb"] <= MEMORY_TARGET_MB, unit="MB"), f"  (đỉnh {data['hwm_mb']:.0f} MB)")
