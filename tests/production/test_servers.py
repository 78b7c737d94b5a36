"""Several `daihoi serve` processes on one PostgreSQL database, as a province runs them behind a proxy:
files uploaded through one are downloaded through another, a login limited through one is limited through
another (Redis), `/readyz` follows the database, production refuses several workers without Redis, and a
stopped server leaves a save whole or not at all."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import threading
import time
import uuid

import httpx
import pytest
import redis
from click.testing import CliRunner
from sqlalchemy import func, select

from shared import tokens
from shared.models import Attachment, AuditLog, CongressReport, ReportVersion
from shared.reports import get_or_create_report, record_version
from tests.conftest import CSRF_RE, PASSWORD
from tests.security.test_crash_safety import Server

REDIS_URL = "redis://127.0.0.1:6379/0"
PDF = b"%PDF-1.4\n" + os.urandom(300_000) + b"\n%%EOF\n"  # more than one chunk


@pytest.fixture
def pg_only(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("several server processes on one database: PostgreSQL (TEST_DATABASE_URL); CI sets it")


@pytest.fixture
def servers(database_url, db):
    """Starts `daihoi serve` processes; each is killed before `db` empties the tables."""
    started: list[Server] = []

    def _start(**kwargs) -> Server:
        started.append(Server(database_url, **kwargs).start())
        return started[-1]

    yield _start
    for s in started:
        s.kill()


def _login(browser: httpx.Client, url: str, username: str, password: str = PASSWORD) -> httpx.Response:
    m = CSRF_RE.search(browser.get(f"{url}/login").text)
    return browser.post(f"{url}/login", data={"username": username, "password": password,
                                              "csrf_token": m.group(1) or m.group(2)})


def _token(browser: httpx.Client, page: str) -> str:
    m = CSRF_RE.search(browser.get(page).text)
    assert m, page
    return m.group(1) or m.group(2)


def test_a_file_uploaded_through_one_server_downloads_through_another(pg_only, servers, factory, db, today):
    import datetime as dt

    today(dt.date(2023, 6, 1))
    t = factory.tree()
    factory.campaign()
    factory.user("reporter", t.g11, username="coso11")
    factory.user("district", t.d1, username="rachgia")
    a, b = servers(), servers(args=("--workers", "2"))
    with httpx.Client(timeout=30) as reporter:
        assert _login(reporter, a.url, "coso11").status_code == 302
        page = f"{a.url}/units/{t.g11.id}/report"
        resp = reporter.post(f"{page}/attachments", data={"csrf_token": _token(reporter, page), "kind": "minutes"},
                             files={"file": ("bien-ban.pdf", PDF, "application/pdf")})
        assert resp.status_code == 303, resp.text[:500]
    att = db.scalar(select(Attachment))
    with httpx.Client(timeout=30) as district:  # another user, another server (two gunicorn workers)
        assert _login(district, b.url, "rachgia").status_code == 302
        for _ in range(4):  # whichever worker answers
            got = district.get(f"{b.url}/units/{t.g11.id}/report/attachments/{att.id}")
            assert got.status_code == 200 and got.content == PDF
            assert got.headers["content-disposition"].startswith("attachment")
            assert int(got.headers["content-length"]) == len(PDF)


@pytest.fixture
def redis_prefix():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    prefix = f"daihoi-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_a_login_limited_through_one_server_is_limited_through_another(pg_only, servers, factory, redis_prefix):
    t = factory.tree()
    factory.user("district", t.d1, username="rachgia")
    env = {"DAIHOI_REDIS_URL": REDIS_URL, "DAIHOI_RATELIMIT_KEY_PREFIX": redis_prefix,
           "DAIHOI_LOGIN_LIMIT_PER_USERNAME": "2 per 5 minutes"}
    a, b = servers(env=env), servers(env=env, args=("--workers", "2"))
    with httpx.Client(timeout=30) as attacker:
        assert _login(attacker, a.url, "rachgia", "sai-mat-khau").status_code == 401  # refused, counted
        assert _login(attacker, b.url, "rachgia", "sai-mat-khau-2").status_code == 401
    with httpx.Client(timeout=30) as user:  # even the right password now waits, on either server
        for url in (a.url, b.url):
            resp = _login(user, url, "rachgia")
            assert resp.status_code == 429, (url, resp.status_code)
            assert "thử lại sau" in resp.text


class Gate:
    """A TCP relay in front of PostgreSQL that the test opens and shuts: the database "goes away" for the
    server (connections cut, new ones refused) while the machine's PostgreSQL keeps running."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.pairs: list[socket.socket] = []
        self.lock = threading.Lock()

    def open(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(32)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def shut(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (close alone does not)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for s in self.pairs:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.pairs.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.pairs += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass


def _until(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)  # polling with a deadline, not waiting for a fixed time


def test_readyz_fails_while_the_database_is_away_and_recovers(pg_only, database_url, servers, db):
    from sqlalchemy.engine import make_url

    real = make_url(database_url)
    gate = Gate((real.host or "127.0.0.1", real.port or 5432))
    gate.open()
    via_gate = real.set(host="127.0.0.1", port=gate.port).render_as_string(hide_password=False)
    server = Server(via_gate).start()
    try:
        with httpx.Client(timeout=30) as probe:
            assert probe.get(f"{server.url}/readyz").json() == {"status": "ok", "checks": {"database": True}}
            gate.shut()
            down = probe.get(f"{server.url}/readyz")
            assert down.status_code == 503 and down.json()["checks"]["database"] is False
            assert probe.get(f"{server.url}/healthz").status_code == 200  # the process itself is fine
            gate.open()
            assert _until(lambda: probe.get(f"{server.url}/readyz").status_code == 200)
            assert probe.get(f"{server.url}/login").status_code == 200  # and it serves again
    finally:
        server.kill()
        gate.shut()


def test_readyz_fails_on_a_database_behind_the_code(fresh_url):
    from portal import create_app
    from shared.migrate import upgrade

    upgrade(fresh_url, "0005p")  # the code expects 0006f (or newer)
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": fresh_url})
    try:
        resp = app.test_client().get("/readyz")
        assert resp.status_code == 503 and resp.json == {"status": "unavailable", "checks": {"database": False}}
        upgrade(fresh_url)
        assert app.test_client().get("/readyz").status_code == 200
        app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # configured but unreachable
        resp = app.test_client().get("/readyz")
        assert resp.status_code == 503 and resp.json["checks"] == {"database": True, "redis": False}
    finally:
        app.extensions["daihoi.engine"].dispose()


def test_production_refuses_several_workers_without_redis(database_url, db, monkeypatch):
    from portal.cli import main

    for name in [k for k in os.environ if k.startswith("DAIHOI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DAIHOI_ENV", "production")
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    monkeypatch.setenv("DAIHOI_SECRET_KEY", "9f2c4e8a1b7d3f6e0a5c9b2d8e4f1a7c3b6d0e9f")
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--workers", "2"])
    assert result.exit_code != 0
    assert "DAIHOI_REDIS_URL" in result.output and "--workers 1" in result.output
    assert "Traceback" not in result.output


def _report_with_token(db, factory):
    t = factory.tree()
    campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11, username="coso11")
    report = get_or_create_report(db, campaign, t.g11, reporter)
    record_version(db, report, reporter)
    secret = tokens.issue(db, reporter)[0]
    db.commit()
    return t, report.id, report.version, secret


def _state(db, report_id: int) -> tuple:
    db.expire_all()
    report = db.get(CongressReport, report_id)
    versions = db.scalar(select(func.count()).select_from(ReportVersion).where(ReportVersion.report_id == report_id))
    audits = db.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "report.save"))
    return report.version, report.members_total, versions, audits


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_during_a_save_leaves_all_of_it_or_none(pg_only, servers, factory, db, tmp_path, workers):
    """The server is stopped while a save is inside its transaction (paused before writing the version row,
    after the report row): nothing of the save may remain."""
    t, report_id, version, secret = _report_with_token(db, factory)
    before = _state(db, report_id)
    marker = tmp_path / "paused.json"
    server = servers(module="tests.security.paused_server", args=("--workers", str(workers)), env={
        "CRASH_TEST_PAUSE_AT": r"^\s*INSERT INTO report_versions", "CRASH_TEST_PAUSE_FILE": str(marker),
        "DAIHOI_GRACEFUL_SECONDS": "2",
    })
    outcome: dict = {}

    def save():
        try:
            outcome["resp"] = httpx.put(f"{server.url}/api/v1/units/{t.g11.id}/report", json={"members_total": 77},
                                        headers={"Authorization": f"Bearer {secret}", "If-Match": f'"{version}"'},
                                        timeout=60)
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    client = threading.Thread(target=save)
    client.start()
    assert _until(marker.exists), server.output()
    ran = json.loads(marker.read_text())["ran"]
    assert any(re.match(r"\s*UPDATE congress_reports", s) for s in ran)  # the report row was written already
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=60)
    client.join(timeout=60)
    assert "resp" not in outcome or outcome["resp"].status_code >= 500  # never acknowledged
    assert _state(db, report_id) == before


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_lets_a_save_in_progress_finish_and_answer(pg_only, servers, factory, db, tmp_path, workers):
    """Graceful shutdown (waitress, gunicorn): a save already running when SIGTERM arrives completes, is
    answered, and is all there; then the server exits by itself."""
    t, report_id, version, secret = _report_with_token(db, factory)
    marker = tmp_path / "slow.json"
    server = servers(module="tests.production.slow_server", args=("--workers", str(workers)), env={
        "SLOW_TEST_AT": r"^\s*INSERT INTO report_versions", "SLOW_TEST_FILE": str(marker), "SLOW_TEST_SECONDS": "2",
    })
    outcome: dict = {}

    def save():
        outcome["resp"] = httpx.put(f"{server.url}/api/v1/units/{t.g11.id}/report", json={"members_total": 77},
                                    headers={"Authorization": f"Bearer {secret}", "If-Match": f'"{version}"'},
                                    timeout=60)

    client = threading.Thread(target=save)
    client.start()
    assert _until(marker.exists), server.output()
    server.proc.send_signal(signal.SIGTERM)
    client.join(timeout=60)
    assert server.proc.wait(timeout=60) == 0
    assert outcome["resp"].status_code == 200, outcome["resp"].text[:300]
    new_version, members, versions, audits = _state(db, report_id)
    assert (new_version, members) == (version + 1, 77) and versions == 2 and audits == 1
