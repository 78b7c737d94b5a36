"""`python -m bench --units 150000 --db sqlite|postgresql`: every benchmark, its floor and the ratio.

The data set is generated once per engine (`daihoi generate`) and reused: an SQLite file under
bench/data/ (git-ignored) or the PostgreSQL database `daihoi_bench`. Figures are medians of
repeated runs, the project's call and its floor interleaved so that noise from other processes on
the machine falls on both alike.
"""
from __future__ import annotations

import argparse
import importlib
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results.md"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/daihoi_bench"
PAST = dt.date(2023, 4, 15)  # mid-campaign: about two thirds of grassroots congresses held
LIST_TARGET_MS = 50.0
PROGRESS_TARGET_MS = 50.0
MEMORY_TARGET_MB = 150.0


@dataclass
class Row:
    group: str
    name: str
    figure: float  # ms (or MB for memory)
    floor: float | None = None
    target: str = ""
    ok: bool | None = None
    cpu: float | None = None  # CPU time of this process (ms): SQLite's work, a client's share on PostgreSQL
    floor_cpu: float | None = None
    unit: str = ""  # of figure and floor: "ms" unless said (MB, s, req/s)

    @property
    def ratio(self) -> float | None:
        return self.figure / self.floor if self.floor else None

    @property
    def units(self) -> str:
        return self.unit or ("MB" if self.group == "memory" else "ms")

    @property
    def cpu_ratio(self) -> float | None:
        return self.cpu / self.floor_cpu if self.cpu and self.floor_cpu else None


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms of this process): on a shared machine the CPU time shows the work itself."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


@dataclass
class Measure:
    wall: float
    cpu: float
    floor_wall: float | None = None
    floor_cpu: float | None = None


def compare(figure: Callable[[], object], floor: Callable[[], object] | None, repeat: int,
            setup: Callable[[], object] | None = None) -> Measure:
    """p50 of the project's call and of its floor, run alternately after a warm-up; `setup` (not
    timed) runs before each call of the project's, e.g. a write that makes its cache stale."""
    for _ in range(2):
        figure()
        if floor:
            floor()
    fig, flo = [], []
    for _ in range(repeat):
        if floor:
            flo.append(timed(floor))
        if setup:
            setup()
        fig.append(timed(figure))
    m = Measure(p50([w for w, _ in fig]), p50([c for _, c in fig]))
    if floor:
        m.floor_wall, m.floor_cpu = p50([w for w, _ in flo]), p50([c for _, c in flo])
    return m


# ---- data -------------------------------------------------------------------------------


def database_url(engine: str, units: int, url: str | None) -> str:
    if url:
        return url
    if engine == "sqlite":
        DATA.mkdir(exist_ok=True)
        return f"sqlite:///{DATA / f'national-{units}.sqlite3'}"
    return PG_DEFAULT


def ensure_data(url: str, units: int, seed: int) -> None:
    """Migrate to head (new indexes land on an existing data set) and generate once if empty."""
    from portal.scale_cli import run_generate
    from shared.db import make_engine
    from shared.generate import refresh_statistics
    from shared.migrate import current, upgrade

    before = current(url)
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        have = conn.scalar(text("SELECT count(*) FROM units"))
    if have and current(url) != before:
        print("Lược đồ mới: cập nhật thống kê cho bộ lập kế hoạch truy vấn...")
        refresh_statistics(engine)
    engine.dispose()
    if have == 0:
        print(f"Sinh dữ liệu {units} đơn vị (một lần, dùng lại cho các lần đo sau)...")
        seconds = run_generate(url, units=units, seed=seed, migrate=False)
        print(f"Đã sinh trong {seconds:.1f} giây.")
    elif have != units:
        sys.exit(f"Cơ sở dữ liệu đã có {have} đơn vị, không phải {units}: dùng --url khác hoặc xóa dữ liệu cũ.")


# ---- benchmarks -------------------------------------------------------------------------


