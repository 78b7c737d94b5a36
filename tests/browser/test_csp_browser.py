"""In a real browser, under the Content-Security-Policy: boosted navigation, the as-of form and Back
work with no policy violation, and an injected inline script is blocked."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _csp_messages(page):
    seen = []
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text or "evalDisallowed" in msg.text else None)
    return seen


def test_htmx_pages_work_under_the_csp(factory, live_server, browser_login, page):
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    violations = _csp_messages(page)
    browser_login("dieuphoi", PASSWORD)
    response = page.goto(f"{live_server}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    page.evaluate("window.__marker = 'same-page'")  # survives only htmx swaps, not reloads
    page.fill("input[name=as_of]", "15/04/2023")
    page.click(".filters button[type=submit]")
    expect(page.locator("#progress h2").first).to_contain_text("15/04/2023")

    page.click("text=Liên đoàn Lao động thành phố Rạch Giá")  # a boosted link
    expect(page).to_have_url(re.compile(rf"/units/{t.d1.id}\?.*as_of=2023-04-15"))
    expect(page.locator("h1")).to_contain_text("Rạch Giá")
    assert page.evaluate("window.__marker") == "same-page"

    page.go_back()  # no page copy in localStorage: Back reloads from the server
    expect(page.locator("h1")).to_have_text("Tiến độ đại hội công đoàn")
    assert page.evaluate("localStorage.getItem('htmx-history-cache')") is None
    assert violations == []

    # The policy really holds: an inline script injected into the page does not run.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        ran = page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
            " document.body.append(s); return window.__inline === 1; }"
        )
    assert ran is False
