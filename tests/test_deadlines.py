"""The deadline line (shared/deadlines.py): one rule for what "Hạn chót … (…)" reads and whether it is
late, for a level and for a unit, on hand-built data; and the portal's pages printing it."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from shared import i18n
from shared.deadlines import DONE, DONE_LATE, DUE_TODAY, NONE, OVERDUE, UPCOMING, deadline_status, status_of_counts
from shared.reports import get_or_create_report

DEADLINE = dt.date(2023, 5, 31)
LONG_AFTER = dt.date(2026, 12, 2)  # 1.281 days after the grassroots deadline


@pytest.mark.parametrize(("as_of", "expected", "held", "late", "state", "text", "is_late"), [
    # Before the deadline: the countdown, whatever is held so far.
    (dt.date(2023, 4, 15), 3, 1, 0, UPCOMING, "còn 46 ngày", False),
    (dt.date(2023, 5, 30), 3, 0, 0, UPCOMING, "còn 1 ngày", False),
    (DEADLINE, 3, 2, 0, DUE_TODAY, "hạn chót hôm nay", False),
    # Everything held: done, however long ago the deadline passed.
    (LONG_AFTER, 1, 1, 0, DONE, "đã xong, đúng hạn", False),
    (LONG_AFTER, 1_448, 1_448, 0, DONE, "đã xong, đúng hạn", False),
    (dt.date(2023, 4, 15), 2, 2, 0, DONE, "đã xong, đúng hạn", False),
    (LONG_AFTER, 1, 1, 1, DONE_LATE, "đã xong, trễ hạn", False),
    (LONG_AFTER, 19, 19, 1, DONE_LATE, "đã xong, 1 đơn vị trễ hạn", False),
    # Past the deadline with congresses not held: late, with how many, numbers with separators.
    (LONG_AFTER, 1_448, 1_425, 3, OVERDUE, "quá hạn 1.281 ngày: còn 23 đơn vị chưa tổ chức", True),
    (LONG_AFTER, 5_000, 0, 0, OVERDUE, "quá hạn 1.281 ngày: còn 5.000 đơn vị chưa tổ chức", True),
    (dt.date(2023, 6, 1), 1, 0, 0, OVERDUE, "quá hạn 1 ngày: chưa tổ chức đại hội", True),
    # Nothing to hold in the scope.
    (LONG_AFTER, 0, 0, 0, NONE, "không có đại hội phải tổ chức", False),
])
def test_the_deadline_line_for_each_case(as_of, expected, held, late, state, text, is_late):
    status = deadline_status(DEADLINE, as_of, expected, held, late)
    assert (status.state, status.text, status.late) == (state, text, is_late)
    assert status.days_left == (DEADLINE - as_of).days and status.deadline == DEADLINE


def test_the_count_dicts_of_the_api_follow_the_same_rule():
    counts = {"deadline": "2023-05-31", "as_of": "2026-12-02", "expected": 155, "held": 150, "late": 4}
    assert status_of_counts(counts) == deadline_status(DEADLINE, LONG_AFTER, 155, 150, 4)


def test_the_deadline_line_in_english():
    with i18n.language("en"):
        assert deadline_status(DEADLINE, LONG_AFTER, 1, 1).text == "done, on time"
        assert deadline_status(DEADLINE, LONG_AFTER, 19, 19, 2).text == "done, 2 units late"
        assert deadline_status(DEADLINE, LONG_AFTER, 1_448, 1_425).text == (
            "1.281 days overdue, 23 units have not held their congress")
        assert deadline_status(DEADLINE, dt.date(2023, 6, 1), 1, 0).text == "1 day overdue, congress not held yet"


# ---- the portal's pages --------------------------------------------------------------------------


def deadline_cell(html: str, level: str) -> tuple[str, str, str]:
    """(state, css class, text) of the deadline cell of a level's row in the progress table."""
    row = re.search(rf'<tr data-level="{level}">(.*?)</tr>', html, re.S)
    assert row, f"no {level} row"
    cell = re.search(r'data-field="deadline" data-state="(\w+)">[^<]*<small class="(\w+)">\((.*?)\)</small>',
                     row.group(1))
    assert cell, row.group(1)
    return cell.group(1), cell.group(2), cell.group(3)


