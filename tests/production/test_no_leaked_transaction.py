"""No connection left "idle in transaction" by the real server (`daihoi serve`, PostgreSQL): the demo
province, every page a user can reach by following links (for several roles) and the error pages, then
pg_stat_activity must hold no connection of this test run inside a transaction."""
from __future__ import annotations

import re
import time
from collections import deque
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from sqlalchemy import text

from shared.db import make_engine
from tests.conftest import CSRF_RE
from tests.security.test_crash_safety import Server

ROLES = ("dieuphoi", "rachgia", "coso", "thanhuy_rachgia", "admin", "liendoan")
PER_PATTERN = 2  # pages per URL shape (/units/N/report ...): every kind of page, not every unit
# Under gunicorn (2 workers) the same request lifecycle serves every page: each kind of page once is enough
# there, the second unit of each kind is waitress's (1 worker) to visit.
PER_PATTERN_BY_WORKERS = {1: PER_PATTERN, 2: 1}
PER_ROLE = 90
HREF = re.compile(r'href="([^"#]+)"')


def _idle_in_transaction(database_url: str) -> list:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT pid, state, left(query, 200) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND application_name = current_setting('application_name') AND state LIKE 'idle in transaction%'"
            )).all()
    finally:
        engine.dispose()


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def _crawl(browser: httpx.Client, base: str, seen_status: dict, per_pattern: int = PER_PATTERN) -> int:
    queue, shapes, visited = deque(["/"]), {}, set()
    while queue and len(visited) < PER_ROLE:
        path = queue.popleft()
        if path in visited or shapes.get(_shape(path), 0) >= per_pattern:
            continue
        visited.add(path)
        shapes[_shape(path)] = shapes.get(_shape(path), 0) + 1
        resp = browser.get(base + path)
        seen_status.setdefault(resp.status_code, path)
        if "text/html" not in resp.headers.get("content-type", ""):
            continue
        for href in HREF.findall(resp.text):
            target = urlsplit(urljoin(base + path, href.replace("&amp;", "&")))
            if f"{target.scheme}://{target.netloc}" != base or target.path.startswith("/static"):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return len(visited)


@pytest.mark.parametrize("workers", [1, 2])
def test_no_page_or_error_page_leaves_a_transaction_open(database_url, demo, db, workers):
    if database_url.startswith("sqlite"):
        pytest.skip("pg_stat_activity: PostgreSQL (TEST_DATABASE_URL); SQLite is covered by "
                    "tests/security/test_connections.py")
    db.close()
    server = Server(database_url, threads=4, args=("--workers", str(workers)),
                    env={"DAIHOI_LOGIN_LIMIT_PER_USERNAME": "3 per 5 minutes"}).start()
    seen: dict[int, str] = {}
    pages = 0
    try:
        for username in ROLES:
            with httpx.Client(timeout=60) as browser:
                token = CSRF_RE.search(browser.get(f"{server.url}/login").text)
                resp = browser.post(f"{server.url}/login", data={"username": username, "password": "demo1234",
                                                                 "csrf_token": token.group(1) or token.group(2)})
                assert resp.status_code == 302, (username, resp.status_code)
                pages += _crawl(browser, server.url, seen, PER_PATTERN_BY_WORKERS[workers])
                for path in ("/khong-co-trang-nay", "/units/2147483647", "/admin/users/999999/edit",
                             "/dashboard?as_of=31/02/2023", "/api/v1/units?cursor=abc"):
                    seen.setdefault(browser.get(server.url + path).status_code, path)
                seen.setdefault(browser.post(f"{server.url}/notifications/read-all").status_code, "no CSRF")
        with httpx.Client(timeout=60) as stranger:  # anonymous pages, and the login limit's 429
            for path in ("/", "/login", "/healthz", "/readyz", "/api/v1/me"):
                seen.setdefault(stranger.get(server.url + path).status_code, path)
            token = CSRF_RE.search(stranger.get(f"{server.url}/login").text)
            for _ in range(4):
                resp = stranger.post(f"{server.url}/login", data={
                    "username": "khongco", "password": "sai", "csrf_token": token.group(1) or token.group(2)})
                seen.setdefault(resp.status_code, "/login (wrong)")
        assert {200, 302, 400, 401, 403, 404, 429} <= set(seen), seen
        assert pages > 100, pages
        # Every answer has been received; a connection still inside a transaction now is a leak.
        # (Asked a few times over a second: a request's own transaction is never that long.)
        deadline = time.monotonic() + 1.0
        leaks = _idle_in_transaction(database_url)
        while not leaks and time.monotonic() < deadline:
            time.sleep(0.2)
            leaks = _idle_in_transaction(database_url)
        assert leaks == [], leaks
    finally:
        server.kill()
