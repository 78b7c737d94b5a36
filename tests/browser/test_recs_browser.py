"""A People's Committee office answers a recommendation on a phone (375 px), in Chromium against `daihoi serve`
on the demo province: its list, one recommendation, the answer form, the answer and its history."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_addressee_answers_a_recommendation_on_a_phone(demo, live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 667}, has_touch=True, is_mobile=True, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login")
    page.fill("#username", "ubnd_rachgia")
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/recommendations")
    expect(page.locator("h1")).to_contain_text("Ủy ban nhân dân thành phố Rạch Giá")

    page.goto(f"{live_server}/recommendations?state=waiting")
    rows = page.locator("#recommendation-list tbody tr[data-rec]")
    expect(rows.first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    rows.first.locator("a").first.click()
    page.wait_for_url(lambda url: "/recommendations/" in url)
    expect(page.locator("#answer-title")).to_be_visible()
    assert page.locator("#route-title").count() == 0  # an addressee answers, it does not route

    page.select_option("#status", "resolved")
    page.fill("#answered_on", "")
    page.locator("#answered_on").press_sequentially(page.evaluate(
        "(() => { const d = new Date(); return String(d.getDate()).padStart(2, '0') + String(d.getMonth() + 1).padStart(2, '0') + d.getFullYear(); })()"))
    page.fill("#answer_number", "321/UBND-VP")
    page.fill("#answer_text", "UBND thành phố đã bố trí quỹ đất xây nhà ở xã hội cho công nhân tại phường Rạch Sỏi.")
    page.click("form[aria-labelledby=answer-title] button[type=submit]")
    expect(page.locator("[data-field=answer_number]")).to_have_text("321/UBND-VP")
    expect(page.locator("[data-field=status]")).to_have_text("Đã giải quyết")
    expect(page.locator("#rec-history li[data-action=answer]")).to_contain_text("321/UBND-VP")
    expect(page.locator("#rec-history li[data-action=route]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Its menu holds its recommendations only.
    page.click("label.menu-button")
    links = page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.getAttribute('href'))")
    assert links == ["/recommendations"]
    context.close()
