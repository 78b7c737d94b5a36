"""Every link and button a user would click on the review queue, the report form and the dashboard,
clicked in a real Chromium against `daihoi serve` (issue 16): any dialog the clicked element did not ask
for, any console error and any 4xx/5xx answer fails the test.

A dialog is expected only from a button whose own `hx-confirm` (or its own form's) says that very text:
a link never asks (the review queue's unit links once inherited the bulk-approve question). An expected
dialog is dismissed, so the click changes nothing."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# The clickable elements of the page, each with what the test needs to know about it. Logging out ends
# the walk (it is clicked by every other browser test) and the language switch would carry on in English
# (tests/browser/test_i18n_browser.py clicks it); links of the same shape (one unit's page, the
# next) are clicked twice at most, so a list of 50 units costs two clicks, not fifty.
TARGETS = """() => {
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                          && getComputedStyle(el).visibility !== 'hidden'; };
  const all = [...document.querySelectorAll('a[href], button, input[type=submit], summary, label[for]')];
  return all.map((el, index) => {
    const form = el.form || null;
    const own = el.getAttribute('hx-confirm') || (form && (el.type === 'submit' || el.tagName === 'BUTTON')
                                                   ? form.getAttribute('hx-confirm') : null);
    const r = el.getBoundingClientRect();
    return {index, tag: el.tagName, visible: visible(el), offscreen: r.bottom <= 0 || r.right <= 0, text: (el.innerText || el.value || '').trim().slice(0, 60),
            href: el.tagName === 'A' ? el.getAttribute('href') : null, confirm: own,
            disabled: !!el.disabled, locale: el.getAttribute('name') === 'locale',
            logout: !!el.closest('form[action$="/logout"]') || /\\/logout$/.test(el.getAttribute('href') || '')};
  });
}"""
SELECTOR = "a[href], button, input[type=submit], summary, label[for]"


def _shape(target: dict) -> str:
    href = target["href"] or ""
    return f"{target['tag']}:{re.sub(r'[0-9]+', 'N', href.split('#')[0])}:{'' if href else target['text']}"


def _click_everything(page, base: str, path: str, prepare: str | None = None) -> list[str]:
    problems: list[str] = []
    current: dict = {}

    def on_dialog(dialog):
        target = current.get("target") or {}
        if target.get("confirm") and dialog.message == target["confirm"]:
            current["asked"] = True
        else:
            problems.append(f"{path}: clicking {target.get('text')!r} asked {dialog.message!r}")
        dialog.dismiss()

    def on_response(response):
        if response.url.startswith(base) and response.status >= 400:
            problems.append(f"{path}: clicking {(current.get('target') or {}).get('text')!r} got "
                            f"{response.status} from {response.url[len(base):]}")

    def on_console(message):
        if message.type == "error":
            problems.append(f"{path}: console error after {(current.get('target') or {}).get('text')!r}: "
                            f"{message.text}")

    page.on("dialog", on_dialog)
    page.on("response", on_response)
    page.on("console", on_console)
    page.context.on("page", lambda popup: popup.close())

    def load():
        page.goto(base + path)
        if prepare:
            page.evaluate(prepare)

    def signature(t: dict) -> tuple:
        return (t["tag"], t["href"], t["text"], t["confirm"])

    load()
    seen: dict[str, int] = {}
    occurrences: dict[tuple, int] = {}
    clicked = 0
    targets = page.evaluate(TARGETS)
    assert targets, f"nothing to click on {path}"
    for target in targets:
        nth = occurrences[signature(target)] = occurrences.get(signature(target), -1) + 1
        if not target["visible"] or target["logout"] or target["disabled"] or target["locale"]:
            continue
        if target["href"] and (target["href"].startswith(("http://", "https://", "mailto:"))
                               and not target["href"].startswith(base)):
            continue
        shape = _shape(target)
        seen[shape] = seen.get(shape, 0) + 1
        if seen[shape] > 2:
            continue
        load()  # each click on the page as the user finds it; an earlier click may have changed it
        now = [t for t in page.evaluate(TARGETS) if signature(t) == signature(target)]
        if len(now) <= nth:
            continue  # gone with an earlier click (a deleted attachment, a sent report's buttons)
        target = now[nth]
        current.clear()
        current["target"] = target
        element = page.locator(SELECTOR).nth(target["index"])
        if not element.is_visible():
            continue  # a panel the previous state opened; the fresh page shows it closed
        if target["offscreen"]:  # the skip link shows when the keyboard reaches it
            element.focus()
            page.keyboard.press("Enter")
        else:
            element.click()
        clicked += 1
        try:
            page.wait_for_load_state("networkidle", timeout=5_000)
        except Exception:  # a long poll may keep the network busy: the listeners have seen what matters
            pass
        if target["confirm"] and current.get("asked"):
            assert page.url.split("#")[0].endswith(path.split("#")[0]) or page.url.split("?")[0].endswith(path), \
                f"{path}: dismissing {target['confirm']!r} still left the page"
    assert clicked >= 3, f"only {clicked} clickable elements on {path}"
    page.remove_listener("dialog", on_dialog)
    return problems


def _report_form(page, base: str) -> str:
    page.goto(base + "/")
    href = page.locator("a[href*='/report']").first.get_attribute("href")
    assert href and re.search(r"/units/\d+/report", href), href
    return href


@pytest.mark.parametrize("who, where", [
    ("rachgia", "/review"),
    ("coso", "report form"),
    ("dieuphoi", "/"),
])
def test_every_link_and_button_works(demo, live_server, browser_login, page, who, where):
    browser_login(who)
    path = _report_form(page, live_server) if where == "report form" else where
    problems = _click_everything(page, live_server, path)
    assert problems == [], "\n".join(problems)


def test_the_walk_catches_a_link_that_asks(demo, live_server, browser_login, page):
    """The check can fail: on a queue whose unit links inherit a confirm, as they once did, the walk reports it."""
    browser_login("rachgia")
    inherit = """() => { const main = document.querySelector('main');
                        main.setAttribute('hx-confirm', 'Phê duyệt các báo cáo đã chọn?'); htmx.process(main); }"""
    problems = _click_everything(page, live_server, "/review", prepare=inherit)
    assert any("asked 'Phê duyệt các báo cáo đã chọn?'" in p for p in problems), problems
