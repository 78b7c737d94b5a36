"""In a real browser against `daihoi serve`: the dashboard's overview on the first screen of an office PC,
its sections as tabs that keep the filters, htmx swaps and polling, and a phone layout that never
scrolls sideways (issue 16 item 16, issue 18)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

pytestmark = pytest.mark.browser

SECTIONS = {
    "overview": "#section-overview article.card",
    "units": "#unit-list",
    "personnel": "#personnel",
    "emulation": "#emulation-summary",
    "recommendations": "#recommendation-counts",
}
# Requests that may fail without it being the dashboard's fault, each with its reason.
ALLOWED_FAILURES = {
    "/favicon.ico": "the site icon is another change's (issue 16, item 15); browsers ask for it by themselves",
}


def _watch(page) -> list[str]:
    """Console errors, page errors and 4xx/5xx responses seen by the page, as they come."""
    problems: list[str] = []

    def on_console(msg):
        if msg.type == "error" and not any(path in (msg.location or {}).get("url", "") for path in ALLOWED_FAILURES):
            problems.append(f"console: {msg.text}")

    def on_response(resp):
        if resp.status >= 400 and not any(resp.url.endswith(path) for path in ALLOWED_FAILURES):
            problems.append(f"{resp.status} {resp.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("response", on_response)
    return problems


def _login(page, base: str, username: str = "dieuphoi") -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_the_first_screen_answers_where_we_are_against_each_deadline(demo, live_server, browser):
    """At 1366 x 768 (the office PC), the per-level figures are on screen without scrolling; each tab
    loads its section with the same as-of date and filters; nothing fails in the console."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = _watch(page)
    _login(page, live_server)
    page.click("nav.mainnav >> text=Bảng theo dõi")
    expect(page.locator("h1")).to_contain_text("Bảng theo dõi đại hội công đoàn")
    cards = page.locator("article.card")
    expect(cards).to_have_count(3)
    for i in range(3):
        card = cards.nth(i)
        for field in ("deadline", "held", "expected", "on_time", "late", "overdue", "pending"):
            expect(card.locator(f'[data-field="{field}"]')).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator('[data-field="level-received"]')).to_contain_text("Báo cáo cấp ủy đã nhận")
    expect(page.locator("#late-units li").first).to_be_visible()
    expect(page.locator("#pilots")).to_contain_text("Đại hội điểm")

    # A past date and a sector, then every tab: each loads its section and keeps both.
    page.fill("input[name=as_of]", "15/06/2023")
    page.select_option("select[name=sector]", "state")
    expect(page.locator('[data-field="as_of"]')).to_have_text("15/06/2023")
    expect(page.locator("a", has_text="Xuất Excel")).to_have_attribute("href", re.compile("sector=state"))
    for section, marker in SECTIONS.items():
        with page.expect_navigation():  # a tab is a plain link: the section is its own page
            page.click(f'nav.dash-tabs a[data-section="{section}"]')
        expect(page.locator(f'nav.dash-tabs a[data-section="{section}"]')).to_have_attribute("aria-current", "page")
        expect(page.locator(marker).first).to_be_visible()
        expect(page.locator('[data-field="as_of"]')).to_have_text("15/06/2023")
        expect(page.locator("input[name=as_of]")).to_have_value("15/06/2023")
        expect(page.locator("select[name=sector]")).to_have_value("state")
        # The address follows once the swap settles: it holds the date, the sector and the section.
        expect(page).to_have_url(re.compile(r"as_of=15(/|%2F)06(/|%2F)2023.*sector=state"))
        if section == "overview":
            expect(page).not_to_have_url(re.compile("section="))
        else:
            expect(page).to_have_url(re.compile(f"section={section}"))
    # The export links carry the filters and the date, not the section.
    href = page.locator("a", has_text="Xuất Excel").get_attribute("href")
    assert "sector=state" in href and "as_of=15" in href and "section" not in href
    assert problems == []
    context.close()


def test_polling_asks_for_the_section_shown_and_stops_while_the_tab_is_hidden(demo, live_server, browser_login, page):
    problems = _watch(page)
    browser_login("dieuphoi")
    page.goto(f"{live_server}/dashboard?section=personnel&as_of=15/06/2023")
    expect(page.locator("#personnel")).to_be_visible()
    # While the browser tab is hidden a poll is cancelled before it leaves (static/js/dashboard.js).
    page.evaluate("""() => {
        window.__polls = [];
        document.addEventListener('htmx:beforeRequest', e => window.__polls.push(e.defaultPrevented));
        Object.defineProperty(document, 'hidden', {value: true, configurable: true});
        htmx.trigger('#dashboard', 'refresh');
    }""")
    page.wait_for_function("() => window.__polls.length > 0")  # a function: the CSP forbids eval of a string
    assert page.evaluate("window.__polls") == [True]
    # Visible again, the poll asks for the same section, date and filters.
    page.evaluate("Object.defineProperty(document, 'hidden', {value: false, configurable: true})")
    with page.expect_response(lambda r: "/dashboard?" in r.url and "section=personnel" in r.url) as refreshed:
        page.evaluate("htmx.trigger('#dashboard', 'refresh')")
    assert refreshed.value.request.headers.get("hx-target") == "dashboard"
    assert refreshed.value.request.headers.get("x-daihoi-poll") == "1"
    assert "as_of=15" in refreshed.value.url
    expect(page.locator("#personnel")).to_be_visible()
    assert problems == []


