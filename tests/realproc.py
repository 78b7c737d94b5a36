"""What the user runs, run for real: `daihoi serve` as its own process on the test database.

The Flask test client and Textual's pilot are fast but simulate the user; a defect of the real process
(a server that never answers, a screen stuck on its loading indicator) passes them. Tests that must see
what a user sees start the installed `daihoi` command here.
"""
from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECRET = "real-process-test-secret-0123456789abcdef0123"


def daihoi_command() -> list[str]:
    """The `daihoi` console script of this interpreter's environment (what `make install` puts on PATH)."""
    script = Path(sys.executable).with_name("daihoi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "portal.cli"]


def daihoi_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `daihoi` process on the test database: none of the caller's DAIHOI_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAIHOI_")}
    env.update(DAIHOI_DATABASE_URL=database_url, DAIHOI_SECRET_KEY=SECRET, PYTHONUNBUFFERED="1",
               PYTHONPATH=str(ROOT), **extra)
    return env


class Server:
    """`daihoi serve` on a free local port, in its own process.

    `module` runs `python -m MODULE serve` instead of the installed script (tests.security.paused_server:
    the same command with a pause hook)."""

    def __init__(self, database_url: str, threads: int = 2, module: str | None = None, env: dict | None = None,
                 args: tuple[str, ...] = ()):
        self.database_url = database_url
        self.threads = threads
        self.module = module
        self.extra_env = env or {}
        self.args = args
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> Server:
        command = [sys.executable, "-m", self.module] if self.module else daihoi_command()
        self.proc = subprocess.Popen(
            [*command, "serve", "--port", "0", "--threads", str(self.threads), *self.args],
            cwd=ROOT, env=daihoi_env(self.database_url, **self.extra_env),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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
            m = re.search(r"(?:đang chạy tại|running at) (http://127\.0\.0\.1:\d+)", line)
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

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; SIGKILL if it does not end within 30 s."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def serve(database_url, db, tmp_path):
    """Starts `daihoi serve` processes on the test database: `serve(**Server kwargs)`. They are killed
    before `db` empties the tables (a server paused inside a transaction holds its locks)."""
    servers: list[Server] = []

    def _start(**kwargs) -> Server:
        env = {"DAIHOI_UPLOAD_FOLDER": str(tmp_path / "uploads"), **kwargs.pop("env", {})}
        servers.append(Server(database_url, env=env, **kwargs).start())
        return servers[-1]

    yield _start
    for s in servers:
        s.kill()
