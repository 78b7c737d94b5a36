"""Admission of writes: at most a few requests that change data run at once in a worker process, so that a
burst of saves does not take every thread and the whole interpreter from the pages being read meanwhile.

A worker serves its requests on threads that share one interpreter lock: with eight saves running, a
coordinator's dashboard gets an eighth of the worker's time, and waits eight times as long as it would alone.
The writes gain little from running side by side anyway: on SQLite they take the database's one write lock in
turn (the others only look at it every few ms), on PostgreSQL a few at once keep the processor and the database
busy. So a write (any method but GET, HEAD and OPTIONS) waits for one of `slots` places before it runs; reads
never wait. A write that has waited `wait_ms` runs anyway (a long import or a stuck request delays the others
by that much at most, never blocks them), and the place is given back as soon as the app has answered
(the body of a write's answer, never a stream here, is sent after).

Settings: DAIHOI_WRITE_SLOTS (default 1 on SQLite, 2 on PostgreSQL; 0 turns admission off) and
DAIHOI_WRITE_WAIT_MS (default 200)."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WAIT_MS = 200


def default_slots(database_url: str) -> int:
    return 1 if database_url.startswith("sqlite") else 2


class WriteAdmission:
    """WSGI middleware: at most `slots` writes at once, each waiting at most `wait_ms` for its place."""

    def __init__(self, app: Callable, slots: int, wait_ms: float = WAIT_MS):
        self.app, self.slots, self.wait = app, slots, wait_ms / 1000
        self._places = threading.BoundedSemaphore(slots)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") in SAFE_METHODS:
            return self.app(environ, start_response)
        admitted = self._places.acquire(timeout=self.wait)
        try:
            # A write's work (its transaction, its commit) is done when the app returns its response: the
            # place is free before the body is sent, and whether or not the server closes the body.
            return self.app(environ, start_response)
        finally:
            if admitted:
                self._places.release()


def install(app) -> None:
    """Wrap `app.wsgi_app` as its settings say (nothing when DAIHOI_WRITE_SLOTS is 0)."""
    slots = app.config.get("WRITE_SLOTS")
    slots = default_slots(str(app.config.get("DATABASE_URL") or "sqlite")) if slots in (None, "") else int(slots)
    if slots > 0:
        wait = app.config.get("WRITE_WAIT_MS")
        app.wsgi_app = WriteAdmission(app.wsgi_app, slots, WAIT_MS if wait in (None, "") else float(wait))
