"""`python -m bench.profile_write`: server CPU and SQL statements of one report save-and-send, in process.

What `--only submit` measures through `daihoi serve`, without the server and the clients: the portal's
`PUT /api/v1/units/<id>/report` + `POST .../submit` and the write floor's (bench/write_floor.py) same two
requests, run through Flask test clients on the database of DAIHOI_DATABASE_URL (or `--url`), alternately,
each pair for a grassroots unit that has no report yet (a reporter account and a token each, as the
benchmark makes them). Printed: CPU ms per pair (this process: SQLite's work included; on PostgreSQL
the database server's share is not), the ratio, SQL statements per pair. `--profile N`: the portal's
pairs (and the floor's) run under cProfile (CPU clock), the N costliest functions of the portal are
printed and the Python function calls per pair of both: a figure that, unlike CPU time on a busy
machine, does not wander between runs. Every row the run added is deleted afterwards (as the benchmark does).
"""
from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from types import SimpleNamespace

from sqlalchemy import event, select


def _count_statements(engine, seen: list[str] | None = None) -> list[int]:
    counter = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, *_args):
        counter[0] += 1
        if seen is not None:
            seen.append(statement)

    return counter


class _Inclusive:
    """A profile hook that counts, for every function, the calls made while it runs (itself included)."""

    def __init__(self, within: str = ""):
        self.counts: Counter = Counter()
        self.stack: list = []
        self.total = 0
        self.within = within  # count only below a function of this name

    def __call__(self, frame, event, _arg):
        if event == "call":
            code = frame.f_code
            self.stack.append((code.co_filename, code.co_firstlineno, code.co_name))
            if self.within and not any(name == self.within for _f, _l, name in self.stack):
                return
            self.total += 1
            self.counts.update(set(self.stack))
        elif event == "return" and self.stack:
            self.stack.pop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=os.environ.get("DAIHOI_DATABASE_URL"))
    parser.add_argument("--pairs", type=int, default=40, help="pairs of each side (fewer if fewer free units)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions (portal only)")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--callers", default="", help="print the callers of functions matching this")
    parser.add_argument("--callees", default="", help="print the callees of functions matching this")
    parser.add_argument("--inclusive", type=int, default=0,
                        help="print the N functions under which most Python calls of the portal's pairs happen")
    parser.add_argument("--within", default="", help="with --inclusive: only the calls below this function")
    parser.add_argument("--sql", action="store_true", help="print the statements of the portal's last pair")
    args = parser.parse_args()

    from bench.submit import _for_unit, _free_units, _report_body, _reporters, _restore, _table_state
    from bench.write_floor import floor_app
    from portal import create_app
    from shared.db import make_engine, make_session_factory
    from shared.models import Campaign

    logging.getLogger("daihoi.access").addHandler(logging.NullHandler())  # formatted as served, not printed
    engine = make_engine(args.url)
    session = make_session_factory(engine)()
    bench = SimpleNamespace(session=session, engine=engine, url=args.url,
                            campaign=session.scalars(select(Campaign).order_by(Campaign.id)).first())
    units = _free_units(bench, 2 * (args.pairs + args.warmup))
    if len(units) < 4:
        raise SystemExit(f"cần ít nhất 4 CĐCS chưa có báo cáo, chỉ có {len(units)}")
    body = _report_body(bench)
    before = _table_state(bench)
    try:
        secrets = _reporters(bench, units)
        plan = [(u, s, _for_unit(body, bench.campaign, u)) for u, s in zip(units, secrets)]
        app = create_app({"DATABASE_URL": args.url, "SERVER_THREADS": 1})
        floor = floor_app(args.url, 1)
        seen: list[str] = []
        portal_statements = _count_statements(app.extensions["daihoi.engine"], seen)
        floor_statements = _count_statements(floor.extensions["daihoi.engine"])
        sides = {"portal": (app.test_client(), "/api/v1", portal_statements),
                 "floor": (floor.test_client(), "/floor", floor_statements)}
        cpu: dict[str, list[float]] = {"portal": [], "floor": []}
        statements: dict[str, list[int]] = {"portal": [], "floor": []}
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        inclusive = _Inclusive(args.within)
        floor_profiler = cProfile.Profile(time.process_time) if args.profile else None
        for i, (unit, secret, data) in enumerate(plan):
            side = "portal" if i % 2 == 0 else "floor"
            client, prefix, counter = sides[side]
            headers = {"Authorization": f"Bearer {secret}"}
            url = f"{prefix}/units/{unit.id}/report"
            measured = i >= 2 * args.warmup
            prof = (profiler if side == "portal" else floor_profiler) if (measured and profiler) else None
            if side == "portal":
                seen.clear()
            count0, start = counter[0], time.process_time()
            tracer = inclusive if (measured and side == "portal" and args.inclusive) else None
            if tracer:
                sys.setprofile(tracer)
            if prof:
                prof.enable()
            saved = client.put(url, json=data, headers=headers)
            sent = client.post(url + "/submit", json={"version": saved.json["version"]}, headers=headers) \
                if saved.status_code == 200 else None
            if prof:
                prof.disable()
            if tracer:
                sys.setprofile(None)
            elapsed = (time.process_time() - start) * 1000
            if saved.status_code != 200 or sent.status_code != 200:
                raise SystemExit(f"{side} {unit.id}: {saved.status_code} {saved.get_data(as_text=True)[:300]} / "
                                 f"{sent and sent.status_code} {sent and sent.get_data(as_text=True)[:300]}")
            if measured:
                cpu[side].append(elapsed)
                statements[side].append(counter[0] - count0)
    finally:
        _restore(bench, before)
    engine_name = engine.dialect.name
    print(f"{engine_name}: {len(cpu['portal'])} cặp dự án, {len(cpu['floor'])} cặp sàn")
    for side in ("portal", "floor"):
        print(f"  {side:6}: CPU mỗi cặp p50 {statistics.median(cpu[side]):6.2f} ms, trung bình "
              f"{statistics.mean(cpu[side]):6.2f} ms; câu lệnh SQL mỗi cặp {statistics.median(statements[side]):.0f}"
              f" (tối đa {max(statements[side])})")
    print(f"  tỉ lệ CPU (p50): {statistics.median(cpu['portal']) / statistics.median(cpu['floor']):.2f}x; "
          f"(trung bình): {statistics.mean(cpu['portal']) / statistics.mean(cpu['floor']):.2f}x")
    if args.sql:
        for statement in seen:
            print("   ", " ".join(statement.split())[:160])
    if args.inclusive:
        pairs = len(cpu["portal"])
        print(f"  lời gọi (gồm cả các hàm con) mỗi cặp, theo hàm; tổng {inclusive.total / pairs:.0f}")
        for (filename, line, name), n in inclusive.counts.most_common(args.inclusive):
            print(f"    {n / pairs:8.0f} {filename.split('site-packages/')[-1].replace('/work/wt-perf/', '')}:{line}({name})")
    if profiler:
        stats = pstats.Stats(profiler)
        floor_stats = pstats.Stats(floor_profiler)
        print(f"  lời gọi hàm Python mỗi cặp: dự án {stats.total_calls / len(cpu['portal']):.0f}, "
              f"sàn {floor_stats.total_calls / len(cpu['floor']):.0f} "
              f"({stats.total_calls / len(cpu['portal']) / (floor_stats.total_calls / len(cpu['floor'])):.2f}x)")
        stats.sort_stats(args.sort).print_stats(args.profile)
        if args.callers:
            stats.print_callers(args.callers)
        if args.callees:
            stats.print_callees(args.callees)


if __name__ == "__main__":
    main()
