"""Passwords, API tokens and their limits (issue 16, item 9): an account on a one-time password reads nothing
and gets no token until it has chosen its own password; a forced or own password change ends the old tokens
and sessions; the current password of /account/password is limited like a login; the login form and the
token request count failures together; a guesser at one address does not lock the user out everywhere;
every file made for download is sent with `Cache-Control: no-store`."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from shared.models import ApiToken
from tests.conftest import PASSWORD, csrf_token, login


def _post(client, url, data, page=None):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)})


def _token(client, username, password=PASSWORD, ip=None):
    environ = {"REMOTE_ADDR": ip} if ip else {}
    return client.post("/api/v1/tokens", json={"username": username, "password": password}, environ_base=environ)


@pytest.fixture
def people(factory, today):
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.federation = factory.user("federation", t.province, username="liendoan")
    t.district = factory.user("district", t.d1, username="rachgia")
    return t


def _one_time_password(app, people) -> str:
    """The federation creates an account; the page shows its one-time password once."""
    admin = app.test_client()
    assert login(admin, "liendoan").status_code == 302
    resp = _post(admin, "/admin/users/new", {"username": "vinhlac", "full_name": "Lê Thị Thu", "role": "reporter",
                                             "unit_code": "G11"})
    return re.search(r"data-password>([^<]+)<", resp.get_data(as_text=True)).group(1)


def test_a_one_time_password_gets_no_api_token_and_no_data(app, client, people, db):
    password = _one_time_password(app, people)
    resp = _token(client, "vinhlac", password)
    assert resp.status_code == 403
    assert resp.json["error"]["code"] == "password_change_required"
    assert "đổi mật khẩu" in resp.json["error"]["message"]
    assert db.scalar(select(func.count(ApiToken.id))) == 0
    # The portal too shows nothing but the password form.
    browser = app.test_client()
    assert login(browser, "vinhlac", password).status_code == 302
    for page in ("/", f"/units/{people.g11.id}", f"/units/{people.g11.id}/report", "/notifications"):
        resp = browser.get(page)
        assert resp.status_code == 302 and resp.location.endswith("/account/password"), page
    # Once the user has chosen a password, the API answers.
    resp = _post(browser, "/account/password", {"current": password, "password": "hoa-sen-no-ve-dem", "confirm": "hoa-sen-no-ve-dem"})
    assert resp.status_code == 303
    assert _token(client, "vinhlac", "hoa-sen-no-ve-dem").status_code == 201


def test_a_forced_change_ends_tokens_and_sessions(app, client, people):
    token = _token(client, "rachgia").json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    browser = app.test_client()
    assert login(browser, "rachgia").status_code == 302
    assert client.get("/api/v1/me", headers=bearer).status_code == 200

    admin = app.test_client()
    assert login(admin, "liendoan").status_code == 302
    page = f"/admin/users/{people.district.id}/edit"
    assert _post(admin, f"/admin/users/{people.district.id}/force-password-change", {}, page=page).status_code == 303

    assert client.get("/api/v1/me", headers=bearer).status_code == 401  # the old token is dead
    assert browser.get("/").status_code == 302 and "/login" in browser.get("/").location
    # Logging in again with the (right) old password leads to the password form, and the API still refuses.
    assert login(browser, "rachgia").status_code == 302
    assert browser.get("/").location.endswith("/account/password")
    assert _token(client, "rachgia").status_code == 403


def test_changing_ones_own_password_ends_the_old_tokens(app, client, people):
    token = _token(client, "rachgia").json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    browser = app.test_client()
    assert login(browser, "rachgia").status_code == 302
    resp = _post(browser, "/account/password", {"current": PASSWORD, "password": "hoa-sen-no-ve-dem", "confirm": "hoa-sen-no-ve-dem"})
    assert resp.status_code == 303
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    assert browser.get("/").status_code == 200  # this browser carries on


def test_a_token_of_an_account_told_to_change_its_password_reads_nothing(app, client, people, db):
    """Even one issued before the flag was set by other means than the forced-change button."""
    token = _token(client, "rachgia").json["token"]
    people.district.must_change_password = True
    db.commit()
    resp = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 403 and resp.json["error"]["code"] == "password_change_required"


# ---- limits ------------------------------------------------------------------------------------


@pytest.fixture
def limited(make_app, limiter_storage, people):
    return make_app(LOGIN_LIMIT_PER_USERNAME_AND_IP="5 per 5 minutes", LOGIN_LIMIT_PER_IP="30 per 10 minutes",
                    LOGIN_LIMIT_PER_USERNAME="100 per hour", **limiter_storage)


def _form_attempt(app, username, password, ip):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = ip
    return c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(c)})


def test_the_login_form_and_the_api_share_one_failure_counter(limited):
    api = limited.test_client()
    for i in range(3):
        assert _form_attempt(limited, "rachgia", f"sai-{i}", "10.5.0.1").status_code == 401
    for i in range(2):
        assert _token(api, "rachgia", f"sai-api-{i}", ip="10.5.0.1").status_code == 401
    # Five wrong in all: both doors are shut for this name at this address, right password or not.
    assert _token(api, "rachgia", PASSWORD, ip="10.5.0.1").status_code == 429
    resp = _form_attempt(limited, "rachgia", PASSWORD, "10.5.0.1")
    assert resp.status_code == 429 and "đăng nhập sai quá nhiều lần" in resp.get_data(as_text=True)


def test_five_wrong_passwords_do_not_lock_the_user_out_everywhere(limited):
    for i in range(5):
        assert _form_attempt(limited, "rachgia", f"sai-{i}", "10.6.0.66").status_code == 401
    assert _form_attempt(limited, "rachgia", PASSWORD, "10.6.0.66").status_code == 429  # the guesser's address
    assert _form_attempt(limited, "rachgia", PASSWORD, "10.6.0.7").status_code == 302  # the user, elsewhere
    assert _token(limited.test_client(), "rachgia", PASSWORD, ip="10.6.0.8").status_code == 201


def test_the_guesser_address_is_still_limited_across_usernames(limited):
    for i in range(30):
        assert _form_attempt(limited, f"khong-co-{i}", "sai", "10.7.0.1").status_code == 401
    assert _form_attempt(limited, "rachgia", PASSWORD, "10.7.0.1").status_code == 429


def test_a_guess_spread_over_many_addresses_is_stopped_for_the_name(make_app, limiter_storage, people):
    app = make_app(LOGIN_LIMIT_PER_USERNAME="8 per hour", **limiter_storage)
    for i in range(8):
        assert _form_attempt(app, "rachgia", f"sai-{i}", f"10.8.0.{i + 1}").status_code == 401
    assert _form_attempt(app, "rachgia", PASSWORD, "10.8.1.1").status_code == 429


def test_the_current_password_of_the_password_form_is_limited_like_a_login(limited):
    browser = limited.test_client()
    browser.environ_base["REMOTE_ADDR"] = "10.9.0.1"
    assert login(browser, "rachgia").status_code == 302
    for i in range(5):
        resp = _post(browser, "/account/password", {"current": f"sai-{i}", "password": "hoa-sen-no-ve-dem",
                                                    "confirm": "hoa-sen-no-ve-dem"})
        assert resp.status_code == 422 and "Mật khẩu hiện tại không đúng" in resp.get_data(as_text=True)
    resp = _post(browser, "/account/password", {"current": PASSWORD, "password": "hoa-sen-no-ve-dem", "confirm": "hoa-sen-no-ve-dem"})
    assert resp.status_code == 429
    # The same counter as the login: the token request from that address is shut as well.
    assert _token(limited.test_client(), "rachgia", PASSWORD, ip="10.9.0.1").status_code == 429


def test_a_refused_new_password_is_not_a_guess(limited):
    browser = limited.test_client()
    browser.environ_base["REMOTE_ADDR"] = "10.10.0.1"
    assert login(browser, "rachgia").status_code == 302
    for _ in range(7):  # the right current password with a weak new one: a form error, not a guess
        resp = _post(browser, "/account/password", {"current": PASSWORD, "password": "12345678", "confirm": "12345678"})
        assert resp.status_code == 422
    resp = _post(browser, "/account/password", {"current": PASSWORD, "password": "hoa-sen-no-ve-dem", "confirm": "hoa-sen-no-ve-dem"})
    assert resp.status_code == 303


# ---- downloads -----------------------------------------------------------------------------------


def test_every_file_download_is_no_store(app, db, factory, today):
    """Exports, steering exports, the level-report draft, attachments, templates: personal data must leave no
    copy in a shared browser's cache or a proxy (send_file's own header is only "no-cache")."""
    from tests.security import world as world_mod

    today(dt.date(2023, 4, 15))
    w = world_mod.build(db, factory, app.config["UPLOAD_FOLDER"])
    downloads = ["/dashboard/export.xlsx", "/dashboard/export.docx", "/party/steering/export.xlsx",
                  f"/party/units/{w.d1.id}/steering.xlsx", f"/party/level-reports/{w.bodies['d1'].id}/draft.docx",
                  f"/party/level-reports/{w.bodies['d1'].id}/scan", f"/party/documents/{w.doc_in.id}/file",
                  f"/units/{w.g11.id}/report/attachments/{w.att_in.id}", "/party/documents/templates/bien-ban-dai-hoi.docx",
                  "/admin/units/import/template.xlsx"]
    client = app.test_client()
    assert login(client, "m_admin").status_code == 302
    for url in downloads:
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "attachment" in resp.headers.get("Content-Disposition", ""), url
        assert "no-store" in resp.headers["Cache-Control"], (url, resp.headers["Cache-Control"])
    # The static files alone may be cached.
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")
