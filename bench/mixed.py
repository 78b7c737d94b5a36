"""`--only mixed`: readers under writers. 8 coordinators of the 8 biggest provinces poll `GET /` (logged-in
browser session) and `GET /api/v1/progress` (bearer token), first alone (their idle p50), then while 8
clients save and send reports as in `--only submit`, through `daihoi serve --workers 2`. The readers run
in a process of their own, so that their latencies do not include waiting for the writers' GIL.

Two kinds of reader, each measured alone and then under the writers:
- **polling** (the target): each coordinator asks for both pages once every READER_POLL_S seconds, the
  coordinators a fraction of a second apart. That is a coordinator's poll: the TUI refreshes every 15 s, a
  browser tab when its user reloads it; once a second per coordinator is already fifteen times the TUI's.
- **hammering** (for information): each coordinator asks again the moment an answer arrives, so the 8
  readers and the 8 writers (16 closed loops on 2 cores, with the client processes on the same cores) keep
  both cores full; latencies then measure the queue for a core, not whether writers hold readers back."""

from __future__ import annotations

import multiprocessing
import re
import statistics
import time

import httpx
from sqlalchemy import func, select

from bench.submit import (CLIENTS, WARMUP, _throughput, READER_IDLE_RATIO_MAX, READER_IDLE_REQUESTS, READER_P95_MAX_MS,
                          READERS, P95_MAX_MS, THREADS, Load, _check, _for_unit, _free_units, _percentile, _reporters,
                          _report_body, _restore, _submit_client, _table_state)

WORKERS = 2
READER_POLL_S = 1.0  # each coordinator's poll interval (the target's readers)
WRITES_PER_CLIENT = 100  # reports each writer saves and sends per phase: about 10 s of writes, 150+ polls to measure
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def run(bench) -> None:
    from bench.__main__ import Row
    from bench.servers import ServerProcess

    readers = _biggest_provinces(bench)
    phases = (READER_POLL_S, None)  # polling (the target), then hammering (for information)
    units = _free_units(bench, CLIENTS * (WRITES_PER_CLIENT + WARMUP) * len(phases))
    per_client = len(units) // (CLIENTS * len(phases)) - WARMUP
    batch = CLIENTS * (per_client + WARMUP)
    units = units[: batch * len(phases)]
    body = _report_body(bench)
    before = _table_state(bench)
    measured: list[tuple[float | None, list[float], list[float], Load]] = []
    try:
        secrets = _reporters(bench, units)
        env = {"DAIHOI_DATABASE_URL": bench.url, "DAIHOI_SECRET_KEY": "bench-" + "x" * 32}
        acks: list[dict] = []
        with ServerProcess("portal.cli", "serve", "--port", "0", "--workers", str(WORKERS), "--threads", str(THREADS),
                           env=env) as server:
            ctx = multiprocessing.get_context("spawn")
            for i, poll in enumerate(phases):
                chunk, keys = units[i * batch:(i + 1) * batch], secrets[i * batch:(i + 1) * batch]
                plans = [list(zip(chunk[c::CLIENTS], keys[c::CLIENTS], [_for_unit(body, bench.campaign, u) for u in chunk[c::CLIENTS]]))
                         for c in range(CLIENTS)]
                warmup, plans = [p[:WARMUP] for p in plans], [p[WARMUP:] for p in plans]
                _throughput(CLIENTS, lambda c, http: _submit_client(server.url + "/api/v1", http, warmup[c], acks))
                with ctx.Pool(1) as pool:
                    idle = pool.apply(read_for, (server.url, readers, poll, False))  # alone
                    running = pool.apply_async(read_for, (server.url, readers, poll, True))  # until told to stop
                    time.sleep(1.0 + (poll or 0))  # the readers are polling before the writers start  # noqa: bench pacing, not a test wait
                    load = Load(server)
                    with load:
                        load.run(lambda c, http: _submit_client(server.url + "/api/v1", http, plans[c], acks, load))
                    _stop_readers()
                    busy = running.get(timeout=600)
                measured.append((poll, idle, busy, load))
        problems = _check(bench, units, acks)
    finally:
        _restore(bench, before)
    names = ", ".join(u for u, _code in readers)
    for poll, idle, busy, load in measured:
        target = poll is not None
        how = (f"mỗi người hỏi cả hai trang {poll:g} giây một lần" if target
               else "hỏi liên tục, không nghỉ (để biết: 16 vòng khép kín trên 2 lõi đo hàng đợi CPU)")
        idle_p50, busy_p95 = statistics.median(idle), _percentile(busy, 95)
        ok = busy_p95 <= READER_P95_MAX_MS and busy_p95 <= READER_IDLE_RATIO_MAX * idle_p50
        bench.record(Row("mixed", f"{READERS} điều phối viên ({names}) đọc GET / và /api/v1/progress, {how}, trong khi "
                                  f"{CLIENTS} client lưu + gửi ({WORKERS} worker): p95 người đọc ({len(busy)} request; "
                                  f"p50 {statistics.median(busy):.0f} ms) so với p50 khi không có người ghi ({len(idle)} request)",
                         busy_p95, idle_p50,
                         f"<= {READER_P95_MAX_MS:g} ms, <= {READER_IDLE_RATIO_MAX:g}x p50 lúc rảnh" if target else "để biết",
                         ok if target else None))
        bench.record(Row("mixed", f"người ghi trong lúc đó ({'người đọc hỏi định kỳ' if target else 'người đọc hỏi liên tục'}): "
                                  f"p95 lưu / gửi ({len(load.latencies)} request, {load.rate:.0f} req/s, "
                                  f"p50 {load.p(50):.0f} / p99 {load.p(99):.0f} ms)",
                         load.p(95), None, f"<= {P95_MAX_MS:g} ms" if target else "để biết",
                         load.p(95) <= P95_MAX_MS if target else None))
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


