"""A live portal on a local port and a headless Debian Chromium driven by Playwright."""
from __future__ import annotations

import os

import pytest


CHROMIUM = os.environ.get("DAIHOI_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def live_server(serve):
    """The portal as users get it: `daihoi serve` in its own process, on the test database."""
    return serve(threads=4).url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture
def browser_login(page, live_server):
    def _login(username: str, password: str = "demo1234"):
        page.goto(f"{live_server}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        return page

    return _login
