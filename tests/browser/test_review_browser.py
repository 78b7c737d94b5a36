"""In a real browser, the whole review loop: coso submits, rachgia returns with a reason, coso reads it,
fixes and resubmits, rachgia approves, and dieuphoi sees the approval on the dashboard."""
import re

import pytest
from playwright.sync_api import expect

from shared.text import fold
from tests.conftest import PASSWORD
from tests.review.conftest import world  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.engines]

REASON = "Số có mặt chưa khớp biên bản, đề nghị kiểm tra lại"


def _accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def _logout(page, live_server):
    page.click("text=Đăng xuất")
    page.wait_for_url(re.compile(r".*/login.*"))


def _approved_grassroots(page) -> int:
    return int(page.locator('tr[data-level="grassroots"] td[data-field="approved"]').inner_text().replace(".", ""))


def test_the_whole_review_loop(demo, live_server, browser_login, page):
    _accept_dialogs(page)  # hx-confirm on submit, return and approve

    browser_login("dieuphoi")
    approved_before = _approved_grassroots(page)
    _logout(page, live_server)

    # coso fills in its report and submits it.
    browser_login("coso")
    page.click("#fill-report")
    expect(page.locator("h1")).to_have_text("Kế hoạch và kết quả đại hội")
    page.fill("#f-planned_date", "18/04/2023")
    page.select_option("#f-form", "toan_the")
    page.fill("#f-held_date", "20/04/2023")
    for name, value in [("members_total", "40"), ("summoned", "40"), ("present", "30"), ("executive_size", "5"),
                        ("executive_women", "2"), ("executive_young", "1"), ("executive_party", "3"),
                        ("executive_reelected", "3"), ("executive_new", "2"), ("standing_size", "0"),
                        ("inspection_size", "3"), ("delegates_official", "1")]:
        page.fill(f"#f-{name}", value)
    page.click("#add-officer")
    page.select_option('select[name="officers-0-role"]', "chair")
    page.fill('input[name="officers-0-full_name"]', "Nguyễn Thị Hoa")
    page.fill('input[name="officers-0-vote_pct"]', "92,5")
    page.click("#submit-report")
    expect(page.locator("#report-status [data-status]")).to_have_text("Đã gửi")
    unit_name = page.locator(".lead").inner_text().split(" · ")[0]
    _logout(page, live_server)

    # rachgia is told, finds it in the queue by a search without diacritics, and returns it.
    browser_login("rachgia")
    expect(page.locator("#unread-count")).to_have_text(re.compile(r"^[1-9]\d*$"))
    page.click("nav.mainnav >> text=Duyệt báo cáo")
    expect(page.locator("h1")).to_have_text("Duyệt báo cáo kết quả đại hội")
    page.fill("#q", fold(unit_name))  # typed without diacritics
    page.click(".filters button[type=submit]")
    page.click(f"#queue >> text={unit_name}")
    expect(page.locator("h1")).to_contain_text(unit_name)
    page.fill("#reason", REASON)
    page.click("button:has-text('Trả lại')")
    expect(page.locator(".flash-success")).to_contain_text("Đã trả lại")
    _logout(page, live_server)

    # coso sees the reason (notification and report page), fixes the figure and resubmits.
    browser_login("coso")
    expect(page.locator("#unread-count")).to_have_text("1")
    page.click("#notif-link")
    expect(page.locator(".notifications")).to_contain_text(REASON)
    page.click(".notifications button:has-text('Xem')")
    expect(page.locator(".flash-error:visible")).to_contain_text(REASON)
    page.fill("#f-present", "36")
    page.click("#submit-report")
    expect(page.locator("#report-status [data-status]")).to_have_text("Đã gửi")
    _logout(page, live_server)

    # rachgia opens it from the notification, sees exactly what changed, and approves.
    browser_login("rachgia")
    page.click("#notif-link")
    page.locator(".notifications li", has_text="gửi lại").first.locator("button:has-text('Xem')").click()
    expect(page.locator("h1")).to_contain_text(unit_name)
    page.click("text=Lịch sử và so sánh các phiên bản")
    expect(page.locator(".transitions")).to_contain_text(REASON)
    present = page.locator('#diff tr[data-field="present"]')
    expect(present.locator("del")).to_have_text("30")
    expect(present.locator("ins")).to_have_text("36")
    page.click(f".breadcrumbs >> text={unit_name}")
    page.click("button:has-text('Phê duyệt')")
    expect(page.locator(".flash-success")).to_contain_text("Đã phê duyệt")
    _logout(page, live_server)

    # dieuphoi sees one more approved grassroots report on the dashboard.
    browser_login("dieuphoi")
    assert _approved_grassroots(page) == approved_before + 1


@pytest.mark.parametrize("username", ["rachgia1", "dieuphoi1"])  # the reviewer, and a read-only coordinator
def test_a_unit_in_the_queue_opens_without_any_prompt(world, live_server, browser_login, page, username):
    world.reports.submitted(world.g11)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    browser_login(username, PASSWORD)
    page.goto(f"{live_server}/review")
    page.click(f"#queue >> text={world.g11.name}")
    expect(page.locator("h1")).to_contain_text(world.g11.name)
    assert dialogs == []


def test_only_the_bulk_approve_button_asks_to_confirm(world, live_server, browser_login, page):
    report = world.reports.submitted(world.g11)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    browser_login("rachgia1", PASSWORD)
    page.goto(f"{live_server}/review")
    page.check(f"#queue input[value^='{report.id}:']")
    page.click("#bulk-approve button[type=submit]")
    page.wait_for_function("() => document.readyState === 'complete'")
    assert dialogs == ["Phê duyệt các báo cáo đã chọn?"]  # dismissed: nothing was sent
    expect(page.locator(f"#queue tr[data-report='{report.id}'] .badge")).to_have_text("Đã gửi")
