"""A live portal on a local port and a headless Debian Chromium driven by Playwright."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


CHROMIUM = os.environ.get("DAIHOI_CHROMIUM", "/usr/bin/chromium")
DESKTOP = dict(locale="vi-VN", viewport={"width": 1280, "height": 900})


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
    context = browser.new_context(**DESKTOP)
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


@pytest.fixture
def reopened(browser):
    """The browser opened again after a tab was closed while offline: `reopened(context)`, called while the
    tab is still open (Playwright reads its localStorage there, with no request of its own), is a new
    context, online, holding what the old one kept (localStorage, the session cookie). The old context
    stays offline with its network blocked: a page merely closed can still run its "online" handler for a
    moment, or let a held request go, save and forget the copy, and the test would race it."""
    made = []

    def _reopen(context, **options):
        made.append(browser.new_context(storage_state=context.storage_state(), **(options or DESKTOP)))
        return made[-1]

    yield _reopen
    for context in made:
        context.close()


def _no_network(route) -> None:
    route.abort("internetdisconnected")


def go_offline(context, page) -> None:
    """The connection drops, for certain: the page knows (navigator.onLine, the "offline" event) and every
    request fails before it leaves. Chromium's offline emulation alone can let a request that starts at
    that moment reach the server and lose its answer: a real case (tests/browser/test_report_form_browser.py
    has it on purpose), not the one these tests are about."""
    context.route("**/*", _no_network)
    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")


def come_online(context) -> None:
    """The connection is back (the page's "online" event)."""
    context.unroute("**/*", _no_network)
    context.set_offline(False)


SAVE_FAILED = """() => { const f = document.querySelector('form[data-autosave]'), s = f && f.daihoiAutosave;
  return !!s && !s.inflight && !!s.retry; }"""


def wait_save_failed(page) -> None:
    """The page's autosave has been tried and has failed (its retry is set). "mất kết nối" alone is not
    that: the page says it as soon as the browser goes offline, before the save it is about to try."""
    page.wait_for_function(SAVE_FAILED)


def take_back(page, prefix: str = "") -> bool:
    """After reopening a form closed while offline: the copy kept in the browser is offered and restored
    (True), or the server already has it and nothing is offered (False). The second happens now and then
    under Chromium's offline emulation: a closed page's save still reaches the server (seen in about one
    run in five on a busy machine, cause not found in the page's code). Either way nothing typed is lost,
    which the callers check on the server and in the form."""
    offer = page.locator(f"#{prefix}restore-offer")
    try:
        offer.wait_for(state="visible", timeout=3000)
    except PlaywrightTimeoutError:
        return False
    page.click(f"#{prefix}restore-draft")
    return True
