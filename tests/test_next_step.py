"""The one next step a reporter is offered for its congress report, and the home card that shows it."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from shared import workflow
from shared.next_step import next_step
from tests.test_reports import VALID, post, stored


def _report(status, planned=None, held=None):
    return SimpleNamespace(status=status, planned_date=planned, held_date=held)


@pytest.mark.parametrize("report, key, label, is_action", [
    (None, "plan", "Lập kế hoạch đại hội", True),
    (_report("draft"), "plan", "Lập kế hoạch đại hội", True),  # a draft saved without any date is no plan yet
    (_report("draft", planned=dt.date(2023, 4, 20)), "fill", "Tiếp tục điền báo cáo", True),
    (_report("returned", planned=dt.date(2023, 4, 20)), "fix", "Sửa theo yêu cầu", True),
    (_report("submitted", held=dt.date(2023, 4, 20)), "waiting", "Chờ duyệt · Xem báo cáo", False),
    (_report("approved", held=dt.date(2023, 4, 20)), "approved", "Đã duyệt · Xem báo cáo", False),
])
def test_the_next_step_follows_the_reports_state(report, key, label, is_action):
    step = next_step(report)
    assert (step.key, step.label, step.is_action) == (key, label, is_action)


def test_a_closed_campaign_leaves_only_looking():
    assert next_step(None, editable=False).key == "view"
    assert next_step(_report("returned"), editable=False).label == "Xem báo cáo"
    assert next_step(_report("approved"), editable=False).key == "approved"


@pytest.fixture
def setup(factory, today):
    today(dt.date(2023, 5, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11, username="coso11")
    t.reviewer = factory.user("district", t.d1, username="rachgia1")
    return t


def _card(client) -> str:
    html = client.get("/").get_data(as_text=True)
    start = html.index('id="my-report"')
    return html[start:html.index("</section>", start)]


def test_a_reporters_home_is_one_card_with_the_deadline_and_one_next_step(client, db, login_as, setup):
    login_as(setup.reporter)
    card = _card(client)
    assert "Đơn vị chưa có kế hoạch đại hội." in card and "31/05/2023" in card and "còn 30 ngày" in card
    assert 'data-step="plan"' in card and "Lập kế hoạch đại hội" in card and "button next-step primary" in card
    home = client.get("/").get_data(as_text=True)
    assert 'class="grid progress"' not in home  # no table of one unit's one row

    post(client, setup.g11, VALID, action="submit")
    report = stored(db, setup.g11)
    workflow.return_report(db, report, setup.reviewer, "Thiếu biên bản kiểm phiếu")
    db.commit()
    card = _card(client)
    assert 'data-status="returned"' in card and "Thiếu biên bản kiểm phiếu" in card
    assert 'data-step="fix"' in card and "Sửa theo yêu cầu" in card
    assert "20/04/2023" in card and "còn 30 ngày" not in card  # held: the day it was held, no countdown


def test_a_reviewers_home_keeps_the_progress_table(client, login_as, setup):
    login_as(setup.reviewer)
    html = client.get("/").get_data(as_text=True)
    assert 'class="grid progress"' in html and 'id="my-report"' not in html
