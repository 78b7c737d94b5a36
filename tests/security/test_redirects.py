"""Open redirects (issue 16, item 5): after login, a language switch or a bulk approval the portal only ever
goes to a plain path of its own site. `GET /login?next=/%09/evil.example` used to land on //evil.example:
Werkzeug's redirect drops the tab. One check, portal.security.safe_next, applied as the browser reads it."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from portal.security import safe_next
from tests.conftest import PASSWORD, csrf_token

EVIL = [
    "/\t/evil.example", "/%09/evil.example", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "https://evil.example/", "javascript:alert(1)", "/\r\n/evil.example", "/\n/evil.example", "%2F%2Fevil.example",
    "/%2F%2Fevil.example", "/%5Cevil.example", "/%0d%0aSet-Cookie:%20x=1", "/\r\nSet-Cookie: x=1", " //evil.example",
    "/\u200b/evil.example", "\x0b//evil.example", "http:/evil.example", "//evil.example/%2e%2e", "/\x7f/evil.example",
    "evil.example", "", "/" + "a" * 3000,
]
GOOD = ["/", "/units/5", "/review?status=submitted&page=2", "/dashboard?as_of=15%2F04%2F2023", "/units/5/report#officers"]


@pytest.fixture
def people(factory, today):
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    return t


@pytest.mark.parametrize("target", EVIL)
def test_safe_next_refuses_anything_but_a_plain_path(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


@pytest.mark.parametrize("target", GOOD)
def test_safe_next_keeps_plain_paths_of_this_site(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


def _location(resp) -> str:
    return resp.headers.get("Location", "")


@pytest.mark.parametrize("target", EVIL)
def test_login_never_sends_the_user_off_site(app, people, target):
    client = app.test_client()
    page = client.get("/login", query_string={"next": target})
    assert page.status_code in (200, 400)  # a NUL-free target always shows the form
    resp = client.post("/login", query_string={"next": target},
                       data={"username": "dieuphoi", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert resp.status_code == 302
    assert _location(resp) == "/", _location(resp)


def test_the_probe_case_as_the_browser_sends_it(app, people):
    """The URL exactly as the outside probe typed it: the query string holds %09."""
    client = app.test_client()
    token = csrf_token(client)
    resp = client.post("/login?next=/%09/evil.example", data={"username": "dieuphoi", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302 and _location(resp) == "/"
    assert _location(client.get("/login?next=/%09/evil.example")) == "/"  # logged in already: home


def test_a_plain_next_still_leads_back_after_login(app, people):
    client = app.test_client()
    token = csrf_token(client)
    resp = client.post("/login?next=/review%3Fstatus%3Dsubmitted",
                       data={"username": "dieuphoi", "password": PASSWORD, "csrf_token": token})
    assert _location(resp) == "/review?status=submitted"


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_never_sends_the_user_off_site(app, people, target):
    client = app.test_client()
    resp = client.post("/language", data={"locale": "en", "next": target, "csrf_token": csrf_token(client)})
    assert resp.status_code == 303 and _location(resp) == "/"


def test_the_language_switch_goes_back_to_the_page(app, people):
    client = app.test_client()
    resp = client.post("/language", data={"locale": "en", "next": "/login?next=%2Funits%2F3", "csrf_token": csrf_token(client)})
    assert _location(resp) == "/login?next=%2Funits%2F3"


def test_no_redirect_in_the_code_bypasses_safe_next():
    """Every `next` the portal reads goes through safe_next (a new one is listed here or fixed)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "portal"
    reads = []
    for path in root.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"""(args|form)\.get\(\s*["']next["']|\.next\.data""", line):
                reads.append((path.relative_to(root).as_posix(), number, line.strip()))
    assert reads, "the scan found nothing: update its pattern"
    unsafe = [r for r in reads if "safe_next(" not in r[2] and "if form.next.data" not in r[2]]
    assert not unsafe, f"`next` read without safe_next: {unsafe}"
