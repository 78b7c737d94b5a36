"""Login, logout, login required everywhere, CSRF."""
from tests.conftest import PASSWORD, csrf_token, login


def test_login_page_is_public_and_in_vietnamese(client):
    resp = client.get("/login")
    assert resp.status_code == 200
    assert "Đăng nhập" in resp.get_data(as_text=True)


def test_every_other_page_requires_login(client, factory):
    t = factory.tree()
    for url in ("/", f"/units/{t.d1.id}"):
        resp = client.get(url)
        assert resp.status_code == 302
        assert resp.location.startswith("/login")


def test_wrong_password_shows_a_vietnamese_error_and_keeps_username(client, factory):
    t = factory.tree()
    factory.user("coordinator", t.province, username="dieuphoi")
    resp = login(client, "dieuphoi", "sai-mat-khau")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html
    assert 'value="dieuphoi"' in html
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_log_in(client, factory):
    t = factory.tree()
    factory.user("coordinator", t.province, username="nghiviec", active=False)
    assert login(client, "nghiviec").status_code == 401


def test_login_then_logout(client, factory):
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    resp = login(client, "DieuPhoi", PASSWORD)
    assert resp.status_code == 302 and resp.location == "/"
    assert "Tiến độ đại hội" in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/")
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 302
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client, factory):
    t = factory.tree()
    factory.user("coordinator", t.province, username="dieuphoi")
    resp = client.post("/login", data={"username": "dieuphoi", "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_is_refused(client, factory, login_as):
    t = factory.tree()
    factory.campaign()
    login_as(factory.user("coordinator", t.province))
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_next_parameter_only_follows_local_paths(client, factory):
    t = factory.tree()
    factory.user("coordinator", t.province, username="dieuphoi")
    token = csrf_token(client)
    resp = client.post("/login?next=//evil.example/x", data={"username": "dieuphoi", "password": PASSWORD, "csrf_token": token})
    assert resp.location == "/"


def test_password_is_stored_hashed(db, factory):
    t = factory.tree()
    user = factory.user("coordinator", t.province)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2")
