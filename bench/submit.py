"""`--only submit` and `--only mixed`: the write path through the production server, against its floor.

**submit.** `daihoi serve` runs in processes of its own on the benchmark's database, with 1 worker (waitress)
and with 2 workers (gunicorn), 8 threads each; 8 client threads, one API token each (a reporter of its own
grassroots unit), each create a full report with `PUT /api/v1/units/<id>/report` and send it with
`POST .../submit`, for units that had no report in the campaign. The floor (bench/write_floor.py) is a
Flask app served by the same `portal.serve` configuration that performs the same two transactions in
hand-written SQL (report row, officers and recommendations, version rows, status changes, audit entries,
notification rows, data-version token) and commits; the same clients run against it, floor and portal
alternately, in one run. Reported: requests/s, p50/p95/p99 latency of a request as the client saw it,
server CPU per request (the server's whole process tree: gunicorn's master and workers), and the share
of a core the client threads took (they run on the same 2 cores).

Afterwards each acknowledged report must exist exactly once, submitted, at the version the client was
told, with one version row per version, one status change and one audit entry for its submit (the
floor's reports: once, submitted). Then every row the run added (ids above those before it, in every
table) is deleted, so the data set is the same for the next benchmark and the next run.

**mixed.** 8 clients save and send as above while 8 coordinators of the 8 biggest provinces poll `GET /`
(a logged-in browser session) and `GET /api/v1/progress` (a bearer token) in a process of their own;
the readers are first measured alone (idle) for their p50, then under the writers.
"""
from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable

import httpx
from sqlalchemy import func, select, text

CLIENTS = 8
PER_CLIENT = 25  # reports each client saves and submits (fewer if the data set has too few free units)
WARMUP = 2  # reports each client sends first, not measured: a new process compiles templates, opens connections
WORKERS = (1, 2)
THREADS = 8
CPU_RATIO_MAX = 3.0
P95_MAX_MS = 250.0
SCALE_MIN = 1.4  # requests/s with 2 workers over 1 worker, PostgreSQL
READERS = 8
READER_P95_MAX_MS = 100.0
READER_IDLE_RATIO_MAX = 2.0
READER_IDLE_REQUESTS = 40  # per reader, alone


def run(bench) -> None:
    from bench.__main__ import Row
    from bench.servers import ServerProcess

    runs = [(workers, kind) for workers in WORKERS for kind in ("floor", "portal")]
    units = _free_units(bench, CLIENTS * (PER_CLIENT + WARMUP) * len(runs))
    per_client = len(units) // (CLIENTS * len(runs)) - WARMUP
    if per_client <= 0:
        raise SystemExit(f"submit: cần ít nhất {CLIENTS * len(runs)} CĐCS chưa có báo cáo, chỉ có {len(units)}.")
    body = _report_body(bench)
    before = _table_state(bench)
    results: dict[tuple[int, str], Load] = {}
    problems: list[str] = []
    try:
        secrets = _reporters(bench, units)
        batch = CLIENTS * (per_client + WARMUP)
        for i, (workers, kind) in enumerate(runs):
            chunk = units[i * batch:(i + 1) * batch]
            keys = secrets[i * batch:(i + 1) * batch]
            plans = [list(zip(chunk[c::CLIENTS], keys[c::CLIENTS],
                              [_for_unit(body, bench.campaign, u) for u in chunk[c::CLIENTS]])) for c in range(CLIENTS)]
            warmup, plans = [p[:WARMUP] for p in plans], [p[WARMUP:] for p in plans]
            env = {"DAIHOI_DATABASE_URL": bench.url, "DAIHOI_SECRET_KEY": "bench-" + "x" * 32}
            argv = (("bench.write_floor",) if kind == "floor" else ("portal.cli", "serve", "--port", "0")) + (
                "--workers", str(workers), "--threads", str(THREADS))
            prefix = "/floor" if kind == "floor" else "/api/v1"
            acks: list[dict] = []
            with ServerProcess(*argv, env=env) as server:
                _throughput(CLIENTS, lambda c, http: _submit_client(server.url + prefix, http, warmup[c], acks))
                load = Load(server)
                with load:
                    load.run(lambda c, http: _submit_client(server.url + prefix, http, plans[c], acks, load))
                log = server.output()
            results[(workers, kind)] = load
            found = _check(bench, chunk, acks) if kind == "portal" else _check_floor(bench, chunk, acks)
            problems += [f"{kind}, {workers} worker: {p}" for p in found]
            if found and log:
                print(log[-3000:])
    finally:
        _restore(bench, before)
    engine = bench.engine.dialect.name
    for workers in WORKERS:
        portal, floor = results[(workers, "portal")], results[(workers, "floor")]
        n = len(portal.latencies)
        label = f"lưu + gửi báo cáo, {CLIENTS} client × {per_client} (PUT + submit), {workers} worker ({THREADS} luồng)"
        cpu, floor_cpu = portal.server_cpu_ms(), floor.server_cpu_ms()
        bench.record(Row("submit", f"{label}: CPU máy chủ mỗi request (sàn: cùng giao dịch bằng SQL viết tay)",
                         cpu, floor_cpu, f"<= {CPU_RATIO_MAX:g}x sàn", cpu <= CPU_RATIO_MAX * floor_cpu))
        bench.record(Row("submit", f"{label}: p95 mỗi request (p50 {portal.p(50):.0f} / p99 {portal.p(99):.0f} ms; "
                                   f"sàn p50 {floor.p(50):.0f} / p99 {floor.p(99):.0f} ms)",
                         portal.p(95), floor.p(95), f"<= {P95_MAX_MS:g} ms", portal.p(95) <= P95_MAX_MS))
        bench.record(Row("submit", f"{label}: thông lượng ({n} request; client dùng {portal.client_share:.0%} / "
                                   f"{floor.client_share:.0%} một lõi khi đo dự án / sàn)",
                         portal.rate, floor.rate, "để biết", None, unit="req/s"))
    if engine == "postgresql":
        one, two = results[(1, "portal")].rate, results[(2, "portal")].rate
        bench.record(Row("submit", f"2 worker so với 1 worker (PostgreSQL, 2 lõi dùng chung với client): "
                                   f"{two:.0f} / {one:.0f} req/s; sàn {results[(2, 'floor')].rate:.0f} / "
                                   f"{results[(1, 'floor')].rate:.0f} req/s",
                         two / one, SCALE_MIN, f">= {SCALE_MIN:g}x", two / one >= SCALE_MIN, unit="x"))
    total = len(units[:CLIENTS * (per_client + WARMUP) * len(runs)])
    bench.record(Row("submit", f"không mất, không trùng: {total} báo cáo được xác nhận (dự án và sàn), kiểm tra trong CSDL",
                     total - len(problems), float(total), "tất cả khớp", not problems, unit="báo cáo"))
    for problem in problems[:20]:
        print(f"          {problem}")


class Load:
    """Clients started together against one server: latencies, requests/s, CPU of the server's process
    tree and of this (client) process over the run."""

    def __init__(self, server):
        self.server = server
        self.latencies: list[float] = []
        self.lock = threading.Lock()
        self.rate = 0.0

    def __enter__(self):
        self.start = (_tree_cpu(self.server.proc.pid), time.process_time(), time.perf_counter())
        return self

    def __exit__(self, *exc) -> None:
        self.server_s = _tree_cpu(self.server.proc.pid) - self.start[0]
        self.client_s = time.process_time() - self.start[1]
        self.client_share = self.client_s / (time.perf_counter() - self.start[2])

    def timed(self, call: Callable[[], httpx.Response]) -> httpx.Response:
        t0 = time.perf_counter()
        resp = call()
        elapsed = (time.perf_counter() - t0) * 1000
        with self.lock:
            self.latencies.append(elapsed)
        return resp

    def run(self, work: Callable[[int, httpx.Client], int]) -> None:
        self.rate = _throughput(CLIENTS, work)

    def p(self, q: int) -> float:
        return _percentile(self.latencies, q)

    def server_cpu_ms(self) -> float:
        return self.server_s / max(1, len(self.latencies)) * 1000


def _percentile(samples: list[float], q: int) -> float:
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def _tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += cpu.get(p, 0.0)
        todo += children.get(p, [])
    return total


def _free_units(bench, n: int) -> list:
    """Active grassroots units with no report in the campaign: each gets a report created and sent."""
    from shared.models import CongressReport, Unit

    has_report = select(CongressReport.id).where(
        CongressReport.unit_id == Unit.id, CongressReport.campaign_id == bench.campaign.id).exists()
    return list(bench.session.scalars(
        select(Unit).where(Unit.level == "grassroots", Unit.active.is_(True), ~has_report).order_by(Unit.id).limit(n)
    ))


def _report_body(bench) -> dict:
    """What a unit sends: the full field set, officers and recommendations of an approved grassroots
    report of the data set (complete and valid, since it was approved)."""
    from shared.models import CongressReport, Unit
    from shared.reports import snapshot

    report = bench.session.scalars(
        select(CongressReport).join(Unit, Unit.id == CongressReport.unit_id)
        .where(CongressReport.campaign_id == bench.campaign.id, CongressReport.status == "approved",
               Unit.level == "grassroots", CongressReport.recommendations.any())
        .order_by(CongressReport.id).limit(1)
    ).one()
    data = snapshot(report)
    del data["status"]
    for row in data["officers"] + data["recommendations"]:  # new rows of each unit's own report
        row.pop("id", None)
    for rec in data["recommendations"]:  # what a unit types; follow-up belongs to the reviewers
        rec.pop("status", None)
        rec.pop("resolution_note", None)
    return data


def _for_unit(body: dict, campaign, unit) -> dict:
    """The body with the congress form this unit's size calls for (another form needs a reason)."""
    from shared.validation import suggested_form

    return {**body, "form": suggested_form(campaign, unit)}


def _reporters(bench, units: list) -> list[str]:
    """A reporter account and an API token for each unit (the generated password hash, reused). The
    tokens count as in use already: a token's first request of the day also stamps `last_used_at`,
    which would otherwise fall on every second request here."""
    from shared import clock, tokens
    from shared.models import User

    password_hash = bench.session.scalar(select(User.password_hash).limit(1))
    users = [User(username=f"bench-nop-{u.code.lower()}", full_name=f"Đo thông lượng - {u.name}"[:200],
                  password_hash=password_hash, role="reporter", unit_id=u.id) for u in units]
    bench.session.add_all(users)
    bench.session.flush()
    secrets = []
    for user in users:
        secret, row = tokens.issue(bench.session, user, days=1, name="bench submit")
        row.last_used_at = clock.now()
        secrets.append(secret)
    bench.session.commit()
    return secrets


def _throughput(clients: int, work: Callable[[int, httpx.Client], int]) -> float:
    """Requests per second of `clients` threads started together, each with a keep-alive client."""
    barrier = threading.Barrier(clients + 1)
    counts = [0] * clients
    failures: list[BaseException] = []

    def worker(i: int) -> None:
        with httpx.Client(timeout=120) as http:
            barrier.wait()
            try:
                counts[i] = work(i, http)
            except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
                failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    barrier.wait()
    start = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise failures[0]
    return sum(counts) / elapsed


def _submit_client(url: str, http: httpx.Client, plan: list, acks: list[dict], load: Load | None = None) -> int:
    """Save then submit each of this client's reports (`url`: the API's or the floor's prefix); note what
    the server acknowledged."""
    requests = 0
    timed = load.timed if load is not None else (lambda call: call())
    for unit, secret, body in plan:
        headers = {"Authorization": f"Bearer {secret}"}
        report_url = f"{url}/units/{unit.id}/report"
        saved = timed(lambda: http.put(report_url, json=body, headers=headers))
        requests += 1
        ack = {"unit": unit.id, "save": saved.status_code, "saved_version": None, "submit": None, "version": None,
               "error": None}
        if saved.status_code == 200:
            ack["saved_version"] = saved.json()["version"]
            sent = timed(lambda: http.post(f"{report_url}/submit", json={"version": ack["saved_version"]},
                                           headers=headers))
            requests += 1
            ack["submit"] = sent.status_code
            if sent.status_code == 200:
                ack["version"] = sent.json()["version"]
            else:
                ack["error"] = _refusal(sent)
        else:
            ack["error"] = _refusal(saved)
        acks.append(ack)  # list.append is atomic: the threads share this list
    return requests


def _refusal(resp: httpx.Response) -> str:
    try:
        error = resp.json()["error"]
        return f"{error['message']} {error.get('fields') or ''}"[:300]
    except (ValueError, KeyError, TypeError):
        return resp.text[:300]


def _check(bench, units: list, acks: list[dict]) -> list[str]:
    """What the database holds against what the clients were told; a list of the differences."""
    from shared.models import AuditLog, CongressReport, ReportStatusChange, ReportVersion

    problems = [f"đơn vị {a['unit']}: lưu {a['save']}, gửi {a['submit']}: {a['error']}" for a in acks if a["error"]]
    if len(acks) != len(units):
        problems.append(f"{len(units)} đơn vị nhưng {len(acks)} phản hồi")
    bench.session.expire_all()
    ids = [u.id for u in units]
    rows = bench.session.execute(
        select(CongressReport.unit_id, CongressReport.id, CongressReport.status, CongressReport.version)
        .where(CongressReport.campaign_id == bench.campaign.id, CongressReport.unit_id.in_(ids))
    ).all()
    by_unit: dict[int, list] = {}
    for row in rows:
        by_unit.setdefault(row.unit_id, []).append(row)
    report_ids = [r.id for r in rows]

    def per_report(stmt) -> dict[int, int]:
        return dict(bench.session.execute(stmt).all())

    versions: dict[int, list[int]] = {}
    for report_id, version in bench.session.execute(select(ReportVersion.report_id, ReportVersion.version).where(
            ReportVersion.report_id.in_(report_ids))):
        versions.setdefault(report_id, []).append(version)
    sent = per_report(select(ReportStatusChange.report_id, func.count()).where(
        ReportStatusChange.report_id.in_(report_ids), ReportStatusChange.to_status == "submitted"
    ).group_by(ReportStatusChange.report_id))
    audited = per_report(select(AuditLog.object_id, func.count()).where(
        AuditLog.object_type == "congress_report", AuditLog.object_id.in_(report_ids), AuditLog.action == "report.submit"
    ).group_by(AuditLog.object_id))
    for ack in acks:
        found = by_unit.get(ack["unit"], [])
        if ack["version"] is None:
            continue  # refused: already listed above
        if len(found) != 1:
            problems.append(f"đơn vị {ack['unit']}: {len(found)} báo cáo thay vì 1")
            continue
        r = found[0]
        stored = sorted(versions.get(r.id, []))
        # a version row for the acknowledged save and submit, none twice, the last one the report's own
        expected = {"trạng thái": (r.status, "submitted"), "phiên bản": (r.version, ack["version"]),
                    "bản lưu đã xác nhận": (ack["saved_version"] in stored and ack["version"] in stored, True),
                    "bản lưu trùng": (len(stored) - len(set(stored)), 0), "bản lưu cuối": (stored[-1:], [r.version]),
                    "lần gửi": (sent.get(r.id, 0), 1), "nhật ký gửi": (audited.get(r.id, 0), 1)}
        problems += [f"đơn vị {ack['unit']}: {what} {got} thay vì {want}"
                     for what, (got, want) in expected.items() if got != want]
    acked = {a["unit"] for a in acks}
    problems += [f"đơn vị {u}: có báo cáo nhưng không client nào được xác nhận" for u in by_unit if u not in acked]
    return problems


def _check_floor(bench, units: list, acks: list[dict]) -> list[str]:
    """The floor's reports: each acknowledged one exists once, submitted, at the acknowledged version."""
    from shared.models import CongressReport

    problems = [f"đơn vị {a['unit']}: lưu {a['save']}, gửi {a['submit']}: {a['error']}" for a in acks if a["error"]]
    bench.session.expire_all()
    rows = bench.session.execute(
        select(CongressReport.unit_id, CongressReport.status, CongressReport.version)
        .where(CongressReport.campaign_id == bench.campaign.id, CongressReport.unit_id.in_([u.id for u in units]))
    ).all()
    seen: dict[int, list] = {}
    for row in rows:
        seen.setdefault(row.unit_id, []).append(row)
    for ack in acks:
        found = seen.get(ack["unit"], [])
        if ack["version"] is not None and [(r.status, r.version) for r in found] != [("submitted", ack["version"])]:
            problems.append(f"đơn vị {ack['unit']}: {[(r.status, r.version) for r in found]}")
    return problems


def _tables():
    from shared.models import Base

    # Tables with an id column: what a submission adds (data_versions holds tokens, renewed in place).
    return [t for t in Base.metadata.sorted_tables if "id" in t.c]


def _table_state(bench) -> dict[str, tuple[int, int]]:
    """(highest id, row count) of every table."""
    return {t.name: tuple(bench.session.execute(select(func.coalesce(func.max(t.c.id), 0), func.count()).select_from(t)).one())
            for t in _tables()}


def _restore(bench, before: dict[str, tuple[int, int]]) -> None:
    """Delete every row added since `before`, children first; the row counts must be back."""
    bench.session.rollback()
    for table in reversed(_tables()):
        bench.session.execute(text(f'DELETE FROM "{table.name}" WHERE id > :top'), {"top": before[table.name][0]})
    bench.session.commit()
    after = _table_state(bench)
    changed = {name: (before[name][1], after[name][1]) for name in before if before[name][1] != after[name][1]}
    if changed:
        raise RuntimeError(f"submit: dữ liệu đo không trở về như cũ (số dòng trước, sau): {changed}")
