"""In a real browser: log in, replay a past date through htmx without a full reload."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_coordinator_logs_in_and_replays_mid_april(demo, live_server, browser_login, page):
    browser_login("dieuphoi")
    expect(page.locator("h1")).to_have_text("Tiến độ đại hội công đoàn")
    page.evaluate("window.__marker = 'same-page'")  # survives only if htmx swaps, not reloads
    page.fill("input[name=as_of]", "15/04/2023")
    page.click(".filters button[type=submit]")
    expect(page.locator("#progress h2").first).to_contain_text("15/04/2023")
    assert page.evaluate("window.__marker") == "same-page"
    assert re.search(r"as_of=15%2F04%2F2023", page.url)
    held = page.locator('tr[data-level="grassroots"] td[data-field="held"]').inner_text()
    assert 900 <= int(held.replace(".", "")) <= 1000


def test_wrong_password_in_the_browser(demo, live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("#username", "dieuphoi")
    page.fill("#password", "nham")
    page.click("button[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text("không đúng")