class Bench:
    def __init__(self, url: str, repeat: int):
        from portal import create_app
        from shared import clock
        from shared.db import make_engine, make_session_factory
        from shared.models import Campaign, Unit

        self.url = url
        self.repeat = repeat
        self.engine = make_engine(url)
        self.session = make_session_factory(self.engine)()
        self.conn = self.engine.connect()  # the floors' own connection
        self.today = clock.today()
        self.campaign = self.session.scalars(select(Campaign).order_by(Campaign.id)).first()
        self.country = Unit(id=0, path="", level="province", name="Toàn quốc", code="VN")
        # The biggest province and the district-level unit with the most children: worst cases.
        grass = Unit.__table__.alias("g")
        self.district = self.session.scalars(
            select(Unit).where(Unit.level == "district")
            .order_by(select(func.count()).where(grass.c.parent_id == Unit.id).scalar_subquery().desc())
            .limit(1)
        ).one()
        self.province = self.session.get(Unit, self.district.parent_id)
        self.children = self.session.scalar(select(func.count()).where(Unit.parent_id == self.district.id))
        self.app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
        self.rows: list[Row] = []

    def close(self) -> None:
        self.session.close()
        self.conn.close()
        self.engine.dispose()
        self.app.extensions["daihoi.engine"].dispose()

    def client(self, username: str):
        client = self.app.test_client()
        r = client.post("/login", data={"username": username, "password": "demo1234"})
        assert r.status_code in (302, 303), (username, r.status_code)
        return client

    def get(self, client, url: str) -> Callable[[], object]:
        def call():
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            return r

        return call

    def add(self, group: str, name: str, m: Measure, target_ms: float, ratio_max: float | None):
        figure, floor = m.wall, m.floor_wall
        ok = figure <= target_ms and (ratio_max is None or floor is None or figure <= ratio_max * floor)
        target = f"<= {target_ms:g} ms" + (f", <= {ratio_max:g}x" if ratio_max and floor is not None else "")
        row = Row(group, name, figure, floor, target, ok, m.cpu, m.floor_cpu)
        self.record(row)

    def record(self, row: Row, note: str = "") -> None:
        self.rows.append(row)
        print(format_row(row) + note, flush=True)

    def page_floor(self, scope, as_of: dt.date, children_list: bool = False) -> Callable[[], object]:
        """The SQL a progress page cannot do without: per child subtree for a province (whose
        per-level totals are those rows summed), per level for a district; on the unit page, also
        the first page of its children list."""
        from bench import raw_sql

        query = raw_sql.by_child if scope.level == "province" else raw_sql.by_level

        def floor():
            query(self.conn, self.campaign, scope.path, as_of, self.today)
            if children_list:
                raw_sql.children_first_page(self.conn, self.campaign, scope.id)

        return floor

    def write_one_district(self) -> None:
        """What a report save in the biggest district does to the cache: renew that bucket's token."""
        from shared import data_versions

        with self.engine.begin() as conn:
            data_versions.renew(conn, [data_versions.bucket_of(self.district.path)])

    def new_process_after_write(self) -> None:
        """A worker that has not read yet, after a write: the stored copy is one district behind."""
        from shared.progress import clear_cache

        self.write_one_district()
        clear_cache()

    def forget_everything(self) -> None:
        """No process cache and no stored copy: the state right after a bulk change."""
        from shared.models import ProgressSnapshot
        from shared.progress import clear_cache

        self.session.rollback()
        with self.engine.begin() as conn:
            conn.execute(delete(ProgressSnapshot.__table__))
        clear_cache()

    # Progress: shared.progress and the pages against the hand-written SQL.
    def progress(self) -> None:
        from bench import raw_sql
        from shared.progress import clear_cache as clear_progress_cache
        from shared.progress import progress_by_level

        for as_of, label in ((self.today, "hôm nay"), (PAST, PAST.strftime("%d/%m/%Y"))):
            for scope, where in ((self.country, "toàn quốc"), (self.province, self.province.code),
                                 (self.district, self.district.code)):
                m = compare(
                    lambda: progress_by_level(self.session, self.campaign, scope, as_of),
                    lambda: raw_sql.by_level(self.conn, self.campaign, scope.path, as_of, self.today),
                    self.repeat,
                )
                self.add("progress", f"progress_by_level {where}, {label}", m, PROGRESS_TARGET_MS, 2)
                # The figures above come from the progress cache once warm: also measure its cold cases.
                for setup, cold in ((self.write_one_district, "sau một lần ghi ở một huyện"),
                                    (clear_progress_cache, "tiến trình mới (bộ đệm trống, bản lưu trong CSDL)"),
                                    (self.new_process_after_write, "tiến trình mới, sau một lần ghi ở một huyện")):
                    m = compare(
                        lambda: progress_by_level(self.session, self.campaign, scope, as_of),
                        lambda: raw_sql.by_level(self.conn, self.campaign, scope.path, as_of, self.today),
                        self.repeat, setup,
                    )
                    self.add("progress", f"progress_by_level {where}, {label}, {cold}", m, PROGRESS_TARGET_MS, 2)
                # Nothing stored at all: what the first reader pays once after a change to everything
                # (an import, a campaign edit, `generate`); reported, not held to the per-read target.
                m = compare(
                    lambda: progress_by_level(self.session, self.campaign, scope, as_of),
                    lambda: raw_sql.by_level(self.conn, self.campaign, scope.path, as_of, self.today),
                    self.repeat, self.forget_everything,
                )
                self.record(Row("progress", f"progress_by_level {where}, {label}, lần tính đầu tiên (không bản lưu)",
                                m.wall, m.floor_wall, "một lần, để biết", None, m.cpu, m.floor_cpu))

        province_user = self.client(f"{self.province.code.lower()}.dieuphoi")
        district_user = self.client(self.district.code.lower())
        for as_of, label in ((self.today, "hôm nay"), (PAST, PAST.strftime("%d/%m/%Y"))):
            q = "" if as_of == self.today else f"?as_of={as_of:%d/%m/%Y}"
            for client, scope in ((province_user, self.province), (district_user, self.district)):
                m = compare(self.get(client, "/" + q), self.page_floor(scope, as_of), self.repeat)
                self.add("progress", f"GET / ({scope.code}), {label}", m, PROGRESS_TARGET_MS, 2)
            for scope in (self.province, self.district):
                url = f"/units/{scope.id}" + q
                m = compare(self.get(province_user, url), self.page_floor(scope, as_of, True), self.repeat)
                self.add("progress", f"GET /units/{scope.code}, {label}", m, PROGRESS_TARGET_MS, 2)

    # Lists: the unit page's children (first, middle, last page) and search by folded name.
    def lists(self) -> None:
        from shared.models import Unit
        from shared.units import in_subtree, search_filter

        size = 50
        ordered = select(Unit.id).where(Unit.parent_id == self.district.id, Unit.active.is_(True)).order_by(
            Unit.name_folded, Unit.id)
        pages = max(1, (self.children + size - 1) // size)
        middle = pages // 2 + 1
        # The cursor of the middle page is the last row of the page before it.
        after_middle = self.session.scalar(ordered.offset((middle - 1) * size - 1).limit(1))
        client = self.client(self.district.code.lower())
        base = f"/units/{self.district.id}"
        # `page=` is what the offset pager understood; keyset links carry `after=` / `last=`.
        for name, url in (("đầu", base), (f"giữa ({middle}/{pages})", f"{base}?page={middle}&after={after_middle}"),
                          (f"cuối ({pages}/{pages})", f"{base}?page={pages}&last=1")):
            m = compare(self.get(client, url), None, self.repeat)
            self.add("lists", f"GET /units/{self.district.code} trang {name}, {self.children} đơn vị con", m,
                     LIST_TARGET_MS, None)

        try:
            from shared.units import children_page
        except ImportError:
            children_page = None
        if children_page is not None:
            for name, kw in (("đầu", {}), ("giữa", {"after": after_middle}), ("cuối", {"last": True})):
                m = compare(lambda kw=kw: children_page(self.session, self.district, self.campaign.id, **kw),
                            None, self.repeat)
                self.add("lists", f"children_page trang {name}", m, LIST_TARGET_MS, None)

        rare = " ".join(self.session.scalar(
            select(Unit.name_folded).where(Unit.parent_id == self.district.id).order_by(Unit.id.desc()).limit(1)
        ).split()[-2:])
        for term in ("truong tieu hoc", rare, "khong co don vi nao"):
            for scope, where in ((self.country, "toàn quốc"), (self.province, self.province.code),
                                 (self.district, self.district.code)):
                def search(scope=scope, term=term):  # the plan is chosen per call: timed with it
                    return self.session.scalars(
                        select(Unit).where(in_subtree(scope.path), Unit.active.is_(True),
                                           search_filter(term, self.session, scope.path))
                        .order_by(Unit.name_folded, Unit.id).limit(size)).all()

                m = compare(search, None, self.repeat)
                self.add("lists", f"tìm '{term}' trong {where} (50 đầu)", m, LIST_TARGET_MS, None)

    # Memory: a fresh portal process after the dashboard pages of a province and a district user.
    def memory(self) -> None:
        users = [f"{self.province.code.lower()}.dieuphoi", self.district.code.lower()]
        out = subprocess.run(
            [sys.executable, "-m", "bench.memory_probe", self.url, *users,
             str(self.province.id), str(self.district.id)],
            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        row = Row("memory", "RSS một tiến trình cổng sau các trang tổng hợp (MB)", data["rss_mb"], None,
                  f"<= {MEMORY_TARGET_MB:g} MB", data["rss_mb"] <= MEMORY_TARGET_MB)
        self.rows.append(row)
        print(format_row(row) + f"  (đỉnh {data['hwm_mb']:.0f} MB)", flush=True)


# Groups measured in modules of their own, each a `run(bench)` that records its rows on `bench`.
MODULES = {"api": "bench.api", "submit": "bench.submit", "mixed": "bench.mixed", "tui": "bench.tui", "import": "bench.imports"}
GROUPS = ("progress", "lists", "memory", *MODULES)


def format_row(row: Row) -> str:
    unit = row.units
    floor = f"{row.floor:8.1f} {unit}" if row.floor is not None else " " * 11
    ratio = f"{row.ratio:5.2f}x" if row.ratio is not None else "      "
    verdict = {True: "đạt", False: "KHÔNG ĐẠT", None: ""}[row.ok]
    cpu = f"cpu {row.cpu:7.1f}" if row.cpu is not None else " " * 11
    cpu_floor = f"/{row.floor_cpu:7.1f}" if row.floor_cpu is not None else " " * 8
    return (f"{row.group:9} {row.name:60} {row.figure:8.1f} {unit}  {floor}  {ratio}  {row.target:20} {verdict:9}"
            f" {cpu}{cpu_floor}")


def machine() -> str:
    cpu = "?"
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} lõi, {mem:.0f} GB RAM, Python {platform.python_version()}; "
            f"tải trung bình 1/5/15 phút lúc ghi: {load} (máy dùng chung)")


