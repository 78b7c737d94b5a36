"""Admission of writes (portal/admission.py): reads never wait, writes take one of a few places each, a write
that has waited long enough runs anyway, and a place comes back however the request ends."""
from __future__ import annotations

import threading
import time

import pytest

from portal.admission import WriteAdmission, default_slots, install


class App:
    """A WSGI app whose POSTs block until released; records what ran, in order."""

    def __init__(self):
        self.ran: list[str] = []
        self.release: dict[str, threading.Event] = {}
        self.fail = False

    def __call__(self, environ, start_response):
        name = environ["PATH_INFO"]
        self.ran.append(name)
        if self.fail:
            raise RuntimeError("boom")
        if environ["REQUEST_METHOD"] == "POST":
            self.release.setdefault(name, threading.Event()).wait(5)
        start_response("200 OK", [])
        return [name.encode()]


def call(gate, method, path):
    body = gate({"REQUEST_METHOD": method, "PATH_INFO": path}, lambda *a: None)
    out = b"".join(body)
    body.close() if hasattr(body, "close") else None
    return out


def in_thread(gate, method, path) -> threading.Thread:
    th = threading.Thread(target=call, args=(gate, method, path), daemon=True)
    th.start()
    return th


def wait_until(cond, timeout=5.0):
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)  # noqa: polling a condition, bounded


def test_reads_pass_while_the_one_place_is_taken_and_writes_wait_their_turn():
    app = App()
    gate = WriteAdmission(app, slots=1, wait_ms=5000)
    first = in_thread(gate, "POST", "/a")
    wait_until(lambda: "/a" in app.ran)
    second = in_thread(gate, "PUT", "/b")
    assert call(gate, "GET", "/read") == b"/read"  # not held back by the write running
    time.sleep(0.1)  # noqa: give the second write the time to (wrongly) start
    assert "/b" not in app.ran
    app.release["/a"] = app.release.get("/a") or threading.Event()
    app.release["/a"].set()
    first.join(5)
    wait_until(lambda: "/b" in app.ran)
    app.release.setdefault("/b", threading.Event()).set()
    second.join(5)
    assert app.ran == ["/a", "/read", "/b"]


def test_a_write_that_waited_long_enough_runs_anyway():
    app = App()
    gate = WriteAdmission(app, slots=1, wait_ms=50)
    first = in_thread(gate, "POST", "/long-import")
    wait_until(lambda: "/long-import" in app.ran)
    app.release["/quick"] = threading.Event()
    app.release["/quick"].set()
    started = time.monotonic()
    assert call(gate, "POST", "/quick") == b"/quick"
    assert 0.04 <= time.monotonic() - started < 2
    app.release.setdefault("/long-import", threading.Event()).set()
    first.join(5)


def test_the_place_comes_back_when_the_app_answers_or_fails():
    app = App()
    gate = WriteAdmission(app, slots=1, wait_ms=5000)
    app.fail = True
    with pytest.raises(RuntimeError):
        call(gate, "POST", "/x")
    app.fail = False
    app.release["/y"] = threading.Event()
    app.release["/y"].set()
    started = time.monotonic()
    assert call(gate, "POST", "/y") == b"/y"  # the failed write gave its place back
    assert call(gate, "DELETE", "/y") == b"/y"  # and so did the one whose body was closed
    gate({"REQUEST_METHOD": "PUT", "PATH_INFO": "/y"}, lambda *a: None)  # a body nobody closes (a test client)
    assert call(gate, "PUT", "/y") == b"/y"  # does not keep the place: the app had answered
    assert time.monotonic() - started < 0.15  # no write waited for its place (the wait is 5 s)


def test_install_follows_the_settings():
    from flask import Flask

    assert default_slots("sqlite:///x.sqlite3") == 1 and default_slots("postgresql+psycopg://h/db") == 2
    for config, expected in (({"DATABASE_URL": "sqlite://"}, 1), ({"DATABASE_URL": "postgresql://h/d"}, 2),
                             ({"WRITE_SLOTS": 3, "WRITE_WAIT_MS": 10}, 3), ({"WRITE_SLOTS": 0}, None)):
        app = Flask(__name__)
        app.config.update(config)
        install(app)
        gate = app.wsgi_app if isinstance(app.wsgi_app, WriteAdmission) else None
        assert (gate.slots if gate else None) == expected, config