@pytest.fixture
def held_province(factory, db, today):
    """G11 held on time, G12 held after the deadline, G21 not held; no district or provincial congress;
    seen on 02/12/2026, long after every deadline."""
    t = factory.tree()
    t.campaign = factory.campaign()
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    for unit, held in ((t.g11, dt.date(2023, 3, 20)), (t.g12, dt.date(2023, 6, 10))):
        report = get_or_create_report(db, t.campaign, unit, t.coordinator)
        report.held_date = held
    db.commit()
    today(LONG_AFTER)
    return t


def test_a_unit_that_held_its_congress_on_time_is_not_shown_late(client, login_as, held_province):
    login_as(held_province.coordinator)
    html = client.get(f"/units/{held_province.g11.id}").get_data(as_text=True)
    assert deadline_cell(html, "grassroots") == (DONE, "muted", "đã xong, đúng hạn")
    assert "quá hạn 1281" not in html


def test_a_district_whose_units_all_held_shows_how_many_were_late(client, login_as, held_province):
    login_as(held_province.coordinator)
    html = client.get(f"/units/{held_province.d1.id}").get_data(as_text=True)
    assert deadline_cell(html, "grassroots") == (DONE_LATE, "muted", "đã xong, 1 đơn vị trễ hạn")
    assert deadline_cell(html, "district") == (OVERDUE, "bad", "quá hạn 1.220 ngày: chưa tổ chức đại hội")


def test_the_home_page_shows_the_overdue_levels_late_with_separators(client, login_as, held_province):
    login_as(held_province.coordinator)
    html = client.get("/").get_data(as_text=True)
    assert deadline_cell(html, "grassroots") == (OVERDUE, "bad", "quá hạn 1.281 ngày: còn 1 đơn vị chưa tổ chức")
    assert deadline_cell(html, "district") == (OVERDUE, "bad", "quá hạn 1.220 ngày: còn 2 đơn vị chưa tổ chức")
    assert deadline_cell(html, "province") == (OVERDUE, "bad", "quá hạn 1.128 ngày: chưa tổ chức đại hội")


def test_the_home_page_before_the_deadline_counts_down(client, login_as, held_province, today):
    today(dt.date(2023, 4, 15))
    login_as(held_province.coordinator)
    html = client.get("/").get_data(as_text=True)
    assert deadline_cell(html, "grassroots") == (UPCOMING, "muted", "còn 46 ngày")


def test_the_dashboard_cards_print_the_same_line(client, login_as, held_province):
    login_as(held_province.coordinator)
    html = client.get("/dashboard").get_data(as_text=True)
    card = re.search(r'<article class="card" data-level="grassroots">(.*?)</article>', html, re.S).group(1)
    assert re.search(r'data-state="overdue">Hạn chót <strong>31/05/2023</strong> <span class="bad">\(quá hạn 1\.281 ngày: '
                     r'còn 1 đơn vị chưa tổ chức\)</span>', card), card


def test_the_docx_summary_reads_the_same_line(client, login_as, held_province, factory):
    """A district whose unions all held reads "đã xong" in its DOCX summary too, not "quá hạn"."""
    import io

    from docx import Document

    login_as(factory.user("district", held_province.d1))
    resp = client.get("/dashboard/export.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(resp.data)).paragraphs)
    cells = " ".join(c.text for t in Document(io.BytesIO(resp.data)).tables for row in t.rows for c in row.cells)
    assert "Hạn chót 31/05/2023 (đã xong, 1 đơn vị trễ hạn)" in text
    assert "(đã xong, 1 đơn vị trễ hạn)" in cells and "quá hạn 1.281" not in text + cells
