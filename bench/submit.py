"""`--only submit`: report submission throughput over HTTP against the production server
configuration, and a check that no acknowledged report was lost or duplicated.

`daihoi serve` (waitress, 8 threads) runs in a process of its own on the benchmark's database; 8
client threads, one API token each (a reporter of its own grassroots units), each create a full report
with one `PUT /api/v1/units/<id>/report` and send it with `POST .../submit`, for units that had no
report in the campaign. The floor is a bare Flask "hello" route served by the same waitress
configuration (bench/hello_server.py), the same 8 clients, measured before and after. Clients and
servers share the machine's cores, as they do in every figure here.

Afterwards each acknowledged report must exist exactly once, submitted, at the version the client was
told, with one version row per version, one status change and one audit entry for its submit. Then
every row the run added (ids above those before it, in every table) is deleted, so the data set is
the same for the next benchmark and the next run.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
from sqlalchemy import func, select, text

CLIENTS = 8
PER_CLIENT = 25  # reports each client saves and submits (fewer if the data set has too few free units)
HELLO_PER_CLIENT = 300
TARGET_RATIO = 0.40


def run(bench) -> None:
    from bench.__main__ import Row
    from bench.servers import ServerProcess

    units = _free_units(bench, CLIENTS * PER_CLIENT)
    per_client = len(units) // CLIENTS
    if per_client == 0:
        raise SystemExit(f"submit: cần ít nhất {CLIENTS} CĐCS chưa có báo cáo, chỉ có {len(units)}.")
    units = units[: per_client * CLIENTS]
    body = _report_body(bench)
    before = _table_state(bench)
    try:
        secrets = _reporters(bench, units)
        bodies = [_for_unit(body, bench.campaign, unit) for unit in units]
        plans = [list(zip(units[i::CLIENTS], secrets[i::CLIENTS], bodies[i::CLIENTS])) for i in range(CLIENTS)]
        cpu: dict[str, CpuShare] = {}
        with ServerProcess("bench.hello_server", str(CLIENTS)) as hello:
            with CpuShare(hello, cpu, "hello"):
                floor_before = _throughput(CLIENTS, lambda i, http: _hello_client(hello.url, http))
        env = {"DAIHOI_DATABASE_URL": bench.url, "DAIHOI_SECRET_KEY": "bench-" + "x" * 32}
        acks: list[dict] = []
        with ServerProcess("portal.cli", "serve", "--port", "0", "--threads", str(CLIENTS), env=env) as portal:
            with CpuShare(portal, cpu, "submit"):
                figure = _throughput(CLIENTS, lambda i, http: _submit_client(portal.url, http, plans[i], acks))
            log = portal.output()
        with ServerProcess("bench.hello_server", str(CLIENTS)) as hello:
            floor_after = _throughput(CLIENTS, lambda i, http: _hello_client(hello.url, http))
        problems = _check(bench, units, acks)
    finally:
        _restore(bench, before)
    floor = (floor_before + floor_after) / 2
    ratio = figure / floor
    name = (f"nộp báo cáo: {CLIENTS} client × {per_client} (PUT + submit) qua waitress, "
            f"so với route 'hello' ({floor_before:.0f} / {floor_after:.0f} req/s trước / sau)")
    if len(cpu) == 2:
        name += (f"; CPU mỗi request: máy chủ {cpu['submit'].server_ms(len(units) * 2):.2f} / "
                 f"{cpu['hello'].server_ms(CLIENTS * HELLO_PER_CLIENT):.2f} ms, client "
                 f"{cpu['submit'].client_ms(len(units) * 2):.2f} / {cpu['hello'].client_ms(CLIENTS * HELLO_PER_CLIENT):.2f} ms "
                 f"(client 'hello' dùng {cpu['hello'].client_share:.0%} một lõi)")
    bench.record(Row("submit", name, figure, floor, f">= {TARGET_RATIO:.0%} hello", ratio >= TARGET_RATIO,
                     unit="req/s"))
    n = len(units)
    bench.record(Row("submit", f"không mất, không trùng: {n} báo cáo được xác nhận, kiểm tra trong CSDL",
                     n - len(problems), float(n), "tất cả khớp", not problems, unit="báo cáo"))
    for problem in problems[:20]:
        print(f"          {problem}")
    if problems and log:
        print(log[-3000:])


class CpuShare:
    """CPU time of the server process and of this (client) process over a `with` block, where /proc
    says it. The 8 client threads share one Python process (and its GIL): when the client process
    uses about a whole core, the figure measures the client rather than the server."""

    def __init__(self, server, into: dict, key: str):
        self.server, self.into, self.key = server, into, key

    def __enter__(self):
        self.start = (_process_cpu(self.server.proc.pid), time.process_time(), time.perf_counter())
        return self

    def __exit__(self, *exc) -> None:
        server = _process_cpu(self.server.proc.pid)
        if server is None or self.start[0] is None:
            return
        self.server_s = server - self.start[0]
        self.client_s = time.process_time() - self.start[1]
        self.client_share = self.client_s / (time.perf_counter() - self.start[2])
        self.into[self.key] = self

    def server_ms(self, requests: int) -> float:
        return self.server_s / requests * 1000

    def client_ms(self, requests: int) -> float:
        return self.client_s / requests * 1000


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux), else None."""
    import os

    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def _hello_client(url: str, http: httpx.Client) -> int:
    for _ in range(HELLO_PER_CLIENT):
        r = http.get(f"{url}/hello")
        assert r.status_code == 200 and r.text == "hello", r.status_code
    return HELLO_PER_CLIENT


def _submit_client(url: str, http: httpx.Client, plan: list, acks: list[dict]) -> int:
    """Save then submit each of this client's reports; note what the server acknowledged."""
    requests = 0
    for unit, secret, body in plan:
        headers = {"Authorization": f"Bearer {secret}"}
        report_url = f"{url}/api/v1/units/{unit.id}/report"
        saved = http.put(report_url, json=body, headers=headers)
        requests += 1
        ack = {"unit": unit.id, "save": saved.status_code, "saved_version": None, "submit": None, "version": None,
               "error": None}
        if saved.status_code == 200:
            ack["saved_version"] = saved.json()["version"]
            sent = http.post(f"{report_url}/submit", json={"version": ack["saved_version"]}, headers=headers)
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
