"""`--only import`: import of the whole unit tree from XLSX into an empty database <= 60 s.

The file is the data set's own tree written in the import template's format (the template's headers,
levels and sectors in words as users type them), made once and cached as bench/data/import-N.xlsx
(git-ignored). It is imported with `shared.imports.import_units` (what `daihoi import-units` and the
admin page run) into a freshly migrated empty database, first as a dry run, then for real (with its
commit). The floor is openpyxl reading the same file's rows, nothing else: the part no import avoids.
"""
from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

TARGET_S = 60.0
SECTOR_WORDS = {"state": "nhà nước", "non_state": "ngoài nhà nước", "fdi": "FDI", "public_service": "sự nghiệp"}


def run(bench) -> None:
    from bench.__main__ import DATA, Row

    path = DATA / f"import-{bench.session.scalar(select(func.count()).select_from(_units()))}.xlsx"
    if not path.exists():
        print(f"Ghi tệp nhập {path.name} từ cây đơn vị của dữ liệu đo (một lần)...", flush=True)
        write_workbook(bench, path)
    floor = _timed(lambda: read_rows(path))
    with _empty_database(bench.url) as url:
        dry = _import(url, path, dry_run=True)
        real = _import(url, path, dry_run=False)
    for label, (seconds, report, stored) in (("chạy thử (--dry-run)", dry), ("nhập thật, kể cả commit", real)):
        expected = 0 if report.dry_run else report.rows
        ok = seconds <= TARGET_S and report.ok and report.created == report.rows and stored == expected
        bench.record(Row("import", f"nhập {report.rows} đơn vị từ XLSX, {label}", seconds, floor,
                         f"<= {TARGET_S:g} s", ok, unit="s"),
                     f"  (tạo {report.created}, lỗi {report.error_count}, trong CSDL {stored})")


def _units():
    from shared.models import Unit

    return Unit.__table__


def write_workbook(bench, path: Path) -> None:
    """The tree as a user's file: template headers, parents' codes, words for levels and sectors."""
    from openpyxl import Workbook

    from shared.imports import COLUMNS, HEADERS, LEVEL_SHORT

    units = _units()
    parent = units.alias("parent")
    rows = bench.session.execute(
        select(units.c.code, units.c.name, units.c.level, parent.c.code, units.c.sector, units.c.members_count,
               units.c.contact_email, units.c.contact_phone)
        .outerjoin(parent, parent.c.id == units.c.parent_id).order_by(units.c.path)
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đơn vị")
    ws.append([HEADERS[name] for name in COLUMNS])
    for code, name, level, parent_code, sector, members, email, phone in rows:
        ws.append([code, name, LEVEL_SHORT[level], parent_code or "", SECTOR_WORDS[sector], members, email, phone])
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    wb.save(partial)
    partial.rename(path)


def read_rows(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


class _empty_database:
    """A freshly migrated empty database next to the benchmark's (same engine), dropped afterwards."""

    def __init__(self, bench_url: str):
        self.bench_url = make_url(bench_url)
        if self.bench_url.get_backend_name() == "sqlite":
            self.url = self.bench_url.set(database=str(Path(self.bench_url.database).with_name("import-target.sqlite3")))
        else:
            self.url = self.bench_url.set(database=f"{self.bench_url.database}_import")

    def _drop(self) -> None:
        if self.url.get_backend_name() == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(self.url.database + suffix).unlink(missing_ok=True)
            return
        self._admin(f'DROP DATABASE IF EXISTS "{self.url.database}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine

        engine = create_engine(self.bench_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def __enter__(self) -> str:
        from shared.migrate import upgrade

        self._drop()
        if self.url.get_backend_name() != "sqlite":
            self._admin(f'CREATE DATABASE "{self.url.database}"')
        url = self.url.render_as_string(hide_password=False)
        upgrade(url)
        return url

    def __exit__(self, *_exc) -> None:
        self._drop()


def _import(url: str, path: Path, dry_run: bool):
    """(seconds, the import's report, units in the database afterwards)."""
    from shared.db import make_engine, make_session_factory
    from shared.imports import import_units

    engine = make_engine(url)
    session = make_session_factory(engine)()
    try:
        start = time.perf_counter()
        report = import_units(session, path, filename=path.name, dry_run=dry_run)
        if report.applied:
            session.commit()
        else:
            session.rollback()
        seconds = time.perf_counter() - start
        stored = session.scalar(select(func.count()).select_from(_units()))
    finally:
        session.close()
        engine.dispose()
    return seconds, report, stored
