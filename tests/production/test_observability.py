"""The access log: one JSON line per request with the route's template, never what the user typed; the
request id is taken from a sane proxy header, else made, and echoed back."""
from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="daihoi.access")

    def _lines():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "daihoi.access"]

    return _lines


def test_a_request_is_logged_by_its_route_without_query_or_form_data(client, factory, lines):
    t = factory.tree()
    factory.campaign()
    user = factory.user("district", t.d1, username="rachgia", full_name="Nguyễn Thị Hạnh")
    from tests.conftest import login

    login(client, "rachgia")  # the password travels in the form body
    resp = client.get(f"/units/{t.g11.id}?q=Nguyễn+Thị+Hạnh&as_of=01/04/2023", headers={"X-Request-Id": "proxy-req-12345678"})
    assert resp.headers["X-Request-Id"] == "proxy-req-12345678"
    last = lines()[-1]
    assert last == {"event": "request", "method": "GET", "path": "/units/<int:unit_id>", "endpoint": "units.show",
                    "status": 200, "duration_ms": last["duration_ms"], "user_id": user.id,
                    "request_id": "proxy-req-12345678"}
    assert isinstance(last["duration_ms"], float)
    logged = json.dumps(lines(), ensure_ascii=False)
    for secret in (PASSWORD, "Nguyễn", "Hạnh", "as_of", str(t.g11.id) + "?", "csrf"):
        assert secret not in logged, secret
    login_line = next(line for line in lines() if line["method"] == "POST")
    assert login_line["path"] == "/login" and login_line["status"] == 302


@pytest.mark.parametrize("incoming", ["", "short", "x" * 200, "bad id with spaces", "<script>", "a\u0301bcdefgh"])
def test_an_odd_incoming_request_id_is_replaced(client, lines, incoming):
    resp = client.get("/login", headers={"X-Request-Id": incoming} if incoming else {})
    made = resp.headers["X-Request-Id"]
    assert made != incoming and len(made) == 32 and made.isalnum()
    assert lines()[-1]["request_id"] == made


def test_health_endpoints_answer_without_login_and_stay_out_of_the_log_when_fine(client, lines):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ok", "checks": {"database": True}}
    assert ready.headers["Cache-Control"] == "no-store"
    assert [line["path"] for line in lines()] == []
    client.get("/khong-co")
    assert lines()[-1]["path"] == "<unmatched>" and lines()[-1]["status"] == 404
