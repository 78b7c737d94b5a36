"""Every page a demo role reaches from its menu, on two phones (375 x 667 and 412 x 915, touch) and the header
on an office screen (1366 x 768), in Chromium against `daihoi serve` on the demo province.

On a phone: no sideways scrolling of the page, no text under 14 px in the main content, no control smaller
than 40 px either way, a skip link to the main content, and a header of one row whose menu button opens the
menu. "Reachable from the menu": the menu's pages and, two clicks deep, one page of each kind they link to
(/review/12 stands for every report). Links to files (`download`, `hx-boost="false"`) are not pages.
One browser, one context per role and size, each page visited once.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROLES = ("admin", "dieuphoi", "liendoan", "rachgia", "coso", "quansat", "thanhuy_rachgia", "dangdoan", "ubnd_rachgia")
PHONES = {"375x667": {"width": 375, "height": 667}, "412x915": {"width": 412, "height": 915}}
MIN_TEXT_PX = 14
MIN_TARGET_PX = 40
DEPTH = 2  # clicks from the menu
# Pages a role reaches only through a filter of a menu page: the review queue's "all statuses" shows its cards.
FILTERED = {"/review": "/review?status=all"}

# The one list of exceptions, each with its reason: ("page", path regex) is not crawled; ("target", rule) may
# be smaller than MIN_TARGET_PX ("sentence": a link inside running text, the only computed rule).
EXCEPTIONS = [
    ("target", "sentence", "a link inside running text is as tall as its line (WCAG 2.5.8's inline exception)"),
]
SKIPPED_PAGES = [re.compile(pattern) for kind, pattern, _reason in EXCEPTIONS if kind == "page"]
SMALL_TARGETS = [rule for kind, rule, _reason in EXCEPTIONS if kind == "target"]

# What a user would see going wrong on a phone, measured in the page. A checkbox or a radio button is tapped
# through its label (the label is the target); the menu's checkbox is one of them.
MEASURE = """([minText, minTarget, allowed]) => {
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const inSentence = el => {
    if (el.tagName !== 'A') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    let rest = block.textContent;
    for (const c of block.querySelectorAll('a, button')) rest = rest.replace(c.textContent, '');
    return /[\\p{L}\\p{N}]/u.test(rest);
  };
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth)
    problems.push(`page ${document.documentElement.scrollWidth} px wide on a ${window.innerWidth} px screen`);
  const skip = document.querySelector('a.skip-link');
  if (!skip || skip.getAttribute('href') !== '#main' || !document.getElementById('main') || document.querySelector('a[href], button, input, select, textarea') !== skip)
    problems.push('no skip link to #main as the first control');
  const main = document.getElementById('main') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!visible(el) || el.closest('.sr-only')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minText) problems.push(`text of ${size} px: "${n.textContent.trim().slice(0, 40)}"`);
  }
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const target = el.matches('input[type=checkbox], input[type=radio]') && el.labels && el.labels.length ? el.labels[0] : el;
    if (!visible(target)) continue;
    const r = target.getBoundingClientRect();
    if (r.width >= minTarget && r.height >= minTarget) continue;
    if (allowed.includes('sentence') && inSentence(el)) continue;
    problems.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 40)}" is ${Math.round(r.width)} x ${Math.round(r.height)} px`);
  }
  return problems;
}"""

HEADER = """() => {
  const header = document.querySelector('header.topbar');
  const items = [...header.querySelectorAll('a, button, label')].filter(e => { const r = e.getBoundingClientRect(); return r.width && r.height; })
    .map(e => ({text: e.textContent.trim(), r: e.getBoundingClientRect()})).sort((a, b) => a.r.left - b.r.left);
  const overlaps = items.slice(1).filter((item, i) => item.r.left < items[i].r.right - 0.5).map(item => item.text);
  return {height: header.getBoundingClientRect().height, rows: new Set(items.map(i => Math.round(i.r.top + i.r.height / 2))).size,
          overlaps, texts: items.map(i => i.text), fits: header.scrollWidth <= header.clientWidth};
}"""


# The contrast ratio (WCAG 2) of each language button of the footer against what is behind it.
CONTRAST = """() => {
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = css => { const [r, g, b] = css.match(/[\\d.]+/g).map(Number); return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  const behind = el => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
  return [...document.querySelectorAll('.lang-switch button')].map(b => {
    const [x, y] = [luminance(getComputedStyle(b).color), luminance(behind(b))];
    return [b.textContent.trim(), (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05)];
  });
}"""


def _kind(path: str) -> str:
    """/review/12/history and /review/970/history are one kind of page."""
    return re.sub(r"\d+", "N", path)


def _skipped(path: str) -> bool:
    return any(p.search(path) for p in SKIPPED_PAGES)


def _log_in(page, live_server: str, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # an addressee's home is its recommendations


def _crawl(page, live_server: str, menu: list[str]) -> list[str]:
    """Visit the menu's pages and, DEPTH clicks deep, one page of each kind; return what was wrong where."""
    queue = [(url, 0) for url in dict.fromkeys(menu + [FILTERED[u] for u in menu if u in FILTERED])]
    kinds = {_kind(urlsplit(url).path) for url, _depth in queue}
    problems = []
    for url, depth in queue:  # the queue grows while it is walked
        if _skipped(urlsplit(url).path):
            continue
        response = page.goto(live_server + url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        problems += [f"{url}: {p}" for p in page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX, SMALL_TARGETS])]
        if depth >= DEPTH:
            continue
        for href in page.eval_on_selector_all(
                "main a[href]:not([download]):not([hx-boost=false])", "els => els.map(e => e.getAttribute('href'))"):
            path = urlsplit(href).path
            if path.startswith("/") and not href.startswith("//") and _kind(path) not in kinds and not _skipped(path):
                kinds.add(_kind(path))
                queue.append((href, depth + 1))
    return problems


