"""A reporter adds an elected member on a phone (375 x 667, touch), in Chromium against `daihoi serve`: the card
appears, the figures are computed from the list, and the people pages pass the phone measurement."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.models import ElectedMember
from tests.browser.test_phone_browser import MEASURE, MIN_TARGET_PX, MIN_TEXT_PX
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_reporter_adds_a_member_on_a_phone(factory, db, live_server, browser):
    t = factory.tree()
    factory.campaign()
    factory.user("reporter", t.g11, username="cs_vinhlac")
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 667}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/login")
        page.fill("#username", "cs_vinhlac")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        page.goto(f"{live_server}/units/{t.g11.id}/people")
        assert page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX, ["sentence"]]) == []

        # A first try without the year of birth: refused in Vietnamese, what was typed stays.
        page.fill("#full_name", "Thạch Thị Sa Rươne")
        page.check("input[name=gender][value=female]")
        page.check("input[name=positions][value=chair]")
        page.select_option("select[name=chair_elected]", "congress")
        page.fill("#votes", "35")
        page.click("#person-form button[type=submit]")
        page.wait_for_selector("#err-birth_year")
        assert "Hãy nhập năm sinh" in page.inner_text("#err-birth_year")
        assert page.input_value("#full_name") == "Thạch Thị Sa Rươne"

        page.fill("#birth_year", "1992")
        page.check("input[name=ethnic_minority]")
        page.click("#person-form button[type=submit]")
        page.wait_for_selector(".person-card")
        card = page.inner_text(".person-card")
        assert "Thạch Thị Sa Rươne" in card and "Chủ tịch" in card and "Dân tộc thiểu số" in card
        assert "Tính từ danh sách" in page.inner_text(".people-stats")
        assert page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX, ["sentence"]]) == []
        # The card stacks within the screen.
        box = page.locator(".person-card").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        person = db.scalar(select(ElectedMember))
        assert (person.full_name, person.birth_year, person.ethnic_minority) == ("Thạch Thị Sa Rươne", 1992, True)

        for path in (f"/units/{t.g11.id}/people/delegates", f"/units/{t.g11.id}/people?body=executive",
                     f"/units/{t.g11.id}/people/members/{person.id}/edit"):
            page.goto(live_server + path)
            assert page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX, ["sentence"]]) == [], path
    finally:
        context.close()


def test_the_reviewer_pages_fit_a_phone(factory, db, live_server, browser):
    import datetime as dt

    from shared import workflow
    from shared.reports import get_or_create_report
    from tests.report_data import complete_results

    t = factory.tree()
    campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11, username="cs_vl")
    factory.user("district", t.d1, username="ld_rg")
    report = get_or_create_report(db, campaign, t.g11, reporter)
    complete_results(report, dt.date(2023, 5, 10))
    report.ballots_issued = report.ballots_valid = 36
    report.present = 20  # below two thirds of 40: the quorum form shows
    report.quorum_reason = "Mưa bão."
    report.members = [ElectedMember(position=0, full_name="Nguyễn Văn An", gender="male", birth_year=1975,
                                    positions="chair,standing", chair_elected="congress", votes=30)]
    report.ballots_issued = report.ballots_valid = 20
    report.members[0].votes = 15
    db.flush()
    workflow.submit(db, report, reporter, report.version)
    db.commit()
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 667}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/login")
        page.fill("#username", "ld_rg")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        for path in (f"/review/{report.id}/decision", "/people/delegates", f"/review/{report.id}"):
            page.goto(live_server + path)
            assert page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX, ["sentence"]]) == [], path
    finally:
        context.close()
