"""Session cookie, idle timeout, logout, session fixation, and the security headers on every response."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from shared.models import AuditLog, User
from tests.conftest import PASSWORD, csrf_token, login

TEMPLATES = Path(__file__).resolve().parents[2] / "portal"


@pytest.fixture
def people(factory):
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    return t


def _session_cookie(resp) -> str:
    return next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax(client, people):
    cookie = _session_cookie(login(client, "dieuphoi"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on the embedded default
    assert "Expires" not in cookie  # ends with the browser


def test_session_cookie_is_secure_when_configured(make_app, people, monkeypatch):
    monkeypatch.setenv("DAIHOI_SESSION_COOKIE_SECURE", "true")
    app = make_app()
    client = app.test_client()
    assert "Secure" in _session_cookie(login(client, "dieuphoi"))


def test_an_idle_session_ends_with_a_vietnamese_message(make_app, people):
    app = make_app(SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    login(client, "dieuphoi")
    with client.session_transaction() as s:
        s["_seen"] = int(time.time()) - 29 * 60
    assert client.get("/").status_code == 200  # 29 minutes idle: still in, and the clock restarts
    with client.session_transaction() as s:
        assert s["_seen"] >= int(time.time()) - 5
        s["_seen"] = int(time.time()) - 31 * 60
    resp = client.get("/?as_of=15/04/2023")
    assert resp.status_code == 302 and resp.location.startswith("/login?next=")
    page = client.get(resp.location).get_data(as_text=True)
    assert "hết hạn do lâu không thao tác" in page
    assert client.get("/").status_code == 302  # really logged out
    # Logging in again goes back where the user was.
    token = csrf_token(client)
    back = client.post(resp.location, data={"username": "dieuphoi", "password": PASSWORD, "csrf_token": token})
    assert back.location == "/?as_of=15/04/2023"


def test_the_dashboards_automatic_refresh_does_not_keep_a_session_alive(make_app, people):
    app = make_app(SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    login(client, "dieuphoi")
    stale = int(time.time()) - 29 * 60
    with client.session_transaction() as s:
        s["_seen"] = stale
    poll = {"HX-Request": "true", "X-Daihoi-Poll": "1"}
    assert client.get("/dashboard", headers=poll).status_code == 200  # still within the 30 minutes
    with client.session_transaction() as s:
        assert s["_seen"] == stale  # the refresh did not restart the idle clock
        s["_seen"] = int(time.time()) - 31 * 60
    resp = client.get("/dashboard", headers=poll)
    assert resp.status_code == 204 and resp.headers["HX-Redirect"].startswith("/login")


def test_an_api_call_sent_with_the_browsers_cookie_does_not_keep_its_session_alive(make_app, people):
    """The JSON API is authenticated by its bearer token alone: a session cookie that comes along is not read
    (no query for the session's user) and does not restart the browser session's idle clock."""
    from sqlalchemy import event

    app = make_app(SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    login(client, "dieuphoi")
    bearer = client.post("/api/v1/tokens", json={"username": "dieuphoi", "password": PASSWORD}).get_json()["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"}).status_code == 200  # stamps it
    stale = int(time.time()) - 29 * 60
    with client.session_transaction() as s:
        s["_seen"] = stale
    statements: list[str] = []
    engine = app.extensions["daihoi.engine"]
    listen = lambda *a: statements.append(a[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == 1 and "api_tokens" in statements[0], statements  # the token's lookup only
    with client.session_transaction() as s:
        assert s["_seen"] == stale
        s["_seen"] = int(time.time()) - 31 * 60
    assert client.get("/").status_code == 302  # the browser's session still ended on time


def test_the_default_idle_timeout_is_eight_hours(client, people):
    login(client, "dieuphoi")
    with client.session_transaction() as s:
        s["_seen"] = int(time.time()) - 7 * 3600 - 3500
    assert client.get("/").status_code == 200
    with client.session_transaction() as s:
        s["_seen"] = int(time.time()) - 8 * 3600 - 60
    assert client.get("/").status_code == 302


def test_an_idle_htmx_request_sends_the_whole_page_to_login(client, people):
    login(client, "dieuphoi")
    with client.session_transaction() as s:
        s["_seen"] = int(time.time()) - 9 * 3600
    resp = client.get("/?as_of=15/04/2023", headers={"HX-Request": "true", "HX-Target": "progress"})
    assert resp.status_code == 204
    assert resp.headers["HX-Redirect"].startswith("/login")


def test_logout_makes_a_copied_session_cookie_useless(app, client, db, people):
    login(client, "dieuphoi")
    stolen = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    resp = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert resp.status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302
    user = db.scalar(select(User).where(User.username == "dieuphoi"))
    db.refresh(user)
    assert user.session_version == 2
    actions = db.scalars(select(AuditLog.action).where(AuditLog.user_id == user.id).order_by(AuditLog.id)).all()
    assert actions == ["auth.login", "auth.logout"]


def test_login_starts_a_new_session(client, db, people):
    """Session fixation: nothing an attacker planted before login survives it."""
    client.get("/login")
    with client.session_transaction() as s:
        s["planted"] = "by-attacker"
        s["_user_id"] = "999:1"
    before = client.get_cookie("session").value
    login(client, "dieuphoi")
    assert client.get_cookie("session").value != before
    with client.session_transaction() as s:
        assert "planted" not in s
        user = db.scalar(select(User).where(User.username == "dieuphoi"))
        assert s["_user_id"] == f"{user.id}:1"


def _assert_security_headers(resp):
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_security_headers_on_every_kind_of_response(client, people):
    anonymous = [client.get("/login"), client.get("/"), client.get("/static/css/app.css"), client.get("/vendor/htmx.min.js")]
    login(client, "dieuphoi")
    logged_in = [client.get("/"), client.get("/khong-co"), client.get(f"/units/{people.g21.id}?as_of=x"),
                 client.post("/logout")]  # 400: no CSRF token
    for resp in anonymous + logged_in:
        _assert_security_headers(resp)
    assert [r.status_code for r in logged_in] == [200, 404, 200, 400]
    assert logged_in[0].headers["Cache-Control"] == "no-store"
    assert "no-store" not in anonymous[2].headers.get("Cache-Control", "")  # static files stay cacheable


def test_hsts_only_when_configured(make_app, people):
    assert "Strict-Transport-Security" not in make_app().test_client().get("/login").headers
    resp = make_app(HSTS_SECONDS=31536000).test_client().get("/login")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_client_address_comes_from_the_proxy_only_when_configured(make_app, people):
    from flask import request

    seen = []
    for hops in (0, 1):
        app = make_app(PROXY_FIX_X_FOR=hops)
        app.before_request(lambda: seen.append(request.remote_addr))
        app.test_client().get("/login", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert seen == ["10.9.9.9", "203.0.113.7"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b", re.I)
# An attribute inside an HTML start tag (Jinja code stripped first, so `{{ m(x, only=True) }}` is no handler).
INLINE_HANDLER = re.compile(
    r"""<[a-z][\w-]*(?:\s+[^<>]*?)?\s(on[a-z]+|style|hx-on(?::|-)[\w:-]*|hx-vars)\s*=""", re.I)
JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
JS_VALUES = re.compile(r"""hx-(vals|headers)\s*=\s*['"]\s*(js|javascript):""", re.I)


def test_the_handler_scan_finds_handlers_in_tags_only():
    def found(html):
        return [m.group(1) for m in INLINE_HANDLER.finditer(JINJA_CODE.sub(" ", html))]

    assert found('<button type="button" onclick="x()">') == ["onclick"]
    assert found('<div\n  class="a" style="color: red">') == ["style"]
    assert found('<a hx-on::after-request="x">') == ["hx-on::after-request"]
    assert found('{% include "_x.html" only=true %} <p>ok</p>') == []
    assert found('{{ macros.field(form.x, only=True) }}') == []
    assert found('<input name="only" data-online="1"> text only = 3') == []


def test_no_template_needs_inline_script_style_or_eval():
    """The CSP would silently break them: every template of every feature is checked."""
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = JINJA_CODE.sub(" ", path.read_text(encoding="utf-8"))
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_VALUES):
            for m in pattern.finditer(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {m.group(0).strip()}")
    assert offenders == []
