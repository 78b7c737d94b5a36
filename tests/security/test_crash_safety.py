"""Crash safety: what the real server (waitress, `daihoi serve`) acknowledged survives kill -9.
Runs on the test database: an SQLite file in WAL mode, or PostgreSQL with TEST_DATABASE_URL."""
from __future__ import annotations

import os
import queue
import signal
import re
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from shared.db import make_engine
from shared.models import AuditLog, User
from tests.conftest import CSRF_RE, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SECRET = "crash-test-secret-0123456789abcdef0123456789"


class Server:
    """`python -m portal.cli serve` on a free local port, in its own process."""

    def __init__(self, database_url: str, threads: int = 2):
        self.database_url = database_url
        self.threads = threads
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAIHOI_")}
        env.update(DAIHOI_DATABASE_URL=self.database_url, DAIHOI_SECRET_KEY=SECRET, PYTHONUNBUFFERED="1",
                   PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "portal.cli", "serve", "--port", "0", "--threads", str(self.threads)],
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
def server(database_url):
    servers = []

    def _start():
        servers.append(Server(database_url).start())
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
