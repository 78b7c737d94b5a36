"""The pages in English for a user who chose English (users.locale = "en"): home, unit, congress report,
review queue, dashboard. Dates stay dd/mm/yyyy; what the user typed survives a rejected save."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import csrf_token
from tests.test_i18n import VIETNAMESE
from tests.test_reports import VALID, post, stored, url


@pytest.fixture
def world(factory, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11, username="en_reporter", locale="en")
    t.reviewer = factory.user("district", t.d1, username="en_reviewer", locale="en")
    t.coordinator = factory.user("coordinator", t.province, username="en_coordinator", locale="en")
    return t


def _page(client, path: str, **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _span(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}">', 1)[1].split("</span>", 1)[0]


def test_home_page_in_english_with_vietnamese_dates(client, login_as, world):
    login_as(world.reviewer)
    html = _page(client, "/")
    assert '<html lang="en">' in html
    assert "Trade union congress progress" in html and "Figures as of 01/06/2023" in html
    assert "Pilot congress" in html and "Deadline" in html and "View" in html
    assert "Tiến độ đại hội công đoàn" not in html and "Số liệu tính đến ngày" not in html
    # The htmx partial (the filter form swaps #progress only) is English too.
    part = _page(client, "/?as_of=15/05/2023", **{"HX-Request": "true", "HX-Target": "progress"})
    assert "Figures as of 15/05/2023" in part and "<html" not in part


def test_reporter_home_card_and_unit_page_in_english(client, login_as, world):
    login_as(world.reporter)
    html = _page(client, "/")
    assert f"Congress of {world.g11.name}" in html and "Plan the congress" in html
    unit = _page(client, f"/units/{world.g11.id}")
    assert "Unit code" in unit and "Number of union members" in unit and "No plan yet" in unit
    assert "Enter the congress plan and report" in unit and "Mã đơn vị" not in unit


def test_unit_page_lists_subordinate_units_in_english(client, login_as, world):
    login_as(world.reviewer)
    unit = _page(client, f"/units/{world.d1.id}")
    assert "Subordinate units (2)" in unit and "Unit name" in unit and "No plan yet" in unit
    assert "Figures as of 01/06/2023" in unit and "Đơn vị trực thuộc" not in unit


def test_report_form_in_english(client, login_as, world):
    login_as(world.reporter)
    html = _page(client, url(world.g11))
    assert "Congress plan and results" in html and "deadline 31/05/2023" in html
    assert "Save draft" in html and "Submit the report" in html and "— choose —" in html
    assert "Those elected must receive more than 50 % of the valid votes." in html
    assert "Suggested: " in html and "union members, threshold" in html
    assert "Lưu nháp" not in html and "Kế hoạch đại hội" not in html


def test_rejected_save_keeps_what_was_typed_on_an_english_page(client, db, login_as, world):
    login_as(world.reporter)
    typed = dict(VALID, present="41 người", notes="Typed before the error")  # letters in a number: not stored
    response = post(client, world.g11, typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert stored(db, world.g11) is None
    assert 'name="present" value="41 người"' in html and "Typed before the error" in html
    assert "Not saved:" in html and "Chưa lưu" not in html
    assert 'id="f-present" name="present"' in html and 'aria-invalid="true"' in html
    assert _span(html, "err-present").strip()  # the message sits next to the field
    assert "Congress plan and results" in html and "Save draft" in html and "Status:" in html
    # A row added without JavaScript keeps the rows typed so far, on an English page.
    response = post(client, world.g11, typed, action="add_officer")
    html = response.get_data(as_text=True)
    assert "Nguyễn Thị Hoa" in html and html.count("Remove row") == 3  # two officer rows, one recommendation row


def test_rejected_save_shows_the_field_errors_in_english(client, login_as, world):
    login_as(world.reporter)
    html = post(client, world.g11, dict(VALID, present="bốn mươi")).get_data(as_text=True)
    message = _span(html, "err-present")
    assert message.strip() and not VIETNAMESE.search(message)
    # a contradiction is saved; the page lists, in English, what must be fixed before sending
    assert post(client, world.g11, dict(VALID, present="41")).status_code == 303
    html = _page(client, url(world.g11))
    assert "To fix before the report can be sent:" in html and "must be fixed before the report can be sent" in html
    assert not VIETNAMESE.search(_span(html, "err-present"))


def test_rejected_upload_and_saved_report_messages_in_english(client, db, login_as, world):
    login_as(world.reporter)
    token = csrf_token(client, url(world.g11))
    response = client.post(url(world.g11, "/attachments"), data={"csrf_token": token, "kind": "minutes"})
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)
    response = post(client, world.g11, VALID)
    assert response.status_code == 303
    html = _page(client, url(world.g11))
    assert "The report was saved (draft)." in html
    assert "Change history" in html and "Save report" in html  # the audit trail, translated when shown
    assert re.search(r"\d\d/\d\d/2023 \d\d:\d\d", html)  # its time in dd/mm/yyyy


def _submit(client, db, world):
    assert post(client, world.g11, VALID, action="submit").status_code == 303
    assert stored(db, world.g11).status == "submitted"


def test_review_queue_and_report_in_english(client, db, login_as, world):
    login_as(world.reporter)
    _submit(client, db, world)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(world.reviewer)
    html = _page(client, "/review")
    assert "Review congress results reports" in html and "Approve the selected reports" in html
    assert "Reports: 1, oldest first." in html and "20/04/2023" in html  # the congress date, dd/mm/yyyy
    assert "Duyệt báo cáo kết quả đại hội" not in html
    part = _page(client, "/review?q=Vinh", **{"HX-Request": "true", "HX-Target": "queue"})
    assert "Reports: 1, oldest first." in part and "<html" not in part
    report = stored(db, world.g11)
    page = _page(client, f"/review/{report.id}")
    assert f"Congress results report: {world.g11.name}" in page and "Reason for return (the unit will read it)" in page
    # A refused return shows the form's error in English.
    response = client.post(f"/review/{report.id}/return", data={
        "csrf_token": csrf_token(client, f"/review/{report.id}"), "version": report.version, "reason": " "})
    assert response.status_code == 422 and "The reason must be given." in response.get_data(as_text=True)


def test_dashboard_in_english(client, login_as, world):
    login_as(world.coordinator)
    html = _page(client, "/dashboard?as_of=01/06/2023")
    assert "Trade union congress dashboard" in html and "Export to Excel" in html
    assert 'figures as of <strong data-field="as_of">01/06/2023</strong>' in html
    assert "Cumulative share of congresses held, by level" in html and "Deadline 31/05/2023" in html
    assert "Bảng theo dõi đại hội công đoàn" not in html and "Xuất Excel" not in html
    part = _page(client, "/dashboard?section=personnel&as_of=01/06/2023", **{"HX-Request": "true", "HX-Target": "dashboard"})
    assert "Composition of the elected executive committees" in part and "<html" not in part
    recs = _page(client, "/dashboard/recommendations")
    assert "Recommendations and proposals of union members and workers" in recs


def test_vietnamese_stays_the_default(client, login_as, factory, world):
    login_as(factory.user("district", world.d2, username="vi_reviewer"))
    html = _page(client, "/")
    assert '<html lang="vi">' in html and "Tiến độ đại hội công đoàn" in html and "Figures as of" not in html
