"""Brute force on the login form: limits per username and per client address, in Redis when set."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, csrf_token


def _attempt(app, username: str, password: str, ip: str):
    """One login attempt from a fresh browser at address `ip`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def limited_app(make_app, limiter_storage, factory):
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    factory.user("district", t.d1, username="rachgia")
    return make_app(LOGIN_LIMIT_PER_USERNAME="3 per 5 minutes", LOGIN_LIMIT_PER_IP="5 per 10 minutes", **limiter_storage)


def test_guessing_one_users_password_from_many_addresses_is_stopped(limited_app):
    for i in range(3):
        assert _attempt(limited_app, "dieuphoi", f"sai-{i}", f"10.0.0.{i + 1}").status_code == 401
    resp = _attempt(limited_app, "DieuPhoi", PASSWORD, "10.0.0.9")  # right password, same user in other case
    html = resp.get_data(as_text=True)
    assert resp.status_code == 429
    assert "đăng nhập sai quá nhiều lần" in html and "phút" in html
    assert int(resp.headers["Retry-After"]) > 0
    # Another account is not locked by it.
    assert _attempt(limited_app, "rachgia", PASSWORD, "10.0.0.9").status_code == 302


def test_one_address_trying_many_usernames_is_stopped(limited_app):
    for i in range(5):
        assert _attempt(limited_app, f"khong-co-{i}", "sai", "10.1.1.1").status_code == 401
    assert _attempt(limited_app, "dieuphoi", PASSWORD, "10.1.1.1").status_code == 429
    assert _attempt(limited_app, "dieuphoi", PASSWORD, "10.1.1.2").status_code == 302


def test_successful_logins_and_form_errors_do_not_count(limited_app):
    for _ in range(6):
        assert _attempt(limited_app, "dieuphoi", PASSWORD, "10.2.2.2").status_code == 302
        assert _attempt(limited_app, "dieuphoi", "", "10.2.2.2").status_code == 422
    assert _attempt(limited_app, "dieuphoi", "sai", "10.2.2.2").status_code == 401


def test_limits_live_in_redis_when_configured(limited_app, limiter_storage):
    (limiter,) = limited_app.extensions["limiter"]
    if not limiter_storage["REDIS_URL"]:
        assert type(limiter.storage).__name__ == "MemoryStorage"
        pytest.skip("Redis not reachable here (CI runs this against Redis)")
    import redis

    assert type(limiter.storage).__name__.startswith("Redis")
    _attempt(limited_app, "dieuphoi", "sai", "10.3.3.3")
    keys = list(redis.Redis.from_url(limiter_storage["REDIS_URL"]).scan_iter(f"*{limiter_storage['RATELIMIT_KEY_PREFIX']}*"))
    assert len(keys) == 3  # one counter per address, one per username and address, one per username


def test_a_second_app_server_sees_the_same_counters(make_app, limiter_storage, factory):
    """Several portal processes behind one proxy share the limits through Redis."""
    if not limiter_storage["REDIS_URL"]:
        pytest.skip("needs Redis (CI runs this against Redis)")
    t = factory.tree()
    factory.user("coordinator", t.province, username="dieuphoi")
    settings = dict(LOGIN_LIMIT_PER_USERNAME="2 per 5 minutes", **limiter_storage)
    first, second = make_app(**settings), make_app(**settings)
    assert _attempt(first, "dieuphoi", "sai", "10.4.4.1").status_code == 401
    assert _attempt(second, "dieuphoi", "sai", "10.4.4.2").status_code == 401
    assert _attempt(first, "dieuphoi", PASSWORD, "10.4.4.3").status_code == 429


def test_without_redis_the_limiter_keeps_counts_in_memory(make_app):
    app = make_app(REDIS_URL=None)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
