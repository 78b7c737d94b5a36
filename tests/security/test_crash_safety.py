"""Crash safety: what the real server (waitress, `daihoi serve`) acknowledged survives kill -9.
Runs on the test database: an SQLite file in WAL mode, or PostgreSQL with TEST_DATABASE_URL."""
from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from shared.db import make_engine
from shared.models import AuditLog, CongressReport, EmailOutbox, Notification, ReportStatusChange, ReportVersion, User
from shared.reports import get_or_create_report
from tests.conftest import CSRF_RE, PASSWORD
from tests.report_data import complete_results

ROOT = Path(__file__).resolve().parents[2]
SECRET = "crash-test-secret-0123456789abcdef0123456789"


class Server:
    """`python -m portal.cli serve` on a free local port, in its own process."""

    def __init__(self, database_url: str, threads: int = 2, module: str = "portal.cli", env: dict | None = None,
                 args: tuple[str, ...] = ()):
        self.database_url = database_url
        self.args = args  # more `serve` options, e.g. ("--workers", "2")
        self.threads = threads
        self.module = module  # tests.security.paused_server: the same command with a pause hook
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAIHOI_")}
        env.update(DAIHOI_DATABASE_URL=self.database_url, DAIHOI_SECRET_KEY=SECRET, PYTHONUNBUFFERED="1",
                   PYTHONPATH=str(ROOT), **self.extra_env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module, "serve", "--port", "0", "--threads", str(self.threads), *self.args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        self.lines = lines  # what the server printed after it started (tracebacks), for failure messages
        threading.Thread(target=lambda: [lines.put(line) for line in self.proc.stdout], daemon=True).start()
        seen = []
        while True:  # `daihoi serve` says where it runs once the socket listens
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                self.kill()
                pytest.fail("the server did not start within 60 s:\n" + "".join(seen))
            seen.append(line)
            m = re.search(r"đang chạy tại (http://127\.0\.0\.1:\d+)", line)
            if m:
                break
            if self.proc.poll() is not None:
                pytest.fail("the server exited:\n" + "".join(seen))
        self.url = m.group(1)
        return self

    def output(self) -> str:
        out = []
        while not self.lines.empty():
            out.append(self.lines.get_nowait())
        return "".join(out)

    def kill(self) -> None:
        """SIGKILL: no atexit, no flush, no graceful shutdown."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
            assert self.proc.returncode == -signal.SIGKILL


@pytest.fixture
def server(database_url, db):
    """Starts servers; they are killed before `db` empties the tables (a paused one holds its locks)."""
    servers = []

    def _start(**kwargs):
        servers.append(Server(database_url, **kwargs).start())
        return servers[-1]

    yield _start
    for s in servers:
        s.kill()


def _token(client: httpx.Client, path: str) -> str:
    m = CSRF_RE.search(client.get(path).text)
    assert m
    return m.group(1) or m.group(2)


def test_an_acknowledged_login_and_logout_survive_kill_9(server, database_url, factory, db):
    t = factory.tree()
    factory.campaign()
    factory.user("coordinator", t.province, username="dieuphoi")
    if database_url.startswith("sqlite"):
        with make_engine(database_url).connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"

    browser = httpx.Client(timeout=30)  # cookies are per host, not per port: it survives restarts
    first = server()
    token = _token(browser, f"{first.url}/login")
    resp = browser.post(f"{first.url}/login", data={"username": "dieuphoi", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302  # acknowledged ...
    first.kill()  # ... and the server dies at once

    engine = make_engine(database_url)  # a new engine, as a restarted process opens it
    with engine.connect() as conn:
        user = conn.execute(select(User.id, User.last_login_at, User.session_version).where(User.username == "dieuphoi")).one()
        actions = conn.execute(select(AuditLog.action).where(AuditLog.user_id == user.id)).scalars().all()
    assert user.last_login_at is not None and actions == ["auth.login"]

    # After a restart the same browser is still logged in; it logs out, and the server dies again.
    second = server()
    assert browser.get(f"{second.url}/").status_code == 200
    token = _token(browser, f"{second.url}/")
    copied = browser.cookies["session"]
    assert browser.post(f"{second.url}/logout", data={"csrf_token": token}).status_code == 302
    second.kill()
    browser.close()

    third = server()
    with httpx.Client(timeout=30, cookies={"session": copied}) as replay:
        resp = replay.get(f"{third.url}/")
        assert resp.status_code == 302 and resp.headers["location"].startswith("/login")  # the logout held
    with engine.connect() as conn:
        assert conn.execute(select(User.session_version).where(User.id == user.id)).scalar() == user.session_version + 1
        actions = conn.execute(select(AuditLog.action).where(AuditLog.user_id == user.id).order_by(AuditLog.id)).scalars().all()
    assert actions == ["auth.login", "auth.logout"]
    engine.dispose()


# ---- a request killed inside its transaction --------------------------------------------------------

# What a "save and submit" of the report form writes, all in one transaction committed at its end.
WRITTEN = (ReportStatusChange, ReportVersion, AuditLog, Notification, EmailOutbox)
# The last thing it writes: the reviewer's notification (the report, its versions, the audit entries and the
# status change are flushed before). The request is stopped there.
LAST_WRITE = Notification.__tablename__
WAIT = 30  # seconds: every wait of these tests is bounded, so a broken run fails instead of hanging CI


def _database_state(database_url: str, report_id: int) -> dict:
    """The report row as stored, and how many rows each table the request writes has."""
    engine = make_engine(database_url)  # a new engine, as a restarted process opens it
    try:
        with engine.connect() as conn:
            row = conn.execute(select(CongressReport.__table__).where(CongressReport.id == report_id)).one()
            state = {"report": dict(row._mapping)}
            for model in WRITTEN:
                state[model.__tablename__] = conn.execute(select(func.count()).select_from(model)).scalar()
    finally:
        engine.dispose()
    return state


def _submit_in_background(browser: httpx.Client, url: str, data: dict) -> tuple[threading.Thread, list]:
    """POST in a thread (it never gets an answer: the server is stopped, then killed)."""
    outcome: list = []

    def _post():
        try:
            outcome.append(browser.post(url, data=data))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=_post, daemon=True)
    thread.start()
    return thread, outcome


def _wait_until(condition, what: str, outcome: list, server: Server):
    """Poll `condition` (which returns a true value when done) for at most WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if outcome:  # the request ended: it was never stopped inside its transaction
            answer = outcome[0]
            detail = f"{answer.status_code} {answer.text[:500]}" if isinstance(answer, httpx.Response) else repr(answer)
            pytest.fail(f"the request finished before {what}: {detail}\n{server.output()}")
        time.sleep(0.05)
    pytest.fail(f"not seen within {WAIT} s: {what}\n{server.output()}")


@pytest.mark.parametrize("stop", ["paused", "locked"])
def test_a_request_killed_inside_its_transaction_leaves_nothing_half_saved(stop, server, database_url, factory, db, tmp_path):
    """A reporter saves a change and submits; the server dies with everything but the last write done.
    paused: the server process itself stops before its last statement (both engines).
    locked: on PostgreSQL, the test holds a lock on the last table written and the request waits for it."""
    postgres = not database_url.startswith("sqlite")
    if stop == "locked" and not postgres:
        pytest.skip("SQLite has one write lock for the whole database: the request would wait before its first write")
    t = factory.tree()
    campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11, username="coso")
    factory.user("district", t.d1, username="rachgia", email="rachgia@example.vn")  # notified by mail too
    report = complete_results(get_or_create_report(db, campaign, t.g11, reporter), dt.date(2023, 4, 1))
    db.commit()
    report_id, present = report.id, report.present
    db.close()  # the test holds no transaction of its own

    marker = tmp_path / "paused.json"
    live = server(module="tests.security.paused_server", env={
        "CRASH_TEST_PAUSE_AT": rf'^\s*INSERT INTO "?{LAST_WRITE}\b' if stop == "paused" else r"(?!)",  # (?!): never
        "CRASH_TEST_PAUSE_FILE": str(marker),
    })
    browser = httpx.Client(timeout=WAIT * 2)
    token = _token(browser, f"{live.url}/login")
    assert browser.post(f"{live.url}/login", data={"username": "coso", "password": PASSWORD, "csrf_token": token}).status_code == 302
    page = f"{live.url}/units/{t.g11.id}/report"
    token = _token(browser, page)
    before = _database_state(database_url, report_id)
    assert before["report"]["status"] == "draft" and before[LAST_WRITE] == 0

    engine = make_engine(database_url)
    locker = engine.connect() if stop == "locked" else None
    try:
        if locker is not None:
            locker.execute(text("SET LOCAL lock_timeout = '10s'"))
            locker.execute(text(f"LOCK TABLE {LAST_WRITE} IN ACCESS EXCLUSIVE MODE"))
            locker_pid = locker.execute(text("SELECT pg_backend_pid()")).scalar()
        form = {"csrf_token": token, "version": str(before["report"]["version"]), "present": str(present - 1), "action": "submit"}
        thread, outcome = _submit_in_background(browser, page, form)

        if stop == "paused":
            _wait_until(marker.exists, f"the server stopping before its INSERT INTO {LAST_WRITE}", outcome, live)
            ran = json.loads(marker.read_text())["ran"]
            done = {m.group(1) for m in (re.match(r'\s*(?:UPDATE|INSERT INTO) "?(\w+)', s) for s in ran) if m}
        else:
            with engine.connect() as watcher:
                def blocked():  # the backend waiting for the test's lock (no match on query text)
                    watcher.rollback()  # a fresh snapshot of pg_stat_activity on every poll
                    return watcher.execute(text(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND application_name = current_setting('application_name') "
                        "AND CAST(:locker AS integer) = ANY(pg_blocking_pids(pid))"
                    ), {"locker": locker_pid}).scalar()

                pid = _wait_until(blocked, f"a server connection waiting for the lock on {LAST_WRITE}", outcome, live)
                # What that transaction already wrote: the tables it holds a write lock on.
                done = set(watcher.execute(text(
                    "SELECT CAST(relation AS regclass)::text FROM pg_locks "
                    "WHERE pid = :pid AND granted AND mode = 'RowExclusiveLock' AND locktype = 'relation'"
                ), {"pid": pid}).scalars())
        # The request is half done: the report and the trail of the save and of the submit are written.
        assert {CongressReport.__tablename__, ReportVersion.__tablename__, AuditLog.__tablename__,
                ReportStatusChange.__tablename__} <= done, done

        live.kill()
        if locker is not None:
            locker.rollback()  # the waiting statement may now run; its client is gone, so no COMMIT ever comes
            with engine.connect() as watcher:
                def ended():
                    watcher.rollback()
                    return not watcher.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).first()

                _wait_until(ended, "the killed server's backend ending", [], live)
        thread.join(timeout=WAIT)
        assert not thread.is_alive() and not isinstance(outcome[0], httpx.Response), outcome
    finally:
        if locker is not None:
            locker.close()
        engine.dispose()
        browser.close()

    assert _database_state(database_url, report_id) == before  # nothing of the request, not even in part
