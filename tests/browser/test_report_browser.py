"""In a real browser: a grassroots union fills its plan and results with htmx, then submits."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.engines]


def test_coso_fills_plan_officers_and_a_recommendation_then_submits(demo, live_server, browser_login, page):
    browser_login("coso")
    expect(page.locator("#my-report")).to_contain_text("chưa có kế hoạch đại hội")
    page.click("#fill-report")
    expect(page.locator("h1")).to_have_text("Kế hoạch và kết quả đại hội")
    page.evaluate("window.__marker = 'same-page'")  # survives only if htmx swaps rows, not reloads

    # the plan
    page.fill("#f-planned_date", "18/04/2023")
    page.select_option("#f-form", "toan_the")
    page.fill("#f-planned_summoned", "40")

    # results
    page.fill("#f-held_date", "20/04/2023")
    for name, value in [("members_total", "40"), ("summoned", "40"), ("present", "36"), ("executive_size", "5"),
                        ("executive_women", "2"), ("executive_young", "1"), ("executive_party", "3"),
                        ("executive_reelected", "3"), ("executive_new", "2"), ("standing_size", "0"),
                        ("inspection_size", "3"), ("delegates_official", "1")]:
        page.fill(f"#f-{name}", value)

    # an inline error appears next to the field, and disappears once corrected
    page.fill("#f-present", "45")
    page.locator("#f-present").dispatch_event("change")
    expect(page.locator("#err-present")).to_contain_text("Không được lớn hơn")
    page.fill("#f-present", "36")
    page.locator("#f-present").dispatch_event("change")
    expect(page.locator("#err-present")).to_be_empty()

    # two officers and a recommendation, added without a page reload
    page.click("#add-officer")
    expect(page.locator('select[name="officers-0-role"]')).to_be_visible()
    page.select_option('select[name="officers-0-role"]', "chair")
    page.fill('input[name="officers-0-full_name"]', "Nguyễn Thị Hoa")
    page.select_option('select[name="officers-0-gender"]', "female")
    page.fill('input[name="officers-0-vote_pct"]', "92,5")
    page.click("#add-officer")
    expect(page.locator('select[name="officers-1-role"]')).to_be_visible()
    assert page.input_value('input[name="officers-0-full_name"]') == "Nguyễn Thị Hoa"  # kept across the swap
    page.select_option('select[name="officers-1-role"]', "vice_chair")
    page.fill('input[name="officers-1-full_name"]', "Trần Văn Bình")
    page.fill('input[name="officers-1-vote_pct"]', "48")
    page.locator('input[name="officers-1-vote_pct"]').dispatch_event("change")
    expect(page.locator("#err-officers-1-vote_pct")).to_contain_text("trên 50")
    page.fill('input[name="officers-1-vote_pct"]', "81")
    page.locator('input[name="officers-1-vote_pct"]').dispatch_event("change")
    expect(page.locator("#err-officers-1-vote_pct")).to_be_empty()
    page.click("#add-recommendation")
    page.select_option('select[name="recommendations-0-topic"]', "housing")
    page.fill('textarea[name="recommendations-0-text"]', "Đề nghị hỗ trợ nhà ở cho đoàn viên")
    page.fill('input[name="recommendations-0-addressed_to"]', "UBND tỉnh")
    assert page.evaluate("window.__marker") == "same-page"

    # a quorum warning banner follows the numbers
    page.fill("#f-present", "20")
    page.locator("#f-present").dispatch_event("change")
    expect(page.locator("#report-warnings")).to_contain_text("hai phần ba")
    page.fill("#f-present", "36")
    page.locator("#f-present").dispatch_event("change")
    expect(page.locator("#report-warnings")).not_to_contain_text("hai phần ba")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#submit-report")
    expect(page.locator("#report-status [data-status]")).to_have_text("Đã gửi")
    expect(page.locator(".flash-success")).to_contain_text("Đã gửi báo cáo")
    expect(page.locator("body")).to_contain_text("Trần Văn Bình")
    expect(page.locator("#report-form")).to_have_count(0)
    assert asked and "Gửi báo cáo" in asked[0]
