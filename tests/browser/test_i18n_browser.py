"""In a real browser: the language switch at the foot of the page works before and after login (a boosted form
under the CSP), and the choice follows the user to the next login."""
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_switch_language_on_login_page_then_log_in(factory, live_server, page):
    t = factory.tree()
    factory.campaign()
    factory.user("district", t.d1, username="nguoidung")
    page.goto(f"{live_server}/login")
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.click(".lang-switch button[value=en]")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".lang-switch button[value=en]")).to_be_disabled()

    page.fill("#username", "nguoidung")
    page.fill("#password", PASSWORD)
    page.click("form:not(.lang-switch) button[type=submit]")
    expect(page.locator(".who")).to_contain_text("Log out")

    page.click(".lang-switch button[value=vi]")  # back to Vietnamese, from a logged-in page
    expect(page.locator(".who")).to_contain_text("Đăng xuất")
    page.click(".who button[type=submit]")  # log out
    expect(page.locator("h1")).to_have_text("Đăng nhập")
