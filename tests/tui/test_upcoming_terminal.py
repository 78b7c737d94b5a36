"""The next 14 days in the real `daihoi tui` (tmux) at 80 x 24 on the demo province: [l] from the dashboard
shows the coordinator's congresses of the 14 days from the day pinned (15/04/2023), Escape goes back."""
from __future__ import annotations

import datetime as dt

from tests.realproc import daihoi_command, daihoi_env
from tests.tui.terminal import Terminal
from tests.tui.test_real_terminal import PROVINCE, line_with, log_in
from tui.sources import LocalSource

DAY = dt.date(2023, 4, 15)


def test_l_shows_the_next_14_days_in_a_real_80x24_terminal(demo, database_url, tmp_path, today):
    today(DAY)
    source = LocalSource(database_url)
    try:
        source.login_as("dieuphoi")
        expected = source.calendar(None)
    finally:
        source.close()
    assert expected["items"], "the demo has congresses in the 14 days from 15/04/2023"
    first = expected["items"][0]
    term = Terminal([*daihoi_command(), "tui", "--refresh", "3600"],
                    daihoi_env(database_url, DAIHOI_TODAY=DAY.isoformat()), size=(80, 24), cwd=tmp_path)
    try:
        log_in(term, "dieuphoi")
        term.wait_for(lambda s: PROVINCE in line_with(s, "số liệu tính đến") and "lịch 14 ngày [l]" in s,
                      timeout=15, what="the dashboard, naming the [l] key")
        term.send("l")
        day = dt.date.fromisoformat(first["day"]).strftime("%d/%m")
        screen = term.wait_for(lambda s: "Đại hội trong 14 ngày tới" in s and day in s, timeout=15,
                               what="the next 14 days with the first congress's day")
        assert "15/04/2023 – 28/04/2023" in screen
        # The first row holds the first congress: its day and the end of its unit's name (shortened to fit).
        row = line_with(screen, day)
        assert first["unit"]["name"].split()[-1] in row, f"{first['unit']['name']!r} not on:\n{screen}"
        assert all(len(line) <= 80 for line in screen.splitlines())
        term.send("Escape")
        term.wait_for(lambda s: PROVINCE in line_with(s, "số liệu tính đến"), what="the dashboard again")
        term.send("q")
        assert term.wait_exit() == 0
    finally:
        term.close()
