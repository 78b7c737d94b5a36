"""`--only mixed`: readers under writers. 8 coordinators of the 8 biggest provinces poll `GET /` (logged-in
browser session) and `GET /api/v1/progress` (bearer token), first alone (their idle p50), then while 8
clients save and send reports as in `--only submit`, through `daihoi serve --workers 2`. The readers run
in a process of their own, so that their latencies do not include waiting for the writers' GIL."""
from __future__ import annotations

import multiprocessing
import re
import statistics
import time

import httpx
from sqlalchemy import func, select

from bench.submit import (CLIENTS, PER_CLIENT, WARMUP, _throughput, READER_IDLE_RATIO_MAX, READER_IDLE_REQUESTS, READER_P95_MAX_MS,
                          READERS, P95_MAX_MS, THREADS, Load, _check, _for_unit, _free_units, _percentile, _reporters,
                          _report_body, _restore, _submit_client, _table_state)

WORKERS = 2
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def run(bench) -> None:
    from bench.__main__ import Row
    from bench.servers import ServerProcess

    readers = _biggest_provinces(bench)
    units = _free_units(bench, CLIENTS * (PER_CLIENT + WARMUP))
    per_client = len(units) // CLIENTS - WARMUP
    units = units[: (per_client + WARMUP) * CLIENTS]
    body = _report_body(bench)
    before = _table_state(bench)
    try:
        secrets = _reporters(bench, units)
        plans = [list(zip(units[c::CLIENTS], secrets[c::CLIENTS], [_for_unit(body, bench.campaign, u) for u in units[c::CLIENTS]]))
                 for c in range(CLIENTS)]
        warmup, plans = [p[:WARMUP] for p in plans], [p[WARMUP:] for p in plans]
        env = {"DAIHOI_DATABASE_URL": bench.url, "DAIHOI_SECRET_KEY": "bench-" + "x" * 32}
        acks: list[dict] = []
        with ServerProcess("portal.cli", "serve", "--port", "0", "--workers", str(WORKERS), "--threads", str(THREADS),
                           env=env) as server:
            _throughput(CLIENTS, lambda c, http: _submit_client(server.url + "/api/v1", http, warmup[c], acks))
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(1) as pool:
                idle = pool.apply(read_for, (server.url, readers, None))  # alone
                running = pool.apply_async(read_for, (server.url, readers, 0.0))  # until told to stop
                time.sleep(1.0)  # the readers are polling before the writers start  # noqa: bench pacing, not a test wait
                load = Load(server)
                with load:
                    load.run(lambda c, http: _submit_client(server.url + "/api/v1", http, plans[c], acks, load))
                _stop_readers()
                busy = running.get(timeout=600)
        problems = _check(bench, units, acks)
    finally:
        _restore(bench, before)
    names = ", ".join(u for u, _code in readers)
    idle_p50, busy_p95 = statistics.median(idle), _percentile(busy, 95)
    ok = busy_p95 <= READER_P95_MAX_MS and busy_p95 <= READER_IDLE_RATIO_MAX * idle_p50
    bench.record(Row("mixed", f"{READERS} điều phối viên ({names}) đọc GET / và /api/v1/progress trong khi {CLIENTS} client "
                              f"lưu + gửi ({WORKERS} worker): p95 người đọc ({len(busy)} request; p50 {statistics.median(busy):.0f} ms) "
                              f"so với p50 khi không có người ghi ({len(idle)} request)",
                     busy_p95, idle_p50, f"<= {READER_P95_MAX_MS:g} ms, <= {READER_IDLE_RATIO_MAX:g}x p50 lúc rảnh", ok))
    bench.record(Row("mixed", f"người ghi trong lúc đó: p95 lưu / gửi ({len(load.latencies)} request, "
                              f"{load.rate:.0f} req/s, p50 {load.p(50):.0f} / p99 {load.p(99):.0f} ms)",
                     load.p(95), None, f"<= {P95_MAX_MS:g} ms", load.p(95) <= P95_MAX_MS))
    n = len(units)
    bench.record(Row("mixed", f"không mất, không trùng: {n} báo cáo được xác nhận", n - len(problems), float(n),
                     "tất cả khớp", not problems, unit="báo cáo"))
    for problem in problems[:20]:
        print(f"          {problem}")


def _biggest_provinces(bench) -> list[tuple[str, str]]:
    """(coordinator username, province code) of the READERS provinces with the most units."""
    from shared.models import Unit, User

    sizes = {}
    for province in bench.session.scalars(select(Unit).where(Unit.level == "province")):
        sizes[province] = bench.session.scalar(
            select(func.count()).select_from(Unit).where(Unit.path.startswith(province.path)))
    biggest = sorted(sizes, key=lambda u: -sizes[u])[:READERS]
    found = []
    for province in biggest:
        name = bench.session.scalar(select(User.username).where(User.unit_id == province.id, User.role == "coordinator"))
        if name:
            found.append((name, province.code))
    return found


_STOP_FILE = "/tmp/daihoi-bench-readers-stop"


def _stop_readers() -> None:
    open(_STOP_FILE, "w").close()


def read_for(url: str, readers: list[tuple[str, str]], until_stopped: float | None) -> list[float]:
    """In a process of its own: each reader logs in (a browser session and an API token), then alternates
    `GET /` and `GET /api/v1/progress`; READER_IDLE_REQUESTS each when `until_stopped` is None, else until
    the stop file appears. Returns every request's latency (ms)."""
    import os
    import threading

    if until_stopped is not None and os.path.exists(_STOP_FILE):
        os.unlink(_STOP_FILE)
    latencies: list[float] = []
    lock = threading.Lock()

    def reader(username: str) -> None:
        with httpx.Client(timeout=60) as http:
            token = CSRF.search(http.get(f"{url}/login").text).group(1)
            assert http.post(f"{url}/login", data={"username": username, "password": "demo1234",
                                                   "csrf_token": token}).status_code == 302
            bearer = http.post(f"{url}/api/v1/tokens", json={"username": username, "password": "demo1234"}).json()["token"]
            done = 0
            while (until_stopped is None and done < READER_IDLE_REQUESTS) or (
                    until_stopped is not None and not os.path.exists(_STOP_FILE)):
                for call in (lambda: http.get(f"{url}/"),
                             lambda: http.get(f"{url}/api/v1/progress", headers={"Authorization": f"Bearer {bearer}"})):
                    t0 = time.perf_counter()
                    resp = call()
                    elapsed = (time.perf_counter() - t0) * 1000
                    assert resp.status_code == 200, resp.status_code
                    with lock:
                        latencies.append(elapsed)
                done += 2

    threads = [threading.Thread(target=reader, args=(name,)) for name, _code in readers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies
