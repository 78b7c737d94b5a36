"""`daihoi tui` as a user runs it: the installed script in a real terminal (tmux), on the demo province,
logged in by typing into the login screen, at the usual size (120 x 35) and at the default size of a
terminal over SSH (80 x 24); locally on the database and against a running `daihoi serve`.

Textual's pilot drives the app inside the test's event loop and hides defects of the real process
(a screen stuck under its loading indicator for ever); these tests see what the user sees.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.demo import DEMO_PASSWORD
from shared.models import STATUS_LABELS, Unit
from shared.text import fold, format_number, format_percent
from tests.realproc import ROOT, daihoi_command, daihoi_env
from tests.tui.terminal import Terminal
from tui.sources import LocalSource

SIZES = [(120, 35), (80, 24)]
SHOWN_WITHIN = 15.0  # seconds from the Enter on the login screen to the figures on the screen
PROVINCE = "Liên đoàn Lao động tỉnh Kiên Giang"
RACH_GIA = "Liên đoàn Lao động thành phố Rạch Giá"
GRASSROOTS_DEADLINE = "31/05/2023"  # the demo campaign's deadline for grassroots congresses
LOADING_DOTS = "● ● ● ● ●"  # Textual's LoadingIndicator
NO_REPORT = "Chưa có báo cáo"


def start(database_url: str, tmp_path, size: tuple[int, int], *args: str) -> Terminal:
    # --refresh 3600: only F5 reloads within a test, so a change on the screen after F5 is F5's doing.
    return Terminal([*daihoi_command(), "tui", "--refresh", "3600", *args], daihoi_env(database_url),
                    size=size, cwd=tmp_path)


def log_in(term: Terminal, username: str, password: str = DEMO_PASSWORD) -> None:
    """Type into the login screen as a user does: the name, Enter (the caret moves to the password field),
    the password, Enter."""
    term.wait_for("Mật khẩu", what="the login screen")
    term.type(username)
    term.wait_for(lambda s: username in term.cursor_line(), what="the name typed in its field")
    term.send("Enter")
    # The focus moves in the app's own time: type the password once the caret is in its field.
    term.wait_for(lambda s: "Mật khẩu" in term.cursor_line(), what="the caret in the password field")
    term.type(password)
    term.wait_for(lambda s: "•" * len(password) in term.cursor_line(), what="the masked password")
    term.send("Enter")


def line_with(screen: str, text: str) -> str:
    return next((line for line in screen.splitlines() if text in line), "")


def rows_of(database_url: str, username: str, parent: int | None = None) -> list[dict]:
    """The dashboard's table rows as the app orders them (its own source, sorted by name): progress rows
    ({"unit", "total"}), or with `parent` the unit screen's units."""
    source = LocalSource(database_url)
    try:
        source.login_as(username)
        if parent is None:
            return source.progress_by_unit(None, None, None, sort="name", limit=50)["items"]
        return source.units(None, parent_id=parent, limit=200)["items"]
    finally:
        source.close()


def tail(name: str) -> str:
    """The end of a unit's name, which a narrow terminal keeps when it shortens the name."""
    return " ".join(name.split()[-2:])


def shows_figures(screen: str, row: dict) -> bool:
    """The row's line holds its figures: expected, held and the share held."""
    line, total = line_with(screen, tail(row["unit"]["name"])), row["total"]
    return (format_number(total["expected"]) in line and format_number(total["held"]) in line
            and format_percent(total["held"], total["expected"]) in line)


def rename(db, name: str, new_name: str) -> None:
    """An edit made elsewhere while the dashboard is open (an ORM write: it renews the data versions)."""
    unit = db.scalar(select(Unit).where(Unit.name == name))
    unit.name, unit.name_folded = new_name, fold(new_name)
    db.commit()


def coordinator_session(term: Terminal, db, database_url: str) -> None:
    """dieuphoi: the districts with their figures and the deadline; F5 shows an edit; Enter drills into
    Rạch Giá and shows its grassroots units with their report state; Escape goes back; q quits."""
    log_in(term, "dieuphoi")
    districts = rows_of(database_url, "dieuphoi")
    first = districts[0]
    screen = term.wait_for(lambda s: shows_figures(s, first) and GRASSROOTS_DEADLINE in s, timeout=SHOWN_WITHIN,
                           what="the first district with its figures, and the grassroots deadline")
    assert LOADING_DOTS not in screen
    assert PROVINCE in line_with(screen, "số liệu tính đến")
    assert "Giồng Riềng" in screen

    rename(db, "Liên đoàn Lao động huyện Giồng Riềng", "Giồng Riềng đổi tên")
    term.send("F5")
    term.wait_for("Giồng Riềng đổi tên", what="the renamed district after F5")
    rename(db, "Giồng Riềng đổi tên", "Liên đoàn Lao động huyện Giồng Riềng")

    index = next(i for i, r in enumerate(districts) if r["unit"]["name"] == RACH_GIA)
    term.send(*["Down"] * index, "Enter")
    unit = rows_of(database_url, "dieuphoi", parent=districts[index]["unit"]["id"])[0]
    state = str(STATUS_LABELS.get(unit["report_status"]) or NO_REPORT)
    screen = term.wait_for(lambda s: RACH_GIA in line_with(s, "số liệu tính đến") and unit["code"] in s,
                           timeout=SHOWN_WITHIN, what="Rạch Giá's grassroots units")
    assert state in line_with(screen, unit["code"]), f"no state {state!r} on the unit's line:\n{screen}"

    term.send("Escape")
    term.wait_for(lambda s: PROVINCE in line_with(s, "số liệu tính đến"), what="the province's dashboard again")
    term.send("q")
    assert term.wait_exit() == 0


def district_session(term: Terminal, database_url: str) -> None:
    """rachgia: its own district, the deadline and its grassroots units with their figures; Enter opens the
    first unit's report; Escape goes back; q quits."""
    log_in(term, "rachgia")
    first = rows_of(database_url, "rachgia")[0]
    screen = term.wait_for(lambda s: RACH_GIA in line_with(s, "số liệu tính đến") and GRASSROOTS_DEADLINE in s
                           and shows_figures(s, first), timeout=SHOWN_WITHIN,
                           what="Rạch Giá's dashboard: the deadline, its first unit and its figures")
    assert LOADING_DOTS not in screen
    term.send("Enter")
    screen = term.wait_for(lambda s: "Báo cáo đại hội:" in s and ("Trạng thái:" in s or "chưa có báo cáo" in s),
                           timeout=SHOWN_WITHIN, what="the first unit's report")
    assert tail(first["unit"]["name"]) in line_with(screen, "Báo cáo đại hội:")
    term.send("Escape")
    term.wait_for(lambda s: RACH_GIA in line_with(s, "số liệu tính đến"), what="the district's dashboard again")
    term.send("q")
    assert term.wait_exit() == 0


def run_sessions(db, database_url, tmp_path, size, *args) -> None:
    term = start(database_url, tmp_path, size, *args)
    try:
        coordinator_session(term, db, database_url)
    finally:
        term.close()
    term = start(database_url, tmp_path, size, *args)
    try:
        district_session(term, database_url)
    finally:
        term.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_installed_tui_on_the_local_database(demo, db, database_url, tmp_path, size):
    run_sessions(db, database_url, tmp_path, size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_installed_tui_against_a_running_server(demo, db, serve, tmp_path, size):
    server = serve()
    run_sessions(db, server.database_url, tmp_path, size, "--server", server.url)
