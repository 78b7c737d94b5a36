"""`daihoi` (portal.cli) with a test hook: the first statement matching SLOW_TEST_AT waits SLOW_TEST_SECONDS
(after writing SLOW_TEST_FILE, so the test knows the request is inside its transaction), then runs.

Run as `python -m tests.production.slow_server serve ...`; nothing in the product imports it."""
from __future__ import annotations

import json
import os
import re
import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine


def install(pattern: str, marker: str, seconds: float) -> None:
    wanted = re.compile(pattern, re.IGNORECASE)
    done = threading.Event()

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(_conn, _cursor, statement, _params, _context, _many) -> None:
        if wanted.search(statement) and not done.is_set():
            done.set()
            with open(marker + ".tmp", "w", encoding="utf-8") as f:
                json.dump({"pid": os.getpid(), "next": statement}, f)
            os.replace(marker + ".tmp", marker)
            time.sleep(seconds)  # the point of the hook: a request that takes this long


if __name__ == "__main__":
    install(os.environ["SLOW_TEST_AT"], os.environ["SLOW_TEST_FILE"], float(os.environ.get("SLOW_TEST_SECONDS", "2")))
    from portal.cli import main

    main()