def test_sector_filter_swaps_the_table_and_updates_the_url(demo, db, live_server, browser_login, page):
    browser_login("dieuphoi")
    page.click("nav.mainnav >> text=Bảng theo dõi")
    with page.expect_navigation():
        page.click('nav.dash-tabs a[data-section="units"]')
    count = page.locator("h2", has_text="Đơn vị (")
    total = db.scalar(text("SELECT COUNT(*) FROM units WHERE level = 'grassroots' AND active"))
    expect(count).to_have_text(f"Đơn vị ({total:,})".replace(",", "."))
    page.evaluate("window.__marker = 'same-page'")  # survives only if htmx swaps, not reloads
    fdi = db.scalar(text("SELECT COUNT(*) FROM units WHERE level = 'grassroots' AND sector = 'fdi'"))
    page.select_option("select[name=sector]", "fdi")
    expect(count).to_have_text(f"Đơn vị ({fdi})")
    assert page.evaluate("window.__marker") == "same-page"
    expect(page).to_have_url(re.compile(r"section=units.*[?&]sector=fdi"))
    # Active search, diacritic-insensitive, also swaps in place and lands in the URL.
    shoes = db.scalar(text(
        "SELECT COUNT(*) FROM units WHERE level = 'grassroots' AND sector = 'fdi' AND name_folded LIKE '%giay da%'"
    ))
    assert 0 < shoes < fdi
    page.fill("input[name=q]", "giay da")
    expect(count).to_have_text(f"Đơn vị ({shoes})")
    expect(page.locator("#unit-list tbody tr").first).to_contain_text("Giày da")
    assert page.evaluate("window.__marker") == "same-page"
    expect(page).to_have_url(re.compile(r"q=giay(\+|%20)da"))
    # Back on the overview the figures keep the sector; the search stays in the URL for the list.
    with page.expect_navigation():
        page.click('nav.dash-tabs a[data-section="overview"]')
    expect(page.locator('article[data-level="grassroots"] [data-field="expected"]')).to_have_text(str(fdi))
    page.go_back()
    expect(page.locator("input[name=q]")).to_have_value("giay da")


def test_click_on_a_district_drills_down_to_its_grassroots_unions(demo, db, live_server, browser_login, page):
    browser_login("dieuphoi")
    page.goto(f"{live_server}/dashboard?section=units&as_of=15/06/2023")
    rach_gia = db.scalar(text("SELECT COUNT(*) FROM units u JOIN units d ON d.id = u.parent_id WHERE d.code = 'RG'"))
    page.click("#district-table >> text=Liên đoàn Lao động thành phố Rạch Giá")
    expect(page.locator("nav.breadcrumbs")).to_contain_text("Liên đoàn Lao động tỉnh Kiên Giang")
    expect(page.locator("h2", has_text="Đơn vị (")).to_have_text(f"Đơn vị ({rach_gia})")
    assert re.search(r"[?&]unit=\d+", page.url) and re.search(r"as_of=15(/|%2F)06(/|%2F)2023", page.url)
    # From the overview, the district with the most overdue congresses is one click away.
    page.goto(f"{live_server}/dashboard?as_of=15/06/2023")
    first = page.locator("#late-units li a").first
    name = first.inner_text()
    first.click()
    expect(page.locator("nav.breadcrumbs span")).to_have_text(name)


# What a phone user must get on every section (issue 18): measured in the browser.
PHONE_CHECK = """() => {
  const root = document.querySelector('.dashboard-page');
  const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
                          return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; };
  const small = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || el.closest('svg, option') || !visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) small.push(`${el.tagName}.${el.className} ${size}px: ${walker.currentNode.textContent.trim().slice(0, 30)}`);
  }
  const tiny = [];
  for (const el of root.querySelectorAll('a[href], button, select, input:not([type=hidden])')) {
    if (!visible(el)) continue;
    // A checkbox's target is its label (the whole row), not the box itself.
    const target = el.matches('input[type=checkbox]') ? el.closest('label').querySelector('span') || el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) tiny.push(`${el.tagName} ${Math.round(r.width)}x${Math.round(r.height)}: ${(el.textContent || el.name).trim().slice(0, 30)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          small: small.slice(0, 10), tiny: tiny.slice(0, 10)};
}"""


def test_on_a_phone_no_section_scrolls_sideways(demo, live_server, browser):
    """375 x 667 with touch: no sideways scroll of the page on any section (wide tables scroll in their
    own box, first column fixed), text at least 16 px, every tap target at least 44 px."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 667}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = _watch(page)
    _login(page, live_server)
    page.goto(f"{live_server}/dashboard?as_of=15/06/2023")
    for section, marker in SECTIONS.items():
        with page.expect_navigation():  # to the loaded page, its stylesheet applied
            page.locator(f'nav.dash-tabs a[data-section="{section}"]').tap()
        expect(page.locator(f'nav.dash-tabs a[data-section="{section}"]')).to_have_attribute("aria-current", "page")
        expect(page.locator(marker).first).to_be_attached()
        found = page.evaluate(PHONE_CHECK)
        # A mobile browser widens its layout viewport to content that overflows (the page zooms out), so
        # innerWidth itself must stay the phone's width.
        assert found["scrollWidth"] <= found["innerWidth"] == 375, (section, found)
        assert found["small"] == [] and found["tiny"] == [], (section, found)
    # The table per district scrolls inside its box and its first column stays in view.
    with page.expect_navigation():
        page.locator('nav.dash-tabs a[data-section="units"]').tap()
    box = page.locator("#district-table").locator("xpath=..")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    first = page.locator("#district-table tbody tr th").first
    left = first.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = 300; }")
    page.wait_for_function("() => document.querySelector('#district-table').parentElement.scrollLeft >= 300")
    assert abs(first.bounding_box()["x"] - left) < 1
    assert page.locator("#district-table tbody tr td").first.bounding_box()["x"] < left + first.bounding_box()["width"]
    assert problems == []
    context.close()
