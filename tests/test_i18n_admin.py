"""English for the administration, party, notification and error pages and the JSON API's errors."""
from __future__ import annotations

import datetime as dt

import pytest

from shared import i18n
from shared.models import User
from tests.conftest import PASSWORD, csrf_token, login


@pytest.fixture
def t(factory, db):
    tree = factory.tree()
    factory.campaign()
    return tree


def _english(db, user: User) -> User:
    user.locale = "en"
    db.commit()
    return user


def _page(client, url: str, status: int = 200) -> str:
    resp = client.get(url)
    assert resp.status_code == status, url
    return resp.get_data(as_text=True)


def test_administration_pages_follow_the_users_language(app, client, factory, login_as, db, t):
    admin = _english(db, factory.user("admin", t.province, username="admin_en"))
    login_as(admin)
    html = _page(client, "/admin/units")
    assert "Unit management" in html and "Search by name or code" in html and "Subordinate units (2)" in html
    assert "2 subordinate" in html and "Đơn vị trực thuộc" not in html and "Quản lý đơn vị" not in html
    html = _page(client, "/admin/users")
    assert "Search by username, full name, unit" in html and "Last login" in html and "Tên đăng nhập" not in html
    html = _page(client, "/admin/campaigns")
    assert "+ New congress campaign" in html and "Open" in html and "Đang mở" not in html
    html = _page(client, "/admin/units/import")
    assert "Import units from a file" in html and "Check only, write nothing" in html and "Tải lên" not in html
    html = _page(client, "/admin/audit")
    assert "Audit log" in html and "Done by" in html and "Người thực hiện" not in html
    # The same page stays Vietnamese for a Vietnamese-speaking administrator (in another browser).
    other = app.test_client()
    factory.user("admin", t.province, username="admin_vi")
    assert login(other, "admin_vi").status_code == 302
    assert "Quản lý đơn vị" in _page(other, "/admin/units")


def test_form_validation_errors_and_flash_messages_are_in_english(client, factory, login_as, db, t):
    admin = _english(db, factory.user("admin", t.province, username="admin_en2"))
    login_as(admin)
    token = csrf_token(client, "/admin/campaigns/new")
    resp = client.post("/admin/campaigns/new", data={
        "csrf_token": token, "name": "", "term": "2028-2033", "youth_age": "99", "target_women_pct": "",
        "start_date": "01/01/2028", "deadline_grassroots": "31/05/2028", "deadline_district": "31/07/2028",
        "deadline_province": "31/10/2028", "members_threshold": "150", "target_young_pct": "15", "target_party_pct": "50",
    })
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Enter a name." in html and "From 18 to 60." in html and "Enter a number." in html
    assert "Campaign name" in html and "Hãy nhập tên." not in html
    resp = client.post("/account/password", data={"csrf_token": csrf_token(client, "/account/password"),
                                                  "current": PASSWORD, "password": "x", "confirm": "y"})
    assert resp.status_code == 422 and "Does not match the new password." in resp.get_data(as_text=True)
    resp = client.post(f"/admin/units/{t.d1.id}/edit", data={
        "csrf_token": csrf_token(client, f"/admin/units/{t.d1.id}/edit"), "code": t.d1.code, "name": t.d1.name,
        "sector": t.d1.sector, "members_count": str(t.d1.members_count or 0)}, follow_redirects=True)
    assert "No changes." in resp.get_data(as_text=True)


def test_party_and_notification_pages_in_english(client, factory, login_as, db, t, today):
    today(dt.date(2023, 4, 1))
    login_as(_english(db, factory.user("reporter", t.g11, username="reporter_en")))
    html = _page(client, f"/party/units/{t.g11.id}/emulation")
    assert "Emulation in honour of the congress" in html and "Whole scope: <strong>0</strong> works and products" in html
    assert "Add a work" in html and "Thêm công trình" not in html
    html = _page(client, "/notifications")
    assert "No notifications." in html and "Mark all as read" in html and "Không có thông báo nào." not in html


def test_error_pages_in_english(client, factory, login_as, db, t):
    login_as(_english(db, factory.user("reporter", t.g11, username="reporter_en2")))
    assert "You are not allowed to do this." in _page(client, "/admin/", 403)
    assert "The page or data you asked for was not found." in _page(client, f"/party/documents/{2**30}", 404)


def test_the_rate_limit_message_follows_the_browsers_language(client, factory, t):
    factory.user("district", t.d1, username="guessed")
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client, "/login")})
    for _attempt in range(5):
        client.post("/login", data={"username": "guessed", "password": "wrong",
                                    "csrf_token": csrf_token(client, "/login")})
    resp = client.post("/login", data={"username": "guessed", "password": "wrong",
                                       "csrf_token": csrf_token(client, "/login")})
    assert resp.status_code == 429
    assert "Too many failed login attempts. Please try again in 5 minutes." in resp.get_data(as_text=True)


def test_api_errors_speak_the_language_of_the_tokens_user(client, factory, db, t):
    english = _english(db, factory.user("coordinator", t.province, username="api_en"))
    factory.user("coordinator", t.province, username="api_vi")

    def token(name):
        resp = client.post("/api/v1/tokens", json={"username": name, "password": PASSWORD})
        assert resp.status_code == 201
        return {"Authorization": f"Bearer {resp.json['token']}"}

    resp = client.get("/api/v1/units?limit=abc&bogus=1", headers=token(english.username))
    assert resp.json["error"]["message"] == "Unsupported parameters: bogus."
    assert resp.json["error"]["fields"] == {"bogus": "Not supported."}
    resp = client.get("/api/v1/units?limit=abc", headers=token(english.username))
    assert resp.json["error"]["message"] == "Parameter “limit” must be an integer."
    resp = client.put(f"/api/v1/units/{t.g11.id}/report", json={"nope": 1}, headers=token(english.username))
    assert resp.json["error"]["fields"] == {"nope": "Unsupported field."}
    resp = client.get("/api/v1/units?limit=abc", headers=token("api_vi"))
    assert resp.json["error"]["message"] == "Tham số “limit” phải là số nguyên."
    # Without a (valid) token there is no user to ask: the default language.
    resp = client.get("/api/v1/units", headers={"Authorization": "Bearer nothing"})
    assert resp.status_code == 401 and resp.json["error"]["message"].startswith("Cần mã truy cập hợp lệ")


def test_lazy_labels_of_the_audit_log_follow_the_language():
    from portal.admin.audit_log import ACTION_LABELS

    with i18n.language("en"):
        assert str(ACTION_LABELS["user.reset_password"]) == "Reset password"
    assert str(ACTION_LABELS["user.reset_password"]) == "Đặt lại mật khẩu"


def test_language_is_chosen_even_when_the_session_cannot_read_the_user(app, factory, db):
    """An error handler after a failed flush (e.g. a stale UPDATE) still answers, in a default language,
    instead of failing again on the caller's expired row."""
    from flask import g
    from sqlalchemy.exc import IntegrityError

    from portal import db as portal_db
    from portal.i18n import _select_locale
    from shared.models import Unit, User

    tree = factory.tree()
    user_id = factory.user("district", tree.d1, username="api_en", locale="en").id
    with app.test_request_context("/api/v1/whoami"):
        session = portal_db.session()
        g.api_user = session.get(User, user_id)
        assert _select_locale() == "en"
        session.add(Unit(name="Trùng mã", code=tree.d1.code, level="district", path="x/"))
        try:
            session.flush()
        except IntegrityError:
            pass
        session.expire(g.api_user)
        assert _select_locale() == "vi"
        session.rollback()
