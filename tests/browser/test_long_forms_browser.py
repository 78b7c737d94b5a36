"""In Chromium against `daihoi serve`: the other long forms lose nothing typed. A steering committee's decision
and a recommendation's follow-up save as they are typed (a reload shows them; typed offline and closed, they are
offered back and saved); a stale autosave shows the choice and overwrites nothing. The forms that are never
saved as typed (a member to add, an addressee's answer) keep what was typed in the browser until it is sent,
offer it back, and keep nothing after it is sent or after logout."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shared import answers, clock
from shared.models import Addressee, Recommendation, SteeringCommittee, SteeringMember
from tests.browser.conftest import go_offline, take_back, wait_save_failed
from tests.conftest import PASSWORD
from tests.party.conftest import party  # noqa: F401  (fixture)
from tests.test_recommendations_followup import recs  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.engines]

SAVED = "Đã lưu lúc"
DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('daihoi:draft:')).length"
# Everything typed so far acknowledged by the server (the status line says when).
SETTLED = """id => { const f = document.getElementById(id), s = f && f.daihoiAutosave;
  return !!s && !s.pending && !s.inflight && f.querySelector('[data-autosave-part=status]').dataset.state === 'saved'; }"""


def _settled(page, form_id: str) -> None:
    page.wait_for_function(SETTLED, arg=form_id)
    expect(page.locator(f"#{form_id} [data-autosave-part=status]")).to_contain_text(SAVED)


def _retype(page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill("")
    box.press_sequentially(value)


def _committee(db, unit) -> SteeringCommittee | None:
    db.expire_all()
    return db.scalar(select(SteeringCommittee).where(SteeringCommittee.unit_id == unit.id))


def _rec(db, rec) -> Recommendation:
    db.expire_all()
    return db.get(Recommendation, rec.id)


# ---- the steering committee ---------------------------------------------------------------------------------


def test_the_steering_decision_saves_as_it_is_typed_and_offline_typing_comes_back(  # noqa: F811
        party, browser_login, page, live_server, db, reopened):
    d1 = party.t.d1
    url = f"{live_server}/party/units/{d1.id}/steering"
    browser_login(party.pc1.username, PASSWORD)
    page.goto(url)
    page.locator("#decision_number").press_sequentially("15-QĐ/TU")
    page.locator("#decision_date").press_sequentially("20122022")  # the number pad, no separators
    page.locator("#full_name").focus()  # leaving the box saves it
    _settled(page, "decision-form")
    committee = _committee(db, d1)
    assert (committee.decision_number, committee.decision_date) == ("15-QĐ/TU", dt.date(2022, 12, 20))
    page.reload()
    assert page.input_value("#decision_number") == "15-QĐ/TU"
    assert page.input_value("#decision_date") == "20/12/2022"
    expect(page.locator("#restore-offer")).to_be_hidden()  # nothing left in the browser after a save

    context = page.context
    go_offline(context, page)
    _retype(page, "#decision_number", "16-QĐ/TU")
    page.locator("#decision_date").focus()
    expect(page.locator("#autosave-status")).to_contain_text("mất kết nối")
    wait_save_failed(page)
    later = reopened(context)
    page.close()  # closed before the connection returns

    again = later.new_page()
    again.goto(url)
    if again.locator("#restore-offer").is_visible():
        assert again.input_value("#decision_number") == "15-QĐ/TU"  # the server's copy until the user chooses
    take_back(again)
    expect(again.locator("#decision_number")).to_have_value("16-QĐ/TU")
    assert _committee(db, d1).decision_number == "16-QĐ/TU"
    assert again.evaluate(DRAFTS) == 0


def test_a_member_being_typed_is_kept_in_the_browser_until_it_is_added(  # noqa: F811
        party, browser_login, page, live_server, db, reopened):
    d1 = party.t.d1
    url = f"{live_server}/party/units/{d1.id}/steering"
    browser_login(party.pc1.username, PASSWORD)
    page.goto(url)
    page.locator("#full_name").press_sequentially("Lê Văn Hùng")
    page.select_option("#agency_kind", "mass_mobilization")
    page.select_option("#role", "head")
    page.locator("#title").focus()
    page.reload()  # never posted as it is typed: nothing on the server, the browser has it
    assert db.scalar(select(SteeringMember)) is None
    expect(page.locator("#member-restore-offer")).to_be_visible()
    assert page.input_value("#full_name") == ""
    page.click("#member-restore-draft")
    expect(page.locator("#full_name")).to_have_value("Lê Văn Hùng")
    assert page.input_value("#role") == "head" and page.input_value("#agency_kind") == "mass_mobilization"
    expect(page.locator("#member-restore-offer")).to_be_hidden()
    assert db.scalar(select(SteeringMember)) is None  # filled in again, not sent

    context = page.context
    go_offline(context, page)
    page.locator("#title").press_sequentially("Trưởng Ban Dân vận")
    page.click("#member-form button[type=submit]")
    expect(page.locator("#member-autosave-status")).to_contain_text("Chưa gửi được")
    expect(page.locator("#full_name")).to_have_value("Lê Văn Hùng")
    later = reopened(context)
    page.close()

    page = later.new_page()
    page.goto(url)
    page.click("#member-restore-draft")
    expect(page.locator("#title")).to_have_value("Trưởng Ban Dân vận")
    page.click("#member-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Đã thêm thành viên")
    members = db.scalars(select(SteeringMember)).all()
    assert [(m.full_name, m.title, m.role) for m in members] == [("Lê Văn Hùng", "Trưởng Ban Dân vận", "head")]
    assert page.input_value("#full_name") == "" and page.evaluate(DRAFTS) == 0
    expect(page.locator("#member-restore-offer")).to_be_hidden()


# ---- recommendations ------------------------------------------------------------------------------------


@pytest.fixture
def follow_up(recs, factory):  # noqa: F811
    t, by_code = recs
    return by_code["G11"], factory.user("coordinator", t.province, username="dieuphoi_b"), t


def test_the_follow_up_saves_as_it_is_typed_and_offline_typing_comes_back(follow_up, browser_login, page, live_server, db,
                                                                        reopened):
    rec, coordinator, _t = follow_up
    url = f"{live_server}/dashboard/recommendations/{rec.id}"
    browser_login(coordinator.username, PASSWORD)
    page.goto(url)
    page.select_option("#status", "in_progress")
    page.locator("#resolution_note").press_sequentially("Đang làm việc với Sở Xây dựng")
    _settled(page, "follow-up-form")  # a few seconds after the typing stopped, no button pressed
    assert (_rec(db, rec).status, _rec(db, rec).resolution_note) == ("in_progress", "Đang làm việc với Sở Xây dựng")
    page.reload()
    assert page.input_value("#resolution_note") == "Đang làm việc với Sở Xây dựng"
    assert page.input_value("#status") == "in_progress"

    context = page.context
    go_offline(context, page)
    _retype(page, "#resolution_note", "Đang làm việc với Sở Xây dựng, đã có quỹ đất")
    page.locator("#status").focus()
    expect(page.locator("#autosave-status")).to_contain_text("mất kết nối")
    wait_save_failed(page)
    later = reopened(context)
    page.close()
    page = later.new_page()
    page.goto(url)
    take_back(page)
    expect(page.locator("#resolution_note")).to_have_value("Đang làm việc với Sở Xây dựng, đã có quỹ đất")
    assert _rec(db, rec).resolution_note == "Đang làm việc với Sở Xây dựng, đã có quỹ đất"
    assert page.evaluate(DRAFTS) == 0
    assert len(answers.history(db, _rec(db, rec))) == 1  # typed over several saves: one step of the history


def test_a_stale_follow_up_autosave_shows_the_choice_and_overwrites_nothing(follow_up, browser, live_server, db, factory):
    rec, coordinator, t = follow_up
    colleague = factory.user("federation", t.province, username="liendoan_b")
    url = f"{live_server}/dashboard/recommendations/{rec.id}"

    def open_as(user):
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/login")
        page.fill("#username", user.username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        page.goto(url)
        return context, page

    mine, page = open_as(coordinator)
    theirs, other = open_as(colleague)
    other.select_option("#status", "in_progress")
    other.fill("#resolution_note", "Bản của LĐLĐ tỉnh")
    other.click("#follow-up-form button[type=submit]")
    expect(other.locator(".flash-success")).to_be_visible()

    page.locator("#resolution_note").press_sequentially("Bản của tôi")  # on the version opened before theirs
    page.locator("#status").focus()
    expect(page.locator("#autosave-conflict")).to_be_visible()
    expect(page.locator("#autosave-status")).to_contain_text("người khác cập nhật")
    assert _rec(db, rec).resolution_note == "Bản của LĐLĐ tỉnh"  # not overwritten
    page.click("#show-conflict")
    expect(page.locator("[data-field=resolution_note]")).to_have_text("Bản của LĐLĐ tỉnh")  # theirs, stored
    expect(page.locator("#resolution_note")).to_have_value("Bản của tôi")  # mine, as typed
    assert page.get_attribute("#follow-up-form", "data-autosave") is None  # only "Lưu" keeps mine now
    _retype(page, "#resolution_note", "Bản của tôi (đã xem)")
    page.locator("#status").focus()
    assert _rec(db, rec).resolution_note == "Bản của LĐLĐ tỉnh"
    page.click("#follow-up-form button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    assert _rec(db, rec).resolution_note == "Bản của tôi (đã xem)"
    assert page.evaluate(DRAFTS) == 0
    mine.close()
    theirs.close()


def test_an_answer_being_typed_is_kept_in_the_browser_until_recorded_and_not_after_logout(
        follow_up, browser_login, page, live_server, db):
    rec, coordinator, t = follow_up
    body = Addressee(name="Ủy ban nhân dân tỉnh Thử nghiệm", kind="province_committee", unit_id=t.province.id)
    db.add(body)
    db.commit()
    answers.route(db, coordinator, [rec.id], addressee_id=body.id, due_date=clock.today() + dt.timedelta(days=30))
    db.commit()
    url = f"{live_server}/recommendations/{rec.id}"
    browser_login(coordinator.username, PASSWORD)
    page.goto(url)
    day = clock.today().strftime("%d/%m/%Y")
    page.fill("#answered_on", day)
    page.locator("#answer_text").press_sequentially("Tỉnh đã bố trí quỹ đất nhà ở xã hội.")
    page.locator("#answer_number").focus()
    page.reload()
    assert _rec(db, rec).answered_on is None  # never recorded as it is typed
    expect(page.locator("#restore-offer")).to_be_visible()
    page.click("#restore-draft")
    expect(page.locator("#answer_text")).to_have_value("Tỉnh đã bố trí quỹ đất nhà ở xã hội.")
    page.click("#answer-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Đã ghi nhận trả lời")
    assert _rec(db, rec).answer_text == "Tỉnh đã bố trí quỹ đất nhà ở xã hội."
    assert page.evaluate(DRAFTS) == 0

    # typed, then logged out (a shared office computer): nothing stays in the browser
    page.locator("#answer_number").press_sequentially("123/UBND")
    page.locator("#answer_text").focus()
    assert page.evaluate(DRAFTS) == 1
    page.evaluate("document.querySelector('form[action$=\"/logout\"]').requestSubmit()")
    page.wait_for_selector("#username")  # the login page
    assert page.evaluate(DRAFTS) == 0
