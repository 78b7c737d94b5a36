"""In Chromium against `daihoi serve`: the report form on a phone saves as it is typed and loses nothing typed,
to a reload, a lost connection, a closed tab, a killed server, an upload or someone else's save."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shared.models import Attachment, CongressReport
from tests.browser.conftest import come_online, go_offline, take_back, wait_save_failed
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.engines]

PHONE = {"viewport": {"width": 375, "height": 667}, "has_touch": True, "is_mobile": True, "locale": "vi-VN"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAVED = "Đã lưu lúc"


@pytest.fixture
def unit(factory):
    t = factory.tree()
    factory.campaign()
    factory.user("reporter", t.g11, username="coso11")
    return t.g11


def _log_in(page, live_server: str, username: str = "coso11") -> None:
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")


def _phone(browser, live_server: str, username: str = "coso11"):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, live_server, username)
    return context, page


def _type(page, name: str, value: str) -> None:
    """What a thumb does: tap the box, type, leave it."""
    box = page.locator(f"#f-{name}")
    box.fill("")
    box.press_sequentially(value)


def _stored(db, unit) -> CongressReport | None:
    db.expire_all()
    return db.scalar(select(CongressReport).where(CongressReport.unit_id == unit.id))


def _status(page):
    return page.locator("#autosave-status")


SETTLED = """() => { const f = document.getElementById('report-form'), s = f && f.daihoiAutosave;
  return !!s && !s.pending && !s.inflight && document.getElementById('autosave-status').dataset.state === 'saved'; }"""


def _wait_saved(page, leave: bool = True) -> None:
    """Everything typed so far acknowledged by the server (the status line says when)."""
    if leave:
        page.locator("#f-notes").focus()  # leaving the last box saves at once
    page.wait_for_function(SETTLED)
    expect(_status(page)).to_contain_text(SAVED)


def test_typing_saves_the_draft_contradictions_included_and_a_reload_shows_it(unit, live_server, browser, db):
    context, page = _phone(browser, live_server)
    violations = []  # the script runs under the portal's Content-Security-Policy (no inline script or style)
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server}/units/{unit.id}/report")
    _type(page, "planned_date", "15052023")  # typed on the number pad, no separators
    _type(page, "held_date", "15.05.2023")
    _type(page, "executive_size", "5")
    _type(page, "executive_reelected", "3")
    _type(page, "executive_new", "3")  # 3 + 3 != 5: a contradiction, saved, blocks only sending
    _wait_saved(page, leave=False)  # a few seconds after the typing stopped, no button pressed
    expect(_status(page)).to_contain_text("lỗi phải sửa trước khi gửi")
    report = _stored(db, unit)
    assert report is not None and report.executive_new == 3 and report.status == "draft"

    page.reload()
    assert page.input_value("#f-planned_date") == "15/05/2023"
    assert page.input_value("#f-held_date") == "15/05/2023"
    assert page.input_value("#f-executive_new") == "3"
    expect(page.locator("#send-blockers")).to_contain_text("BCH")
    expect(page.locator("#restore-offer")).to_be_hidden()  # nothing left in the browser after a save

    _type(page, "summoned", "ba mươi")  # cannot be stored at all: said plainly, nothing saved
    page.locator("#f-notes").click()
    expect(_status(page)).to_contain_text("Chưa lưu")
    expect(page.locator("#err-summoned")).to_contain_text("số nguyên")
    assert _stored(db, unit).summoned is None
    assert violations == []
    context.close()


def test_typed_offline_then_closed_is_offered_back_and_saved(unit, live_server, browser, db, reopened):
    context, page = _phone(browser, live_server)
    page.goto(f"{live_server}/units/{unit.id}/report")
    _type(page, "members_total", "40")
    _wait_saved(page)
    go_offline(context, page)
    _type(page, "summoned", "38")
    page.locator("#f-notes").fill("Nhập khi mất sóng")
    page.locator("#f-members_total").click()  # leaving the field saves at once: no connection
    expect(_status(page)).to_contain_text("mất kết nối")
    wait_save_failed(page)
    old, context = context, reopened(context, **PHONE)
    page.close()  # the tab is closed before the connection returns
    old.close()  # still offline: its pages are gone for certain

    page = context.new_page()
    page.goto(f"{live_server}/units/{unit.id}/report")
    if page.locator("#restore-offer").is_visible():
        assert page.input_value("#f-summoned") == ""  # the server's copy until the user chooses
    take_back(page)
    expect(page.locator("#f-summoned")).to_have_value("38")
    expect(page.locator("#f-notes")).to_have_value("Nhập khi mất sóng")
    expect(page.locator("#restore-offer")).to_be_hidden()
    report = _stored(db, unit)
    assert (report.members_total, report.summoned, report.notes) == (40, 38, "Nhập khi mất sóng")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('daihoi:draft:')).length") == 0

    # the connection drops and comes back while the page stays open: saved without a word from the user
    go_offline(context, page)
    _type(page, "present", "30")
    page.locator("#f-notes").click()
    expect(_status(page)).to_contain_text("mất kết nối")
    wait_save_failed(page)
    come_online(context)  # the browser's "online" event
    _wait_saved(page, leave=False)
    assert _stored(db, unit).present == 30
    context.close()



def test_a_save_whose_answer_is_lost_keeps_the_typing_and_offers_nothing_twice(unit, live_server, browser, db, reopened):
    """A weak connection's other failure: the save reaches the server, its answer never comes back. The page
    says it is not saved and keeps a copy; reopened, the form shows what the server stored and offers
    nothing (the copy says the same), so the typing is neither lost nor entered twice."""
    context, page = _phone(browser, live_server)
    url = f"{live_server}/units/{unit.id}/report"
    page.goto(url)
    _type(page, "members_total", "40")
    _wait_saved(page)

    def answer_lost(route):
        route.fetch()  # the server receives it, saves and answers...
        route.abort("connectionreset")  # ...and the answer is lost on the way back

    context.route("**/report/autosave", answer_lost)
    _type(page, "summoned", "38")
    page.locator("#f-members_total").click()
    expect(_status(page)).to_contain_text("mất kết nối")
    assert _stored(db, unit).summoned == 38
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('daihoi:draft:')).length") == 1
    old, context = context, reopened(context, **PHONE)
    page.close()
    old.close()
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#f-summoned")).to_have_value("38")
    expect(page.locator("#restore-offer")).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('daihoi:draft:')).length") == 0


def test_a_server_killed_mid_typing_loses_nothing_acknowledged_and_the_rest_is_restorable(
        unit, serve, browser, db):
    server = serve(threads=4)
    port = server.url.rsplit(":", 1)[1]
    context, page = _phone(browser, server.url)
    page.goto(f"{server.url}/units/{unit.id}/report")
    _type(page, "members_total", "41")
    _type(page, "summoned", "39")
    _wait_saved(page)  # acknowledged

    server.kill()
    _type(page, "present", "35")
    _type(page, "executive_size", "7")
    page.locator("#f-notes").click()
    expect(_status(page)).to_contain_text("Chưa lưu")
    page.close()
    report = _stored(db, unit)
    assert (report.members_total, report.summoned, report.present) == (41, 39, None)

    again = serve(threads=4, args=("--port", port))  # the same address: the browser's copy is per site
    assert again.url == server.url
    page = context.new_page()
    page.goto(f"{again.url}/units/{unit.id}/report")
    assert page.input_value("#f-members_total") == "41"
    expect(page.locator("#restore-offer")).to_be_visible()
    page.click("#restore-draft")
    expect(page.locator("#f-present")).to_have_value("35")
    report = _stored(db, unit)
    assert (report.members_total, report.summoned, report.present, report.executive_size) == (41, 39, 35, 7)
    context.close()


def test_an_upload_keeps_everything_typed_accepted_or_refused(unit, live_server, browser, db, tmp_path):
    good = tmp_path / "bien-ban.pdf"
    good.write_bytes(PDF)
    bad = tmp_path / "chuong-trinh.exe"
    bad.write_bytes(b"MZ\x90\x00 a program")
    context, page = _phone(browser, live_server)
    page.goto(f"{live_server}/units/{unit.id}/report")
    # the documents sit with the fields, above the buttons that save and send
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top + scrollY", "attachments")
    assert top < page.evaluate("() => document.getElementById('save-draft').getBoundingClientRect().top + scrollY")

    page.locator("#f-notes").fill("Ghi chú gõ ngay trước khi tải tệp")  # no time for an autosave
    page.set_input_files("#f-file", str(good))
    page.click("#upload-attachment")
    expect(page.locator("#attachments")).to_contain_text("bien-ban.pdf")
    expect(page.locator("#f-notes")).to_have_value("Ghi chú gõ ngay trước khi tải tệp")
    assert _stored(db, unit).notes == "Ghi chú gõ ngay trước khi tải tệp"

    page.locator("#f-delegates_official").fill("2")
    page.set_input_files("#f-file", str(bad))
    page.click("#upload-attachment")
    expect(page.locator("#upload-error")).not_to_be_empty()
    expect(page.locator("#f-delegates_official")).to_have_value("2")
    assert db.scalar(select(Attachment.filename).where(Attachment.filename == "chuong-trinh.exe")) is None
    page.reload()  # a GET: nothing to resubmit, and what was typed is still there
    expect(page.locator("#f-delegates_official")).to_have_value("2")
    expect(page.locator("#f-notes")).to_have_value("Ghi chú gõ ngay trước khi tải tệp")
    context.close()


def test_a_stale_autosave_shows_the_choice_and_never_overwrites_the_other_save(unit, live_server, browser, db):
    mine, page = _phone(browser, live_server)
    page.goto(f"{live_server}/units/{unit.id}/report")
    _type(page, "members_total", "40")
    _wait_saved(page)

    theirs, other = _phone(browser, live_server)  # the same union's report open on another device
    other.goto(f"{live_server}/units/{unit.id}/report")
    other.fill("#f-members_total", "55")
    other.click("#save-draft")
    expect(other.locator(".flash-success, .flash-warning").first).to_be_visible()
    assert _stored(db, unit).members_total == 55

    _type(page, "members_total", "42")  # the reporter's page still holds the older version
    page.locator("#f-notes").click()
    expect(page.locator("#autosave-conflict")).to_be_visible()
    expect(_status(page)).to_contain_text("người khác")
    assert _stored(db, unit).members_total == 55  # not overwritten
    page.click("#show-conflict")
    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("tr[data-differs=members_total]")).to_contain_text("42")
    assert _stored(db, unit).members_total == 55
    mine.close()
    theirs.close()


def test_the_form_on_a_phone_for_the_readme(unit, live_server, browser, tmp_path):
    """The README's pictures of the form at 375 px (DAIHOI_SCREENSHOTS=docs/screenshots writes them there)."""
    context, page = _phone(browser, live_server)
    page.goto(f"{live_server}/units/{unit.id}/report")
    page.click("#add-officer")
    page.select_option("select[name=officers-0-role]", "chair")
    page.fill("input[name=officers-0-full_name]", "Nguyễn Thị Hoa")
    page.select_option("select[name=officers-0-gender]", "female")
    page.fill("input[name=officers-0-vote_pct]", "92,5")
    _wait_saved(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    folder = Path(os.environ.get("DAIHOI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, document.getElementById('officers').offsetTop - 8)")
    page.screenshot(path=str(folder / "phone-report-officers.png"))
    go_offline(context, page)
    page.fill("#f-notes", "Nhập khi mất sóng")
    page.locator("#f-members_total").click()
    expect(_status(page)).to_contain_text("mất kết nối")
    page.evaluate("window.scrollTo(0, document.getElementById('attachments').offsetTop - 8)")
    page.screenshot(path=str(folder / "phone-report-offline.png"))
    context.close()


def test_without_javascript_the_form_saves_uploads_and_adds_rows(unit, live_server, browser, db, tmp_path):
    good = tmp_path / "bien-ban.pdf"
    good.write_bytes(PDF)
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    _log_in(page, live_server)
    page.goto(f"{live_server}/units/{unit.id}/report")
    page.fill("#f-held_date", "15052023")
    page.click("#add-officer")  # a plain post: the page comes back with a row more, nothing lost
    page.select_option("select[name=officers-0-role]", "chair")
    page.fill("input[name=officers-0-full_name]", "Lê Văn An")
    assert page.input_value("#f-held_date") == "15052023"
    page.set_input_files("#f-file", str(good))
    page.click("#upload-attachment")
    expect(page.locator("#attachments")).to_contain_text("bien-ban.pdf")
    assert page.input_value("#f-held_date") == "15/05/2023"
    report = _stored(db, unit)  # what was typed was saved before the file was taken
    assert [o.full_name for o in report.officers] == ["Lê Văn An"] and report.held_date.day == 15
    page.fill("#f-notes", "Không có JavaScript")
    page.click("#save-draft")
    expect(page.locator(".flash-success, .flash-warning").first).to_be_visible()
    assert _stored(db, unit).notes == "Không có JavaScript"
    context.close()
