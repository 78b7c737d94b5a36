"""`daihoi` (portal.cli) with a test hook: the first statement matching CRASH_TEST_PAUSE_AT (a regular
expression) never runs. Instead the process writes the statements its connection already ran in the same
transaction to CRASH_TEST_PAUSE_FILE and waits for ever, inside its transaction, until it is killed.

Run as `python -m tests.security.paused_server serve ...` by the crash-safety tests; nothing in the product
imports it."""
from __future__ import annotations

import json
import os
import re
import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine


def install(pattern: str, marker: str) -> None:
    wanted = re.compile(pattern, re.IGNORECASE)
    paused = threading.Event()  # one pause per process: only the first match stops

    def _ran(conn) -> list[str]:
        return conn.info.setdefault("daihoi_test_ran", [])

    @event.listens_for(Engine, "begin")
    def _begin(conn) -> None:
        conn.info["daihoi_test_ran"] = []

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, _cursor, statement, _params, _context, _many) -> None:
        if wanted.search(statement) and not paused.is_set():
            paused.set()
            tmp = marker + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump({"pid": os.getpid(), "ran": _ran(conn), "next": statement}, f)
            os.replace(tmp, marker)  # the test sees the whole file or none
            while True:  # inside the open transaction, until SIGKILL
                time.sleep(60)
        _ran(conn).append(statement)


def fail(pattern: str) -> None:
    wanted = re.compile(pattern, re.IGNORECASE)

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(_conn, _cursor, statement, _params, _context, _many) -> None:
        if wanted.search(statement):
            raise RuntimeError(f"test hook: this statement fails: {statement[:80]}")


if __name__ == "__main__":
    if os.environ.get("CRASH_TEST_PAUSE_AT"):
        install(os.environ["CRASH_TEST_PAUSE_AT"], os.environ["CRASH_TEST_PAUSE_FILE"])
    if os.environ.get("CRASH_TEST_FAIL_AT"):
        fail(os.environ["CRASH_TEST_FAIL_AT"])
    from portal.cli import main

    main()