def _check_phone_header(page) -> list[str]:
    """One row with the menu button; the button opens the menu, whose entries are full-size targets."""
    problems = []
    header = page.evaluate(HEADER)
    if header["rows"] != 1 or header["height"] > 56 or header["overlaps"]:
        problems.append(f"header not one row: {header}")
    nav = page.locator("nav.mainnav a").first
    if nav.is_visible():
        problems.append("the menu is open before the button is tapped")
    page.click("label.menu-button")
    expect(nav).to_be_visible()
    problems += [f"open menu: {p}" for p in page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX, SMALL_TARGETS])]
    page.click("label.menu-button")
    expect(nav).to_be_hidden()
    return problems


def _screenshot(page, name: str, tmp_path: Path) -> None:
    """The README's pictures: DAIHOI_SCREENSHOTS=docs/screenshots writes them there, else into tmp_path."""
    folder = Path(os.environ.get("DAIHOI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))


def test_every_page_of_every_role_works_on_a_phone(demo, live_server, browser, tmp_path):
    problems = []
    for size, viewport in PHONES.items():
        anonymous = browser.new_context(viewport=viewport, has_touch=True, is_mobile=True, locale="vi-VN")
        login = anonymous.new_page()
        login.goto(f"{live_server}/login")
        problems += [f"{size} /login: {p}" for p in login.evaluate(MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX, SMALL_TARGETS])]
        anonymous.close()
        for role in ROLES:
            context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=True, locale="vi-VN")
            page = context.new_page()
            page.set_default_timeout(10_000)
            _log_in(page, live_server, role)
            problems += [f"{size} {role} header: {p}" for p in _check_phone_header(page)]
            menu = page.eval_on_selector_all("header a[href]", "els => els.map(e => e.getAttribute('href'))")
            problems += [f"{size} {role} {p}" for p in _crawl(page, live_server, menu)]
            if size == "375x667" and role == "coso":
                page.goto(f"{live_server}/")
                _screenshot(page, "phone-reporter-home.png", tmp_path)
            if size == "375x667" and role == "rachgia":
                page.goto(f"{live_server}/review?status=all")
                page.evaluate("window.scrollTo(0, document.getElementById('queue').offsetTop - 8)")
                _screenshot(page, "phone-review-queue.png", tmp_path)
            context.close()
    assert not problems, "\n".join(problems)


def test_the_header_is_one_line_and_the_footer_readable_on_an_office_screen(demo, live_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    for language, ratio in page.evaluate(CONTRAST):  # "English" was white on near-white: 1.07:1
        assert ratio >= 4.5, (language, ratio)
    for role in ROLES:
        _log_in(page, live_server, role)
        header = page.evaluate(HEADER)
        assert header["rows"] == 1 and header["height"] <= 56 and not header["overlaps"] and header["fits"], (role, header)
        assert "Danh mục" not in header["texts"] and "Đăng xuất" in header["texts"], (role, header["texts"])
        page.click("header button:has-text('Đăng xuất')")
        page.wait_for_url(re.compile(r".*/login.*"))
    context.close()


def test_the_menu_opens_without_javascript(factory, live_server, browser):
    t = factory.tree()
    factory.campaign()
    factory.user("district", t.d1, username="huyen")
    context = browser.new_context(viewport={"width": 375, "height": 667}, has_touch=True, is_mobile=True,
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "huyen")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    review = page.locator("nav.mainnav a", has_text="Duyệt báo cáo")
    expect(review).to_be_hidden()
    page.click("label.menu-button")
    expect(review).to_be_visible()
    review.click()
    page.wait_for_url(f"{live_server}/review")
    expect(page.locator("h1")).to_have_text("Duyệt báo cáo kết quả đại hội")
    expect(review).to_be_hidden()  # a new page starts with the menu folded
    context.close()


def test_exports_download_instead_of_being_swapped_into_the_page(factory, live_server, page):
    """hx-boost fetched the XLSX export as if it were a page: the link answered nothing the user could keep."""
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    page.goto(f"{live_server}/login")
    page.fill("#username", "dieuphoi")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/party/steering")
    with page.expect_download() as download:
        page.click("text=Xuất Excel (XLSX)")
    assert download.value.suggested_filename.endswith(".xlsx")
