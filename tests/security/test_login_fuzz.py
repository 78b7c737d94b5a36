"""Fuzzing the login form: random bytes, very long and mixed-normalisation text, odd field sets.
Whatever comes in, the answer is a page or a clear 4xx, never a server error, and nobody logs in."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, csrf_token

ALLOWED = {200, 400, 401, 413, 422}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

vietnamese = st.sampled_from(["Điều Phối", "dieuphoi", "Nguyễn Thị Hồng Nhung", "Đắk Lắk", "ỷ", "ĐIỀUPHỐI"])
mixed = st.builds(
    lambda text, form: unicodedata.normalize(form, text), vietnamese | st.text(), st.sampled_from(["NFC", "NFD", "NFKD"])
)
field = st.one_of(st.text(), mixed, st.text(min_size=300, max_size=3000), st.just("\x00"), st.just("dieuphoi\x00"))


@pytest.fixture
def fuzz_app(make_app, factory):
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    # The limiter would soon answer 429 to everything; the fuzz is about what lies behind it.
    app = make_app(RATELIMIT_ENABLED=False)
    client = app.test_client()
    return client, csrf_token(client)


def _not_logged_in(client):
    assert client.get("/").status_code == 302


@FUZZ
@given(username=field, password=field)
def test_any_text_in_the_fields(fuzz_app, username, password):
    client, token = fuzz_app
    resp = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert resp.status_code in ALLOWED
    _not_logged_in(client)


@FUZZ
@given(body=st.binary(max_size=4000))
def test_random_bytes_as_the_form_body(fuzz_app, body):
    client, token = fuzz_app
    raw = f"csrf_token={token}&".encode() + body
    resp = client.post("/login", data=raw, content_type="application/x-www-form-urlencoded")
    assert resp.status_code in ALLOWED
    _not_logged_in(client)


@FUZZ
@given(
    pairs=st.lists(st.tuples(st.sampled_from(["username", "password", "csrf_token", "next", "x"]), field), max_size=6),
    content_type=st.sampled_from(["multipart/form-data", "application/x-www-form-urlencoded"]),
)
def test_missing_and_duplicated_fields(fuzz_app, pairs, content_type):
    client, token = fuzz_app
    from werkzeug.datastructures import MultiDict

    data = MultiDict([("csrf_token", token), *pairs])
    resp = client.post("/login", data=data, content_type=content_type)
    assert resp.status_code in ALLOWED
    _not_logged_in(client)


def test_the_right_password_in_nfd_still_logs_in(fuzz_app, factory):
    """Normalisation: the same text typed on a keyboard that sends NFD is the same username."""
    client, token = fuzz_app
    resp = client.post("/login", data={"username": unicodedata.normalize("NFD", " DieuPhoi "), "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302


def test_a_huge_body_is_refused_before_it_is_read(fuzz_app):
    client, token = fuzz_app
    resp = client.post("/login", data={"username": "x" * (13 * 1024 * 1024), "password": "x", "csrf_token": token})
    assert resp.status_code == 413


def test_a_nul_byte_is_refused_with_a_clear_message(fuzz_app):
    client, token = fuzz_app
    resp = client.post("/login", data={"username": "dieuphoi\x00", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 400
    assert "ký tự không hợp lệ" in resp.get_data(as_text=True)
    assert client.get("/login?next=%00").status_code == 400
