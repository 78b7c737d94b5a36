"""After every kind of answer of the real server (pages, and the error pages 400, 403, 404, 429 and 500 with a
failed database statement), no connection is left inside a transaction: an idle open transaction holds locks
(schema changes, TRUNCATE and on SQLite checkpoints wait for it) and keeps old row versions alive."""
from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import text

from shared.db import make_engine
from shared.reports import get_or_create_report
from tests.conftest import PASSWORD
from tests.report_data import complete_results
from tests.security.test_crash_safety import _token, server  # noqa: F401 (fixture)


def _open_transactions(database_url: str) -> list:
    """Connections of this test run (other than the asking one) that sit inside a transaction."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                return conn.execute(text(
                    "SELECT pid, state, query FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                    "AND application_name = current_setting('application_name') AND state LIKE 'idle in transaction%'"
                )).all()
            # SQLite: a checkpoint that empties the WAL cannot finish while another connection writes or holds a
            # read snapshot. (A forgotten read-only session holds none: the driver only opens a transaction
            # before a write, so on SQLite this sees less than pg_stat_activity does on PostgreSQL.)
            conn.exec_driver_sql("PRAGMA busy_timeout=2000")
            busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            return ["another connection holds a transaction (the WAL checkpoint was busy)"] if busy else []
    finally:
        engine.dispose()


def test_no_answer_leaves_a_connection_inside_a_transaction(server, database_url, factory, db):
    t = factory.tree()
    campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11, username="coso")
    report = complete_results(get_or_create_report(db, campaign, t.g11, reporter), dt.date(2023, 4, 1))
    db.commit()
    version = report.version
    db.close()
    live = server(module="tests.security.paused_server", env={
        "CRASH_TEST_FAIL_AT": r"^\s*UPDATE congress_reports",  # saving the report fails: a 500 after a database error
        "DAIHOI_LOGIN_LIMIT_PER_USERNAME": "2 per 5 minutes",
    })
    seen = {}
    with httpx.Client(timeout=30) as browser:
        def get(path, **kw):
            resp = browser.get(f"{live.url}{path}", **kw)
            seen.setdefault(resp.status_code, path)
            return resp

        def post(path, data):
            resp = browser.post(f"{live.url}{path}", data=data)
            seen.setdefault(resp.status_code, path)
            return resp

        token = _token(browser, f"{live.url}/login")
        for _ in range(3):  # refused, refused, then too many attempts
            post("/login", {"username": "khongco", "password": "sai-mat-khau", "csrf_token": token})
        assert post("/login", {"username": "coso", "password": PASSWORD, "csrf_token": token}).status_code == 302
        for path in ("/", "/notifications", f"/units/{t.g11.id}/report", "/khong-co-trang-nay", "/admin/",
                     f"/units/{t.d2.id}/report", "/?q=%00", "/api/v1/units", "/api/v1/khong-co"):
            get(path)
        page = f"/units/{t.g11.id}/report"
        token = _token(browser, f"{live.url}{page}")
        post(page, {"csrf_token": token, "version": str(version), "present": "30"})  # the UPDATE fails: 500
        post("/notifications/read-all", {})  # no CSRF token: 400
        get("/")  # and the server still answers afterwards
    assert {200, 400, 401, 403, 404, 429, 500} <= set(seen), seen
    assert "test hook: this statement fails" in live.output()
    assert _open_transactions(database_url) == []  # asked while the server still runs: its connections count