def engine_version(url: str) -> str:
    from shared.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            v = "SQLite " + conn.scalar(text("SELECT sqlite_version()"))
        else:
            v = conn.scalar(text("SELECT version()")).split(" on ")[0]
    engine.dispose()
    return v


def markdown(rows: list[Row], db: str, units: int, repeat: int, url: str) -> str:
    lines = [
        f"### {db}, {units:,} đơn vị".replace(",", ".").replace(f"{db}.", f"{db},"),
        "",
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; {engine_version(url)}; {machine()}; "
        f"trung vị (p50) của {repeat} lần đo.",
        "",
        "| nhóm | phép đo | p50 | sàn p50 | tỉ lệ | mục tiêu | kết quả | CPU p50 | CPU sàn | tỉ lệ CPU |"
        if db == "sqlite" else
        "| nhóm | phép đo | p50 | sàn p50 | tỉ lệ | mục tiêu | kết quả | CPU p50 (client) | CPU sàn (client) | |",
        "| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        unit = r.units
        floor = f"{r.floor:.1f} {unit}" if r.floor is not None else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        verdict = {True: "đạt", False: "**không đạt**", None: ""}[r.ok]
        cpu = f"{r.cpu:.1f} ms" if r.cpu is not None else ""
        cpu_floor = f"{r.floor_cpu:.1f} ms" if r.floor_cpu is not None else ""
        # On PostgreSQL the CPU is the client's share only: no ratio to read from it.
        cpu_ratio = f"{r.cpu_ratio:.2f}x" if r.cpu_ratio is not None and db == "sqlite" else ""
        lines.append(f"| {r.group} | {r.name} | {r.figure:.1f} {unit} | {floor} | {ratio} | {r.target} | {verdict} "
                     f"| {cpu} | {cpu_floor} | {cpu_ratio} |")
    return "\n".join(lines) + "\n"


def write_results(section: str, db: str) -> None:
    """Replace this engine's section of bench/results.md (between its markers), keep the rest."""
    start, end = f"<!-- bench:{db}:start -->", f"<!-- bench:{db}:end -->"
    body = RESULTS.read_text() if RESULTS.exists() else "# Kết quả đo\n\n"
    block = f"{start}\n{section}{end}"
    if start in body and end in body:
        body = body[: body.index(start)] + block + body[body.index(end) + len(end):]
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(body)


def sections(rows: list[Row], db: str) -> list[tuple[str, str, list[Row]]]:
    """(marker key, heading's end, rows) per section of bench/results.md: progress, lists and memory
    share the engine's section; each group of MODULES has one of its own, so that a run of some
    groups replaces their figures and leaves the others'."""
    out = []
    shared = [r for r in rows if r.group not in MODULES]
    if shared:
        out.append((db, " đơn vị\n", shared))
    for group in MODULES:
        mine = [r for r in rows if r.group == group]
        if mine:
            out.append((f"{db}:{group}", f" đơn vị: {group}\n", mine))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=150_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help="SQLAlchemy URL of the data set (default: bench/data/ or daihoi_bench)")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--repeat", type=int, default=15, help="runs per measure (median)")
    parser.add_argument("--only", default=",".join(GROUPS), help="comma-separated: " + ", ".join(GROUPS))
    parser.add_argument("--write", action="store_true", help="write this engine's figures into bench/results.md")
    args = parser.parse_args(argv)
    groups = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in groups if name not in GROUPS]
    if unknown:
        parser.error(f"--only: không có nhóm {', '.join(unknown)} (có: {', '.join(GROUPS)}).")

    url = database_url(args.db, args.units, args.url)
    ensure_data(url, args.units, args.seed)
    bench = Bench(url, args.repeat)
    print(f"Tỉnh {bench.province.code}, đơn vị cấp huyện {bench.district.code} ({bench.children} đơn vị con); "
          f"{engine_version(url)}")
    try:
        for name in groups:
            if name in MODULES:
                importlib.import_module(MODULES[name]).run(bench)
            else:
                getattr(bench, name)()
    finally:
        bench.close()
    failed = [r for r in bench.rows if r.ok is False]
    if args.write:
        for key, title, rows in sections(bench.rows, args.db):
            write_results(markdown(rows, args.db, args.units, args.repeat, url).replace(" đơn vị\n", title, 1), key)
        print(f"Đã ghi {RESULTS.relative_to(ROOT)}.")
    judged = [r for r in bench.rows if r.ok is not None]  # informative rows have no verdict
    print(f"{len(judged) - len(failed)}/{len(judged)} phép đo đạt mục tiêu.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