def read_for(url: str, readers: list[tuple[str, str]], poll: float | None, until_stopped: bool) -> list[float]:
    """In a process of its own: each reader logs in (a browser session and an API token), then asks for
    `GET /` and `GET /api/v1/progress`, every `poll` seconds (the readers `poll / len(readers)` apart) or,
    with `poll` None, again as soon as the answer arrives; READER_IDLE_REQUESTS each when not
    `until_stopped`, else until the stop file appears. Returns every request's latency (ms)."""
    import os
    import threading

    if until_stopped and os.path.exists(_STOP_FILE):
        os.unlink(_STOP_FILE)
    latencies: list[float] = []
    lock = threading.Lock()
    began = time.perf_counter()

    def reader(index: int, username: str) -> None:
        with httpx.Client(timeout=60) as http:
            token = CSRF.search(http.get(f"{url}/login").text).group(1)
            assert http.post(f"{url}/login", data={"username": username, "password": "demo1234",
                                                   "csrf_token": token}).status_code == 302
            bearer = http.post(f"{url}/api/v1/tokens", json={"username": username, "password": "demo1234"}).json()["token"]
            done, tick = 0, began + 0.5 + (poll or 0) * index / len(readers)
            while (not until_stopped and done < READER_IDLE_REQUESTS) or (until_stopped and not os.path.exists(_STOP_FILE)):
                if poll:
                    time.sleep(max(0.0, tick - time.perf_counter()))  # noqa: the poll's interval, not a test wait
                    tick += poll
                for call in (lambda: http.get(f"{url}/"),
                             lambda: http.get(f"{url}/api/v1/progress", headers={"Authorization": f"Bearer {bearer}"})):
                    t0 = time.perf_counter()
                    resp = call()
                    elapsed = (time.perf_counter() - t0) * 1000
                    assert resp.status_code == 200, resp.status_code
                    with lock:
                        latencies.append(elapsed)
                done += 2

    threads = [threading.Thread(target=reader, args=(i, name)) for i, (name, _code) in enumerate(readers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies
