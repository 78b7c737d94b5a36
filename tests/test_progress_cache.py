"""The progress cache (shared.progress keyed on shared.data_versions): a write through every write
path makes the next read fresh, in this process and in another one, and cached figures always equal
the figures computed afresh from SQL."""
import datetime as dt
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, update

from shared import admin, clock, data_versions, progress, workflow
from shared.db import make_engine, make_session_factory
from shared.models import CongressReport, DataVersion, ProgressSnapshot, Unit
from shared.reports import get_or_create_report, save_draft
from shared.units import create_unit
from tests.admin.helpers import csv_bytes
from tests.report_data import complete_results

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2023, 6, 30)
PAST = dt.date(2023, 4, 15)
COUNTRY = Unit(id=0, path="", level="province", name="Toàn quốc", code="VN")  # as bench/ measures


def _figures(session, campaign, scope, as_of=None, **kw):
    levels, children = progress.progress_overview(session, campaign, scope, as_of, **kw)
    by_level = progress.progress_by_level(session, campaign, scope, as_of, **kw)
    return (
        {k: c.as_dict() for k, c in by_level.items()},
        {k: c.as_dict() for k, c in levels.items()},
        [(c.unit.id, {k: v.as_dict() for k, v in c.levels.items()}) for c in children],
    )


def _fresh(session, campaign, scope, as_of=None, **kw):
    """Computed with an empty cache and no stored copy, leaving the cache as it was (so later reads
    stay incremental)."""
    kept = progress._cache.copy()
    progress.clear_cache()
    progress.STORED = False
    try:
        return _figures(session, campaign, scope, as_of, **kw)
    finally:
        progress.STORED = True
        progress.clear_cache()
        progress._cache.update(kept)


def _assert_cached_equals_fresh(session, campaign, scopes, **kw):
    for scope in scopes:
        for as_of in (None, PAST):
            cached = _figures(session, campaign, scope, as_of, **kw)
            assert cached == _figures(session, campaign, scope, as_of, **kw)  # the warm read too
            assert cached == _fresh(session, campaign, scope, as_of, **kw), (scope.path, as_of, kw)


def _held(session, campaign, scope) -> int:
    return progress.progress_by_level(session, campaign, scope)["grassroots"].held


def _expected(session, campaign, scope) -> int:
    return progress.progress_by_level(session, campaign, scope)["grassroots"].expected


def _token(session, key=data_versions.ALL):
    return session.scalar(select(DataVersion.version).where(DataVersion.key == key))


@pytest.fixture
def world(db, factory):
    clock.pin(TODAY)
    t = factory.tree()
    c = factory.campaign()
    t.rep = factory.user("reporter", t.g11)
    t.d1_user = factory.user("district", t.d1)
    t.admin = factory.user("admin", t.province)
    report = get_or_create_report(db, c, t.g12, t.rep)
    complete_results(report, held=dt.date(2023, 4, 1))
    db.commit()
    progress.clear_cache()
    yield t, c
    progress.clear_cache()


def _warm(db, c, t):
    """Fill the cache for the scopes a write could touch; return the country's grassroots held."""
    for scope in (COUNTRY, t.province, t.d1, t.d2):
        _figures(db, c, scope)
    db.commit()


# ---- every write path -------------------------------------------------------------------------


def test_report_edit_and_transitions_reach_a_warm_cache(db, world):
    t, c = world
    _warm(db, c, t)
    assert _held(db, c, COUNTRY) == 1
    report = get_or_create_report(db, c, t.g11, t.rep)  # new report (and its first status change)
    db.commit()
    save_draft(db, c, t.g11, t.rep, {"held_date": "10/04/2023"}, report.version)  # an edit
    db.commit()
    assert _held(db, c, COUNTRY) == _held(db, c, t.province) == _held(db, c, t.d1) == 2
    complete_results(report, held=dt.date(2023, 4, 10))
    db.commit()
    workflow.submit(db, report, t.rep)
    db.commit()
    assert progress.progress_by_level(db, c, t.d1)["grassroots"].submitted == 1
    workflow.approve(db, report, t.d1_user)
    db.commit()
    assert progress.progress_by_level(db, c, COUNTRY)["grassroots"].approved == 1
    db.delete(report)
    db.commit()
    assert _held(db, c, COUNTRY) == 1
    _assert_cached_equals_fresh(db, c, [COUNTRY, t.province, t.d1, t.g11])


def test_naming_a_pilot_reaches_a_warm_cache(db, world):
    """A named pilot counts in `pilots_held` and "pilots only" (shared.progress.pilot_clause): naming one and
    withdrawing it renew its district's token like a report write."""
    from shared import pilots

    t, c = world
    _warm(db, c, t)
    assert progress.progress_by_level(db, c, COUNTRY)["grassroots"].pilots_held == 0
    before = _token(db, data_versions.bucket_of(t.d2.path))
    pilots.designate(db, t.admin, c, t.g12)
    db.commit()
    assert _token(db, data_versions.bucket_of(t.d2.path)) == before  # another district's token is kept
    for scope in (COUNTRY, t.province, t.d1):
        assert progress.progress_by_level(db, c, scope)["grassroots"].pilots_held == 1, scope.path
        assert progress.progress_by_level(db, c, scope, pilot_only=True)["grassroots"].expected == 1, scope.path
    _assert_cached_equals_fresh(db, c, [COUNTRY, t.province, t.d1], pilot_only=True)
    pilots.withdraw(db, t.admin, c, t.g12)
    db.commit()
    assert progress.progress_by_level(db, c, t.d1)["grassroots"].pilots_held == 0


def test_a_report_write_renews_exactly_the_buckets_of_its_units_in_one_statement(db, world):
    """The usual write (rows of some units' reports) renews the buckets at commit with one statement that reads
    the units' paths itself: a district's bucket for units under it, a province its own row, a unit whose path
    is not assigned yet none; every other token stays."""
    t, _c = world
    pending = Unit(code="P1", name="Chưa có đường dẫn", level="grassroots", parent=t.d2, path="pending:P1")
    db.add(pending)
    db.commit()
    keys = [data_versions.ALL, t.province.path, data_versions.bucket_of(t.d1.path), data_versions.bucket_of(t.d2.path)]
    before = {k: _token(db, k) for k in keys}
    data_versions.note_units(db, [t.g11.id, t.d1.id, t.province.id, pending.id])
    statements: list[str] = []
    listen = lambda *a: statements.append(a[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(db.get_bind(), "before_cursor_execute", listen)
    try:
        db.commit()
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listen)
    assert len(statements) == 1 and statements[0].startswith("INSERT INTO data_versions"), statements
    after = {k: _token(db, k) for k in keys}
    changed = {k for k in keys if after[k] != before[k]}
    assert changed == {t.province.path, data_versions.bucket_of(t.d1.path)}
    assert None not in (after[t.province.path], after[data_versions.bucket_of(t.d1.path)])


def test_unit_writes_reach_a_warm_cache(db, world):
    t, c = world
    _warm(db, c, t)
    create_unit(db, code="G22", name="Công đoàn cơ sở Mới", level="grassroots", parent=t.d2)
    db.commit()
    assert _expected(db, c, COUNTRY) == _expected(db, c, t.province) == 4
    assert _expected(db, c, t.d2) == 2
    admin.update_unit(db, t.admin, t.g12, {"code": "G12", "name": t.g12.name, "sector": "fdi"})  # sector filter
    db.commit()
    assert progress.progress_by_level(db, c, t.province, sector="fdi")["grassroots"].held == 1
    admin.move_unit(db, t.admin, t.g12, t.d2)  # one UPDATE of a subtree's paths
    db.commit()
    assert _held(db, c, t.d1) == 0 and _held(db, c, t.d2) == 1
    admin.set_unit_active(db, t.admin, t.d2, False)  # one UPDATE of a subtree
    db.commit()
    assert _expected(db, c, COUNTRY) == 1 and _held(db, c, t.province) == 0
    _assert_cached_equals_fresh(db, c, [COUNTRY, t.province, t.d1, t.d2])


def test_campaign_edit_reaches_a_warm_cache(db, world):
    t, c = world
    _warm(db, c, t)
    assert progress.progress_by_level(db, c, t.province)["grassroots"].on_time == 1
    c.deadline_grassroots = dt.date(2023, 3, 31)
    db.commit()
    assert progress.progress_by_level(db, c, t.province)["grassroots"].late == 1


def test_import_reaches_a_warm_cache(db, world):
    from shared.imports import import_units

    t, c = world
    _warm(db, c, t)
    rows = [(f"D1-N{i}", f"Công đoàn cơ sở Nhập {i}", "cơ sở", "D1", "nhà nước", 10, "", "") for i in range(3)]
    import_units(db, io.BytesIO(csv_bytes(rows)), filename="don-vi.csv", actor=t.admin, scope=t.province)
    db.commit()
    assert _expected(db, c, t.d1) == 5 and _expected(db, c, COUNTRY) == 6


def test_generate_and_restore_renew_every_token(database_url, engine, db):
    from shared.backup import _renew_data_versions
    from shared.generate import generate

    generate(engine, units=300, seed=3, today=TODAY, analyze=False)
    first = _token(db)
    assert first is not None
    db.commit()
    _renew_data_versions(database_url)  # what restore ends with
    assert _token(db) not in (None, first)


def test_a_session_with_uncommitted_writes_neither_reads_nor_fills_the_cache(db, world):
    t, c = world
    _warm(db, c, t)
    report = db.scalar(select(CongressReport).where(CongressReport.unit_id == t.g12.id))
    report.held_date = None
    assert _held(db, c, t.province) == 0  # its own write, not the cached figure
    db.rollback()
    assert _held(db, c, t.province) == 1  # the rolled-back figure was not cached
    assert not db.info.get("daihoi.data_versions")


def test_a_write_by_another_worker_reaches_this_one(database_url, db, world):
    """Another engine in this process, then another process: the tokens live in the database."""
    t, c = world
    _warm(db, c, t)
    other = make_engine(database_url)
    try:
        with make_session_factory(other)() as session:
            report = session.scalar(select(CongressReport).where(CongressReport.unit_id == t.g12.id))
            report.held_date = None
            session.commit()
    finally:
        other.dispose()
    assert _held(db, c, COUNTRY) == 0
    db.commit()
    script = (
        "import datetime as dt, sys\n"
        "from sqlalchemy import select\n"
        "from shared.db import make_engine, make_session_factory\n"
        "from shared.models import CongressReport\n"
        "engine = make_engine(sys.argv[1])\n"
        "with make_session_factory(engine)() as s:\n"
        "    s.scalar(select(CongressReport)).held_date = dt.date(2023, 4, 2)\n"
        "    s.commit()\n"
        "engine.dispose()\n"
    )
    subprocess.run([sys.executable, "-c", script, database_url], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert _held(db, c, COUNTRY) == _held(db, c, t.province) == 1


# ---- cached == fresh, whatever the data and the writes --------------------------------------------

_codes = itertools.count()
WRITES = st.lists(
    st.tuples(
        st.sampled_from(["held", "plan", "status", "active", "sector", "new_unit"]),
        st.integers(0, 50),
        st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
    ),
    min_size=1, max_size=6,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(WRITES, min_size=1, max_size=3), sector=st.sampled_from([None, "state"]))
def test_cached_figures_equal_fresh_sql(db, world, batches, sector):
    t, c = world
    scopes = [COUNTRY, t.province, t.d1, t.d2, t.g11]
    for writes in batches:
        _assert_cached_equals_fresh(db, c, scopes, sector=sector)
        units = list(db.scalars(select(Unit).where(Unit.level == "grassroots").order_by(Unit.id)))
        for kind, n, day in writes:
            unit = units[n % len(units)]
            report = db.scalar(select(CongressReport).where(CongressReport.unit_id == unit.id))
            if kind == "new_unit":
                create_unit(db, code=f"N{next(_codes)}", name=f"Mới {n}", level="grassroots",
                            parent=[t.d1, t.d2][n % 2], sector=["state", "fdi"][n % 2])
            elif kind == "active":
                unit.active = not unit.active
            elif kind == "sector":
                unit.sector = "fdi" if unit.sector == "state" else "state"
            else:
                report = report or get_or_create_report(db, c, unit, t.rep)
                if kind == "held":
                    report.held_date = day
                elif kind == "plan":
                    report.planned_date, report.planned_at = day, day and dt.datetime.combine(day, dt.time(8))
                else:
                    report.status = ["draft", "submitted", "returned", "approved"][n % 4]
            db.flush()
        db.commit()
    _assert_cached_equals_fresh(db, c, scopes, sector=sector)


# ---- stored copies of wide scopes (progress_snapshots) -------------------------------------------


class _Statements:
    """The SQL statements an engine runs while active."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _record(self, _conn, _cursor, statement, *_args):
        self.seen.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def scans(self) -> list[str]:
        return [s for s in self.seen if "GROUP BY" in s.upper()]


def _stored(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(ProgressSnapshot))


def test_a_new_process_starts_from_the_stored_copy_of_a_wide_scope(engine, db, world):
    t, c = world
    expected = {scope.path: _fresh(db, c, scope) for scope in (COUNTRY, t.province)}
    for scope in (COUNTRY, t.province):
        assert _figures(db, c, scope) == expected[scope.path]
    db.commit()
    assert _stored(db) >= 2  # the country and the province, today (district scopes are not stored)
    progress.clear_cache()  # what a new worker has
    with _Statements(engine) as statements:
        for scope in (COUNTRY, t.province):
            assert _figures(db, c, scope) == expected[scope.path]
    assert statements.scans() == []  # no subtree scanned: loaded from the stored copies
    db.commit()


def test_a_stored_copy_behind_a_write_recomputes_only_the_written_district(engine, db, factory, world):
    t, c = world
    _figures(db, c, COUNTRY)
    db.commit()
    report = get_or_create_report(db, c, t.g21, factory.user("reporter", t.g21))  # a write in district 2
    complete_results(report, held=dt.date(2023, 4, 2))
    db.commit()
    progress.clear_cache()  # a new worker: the stored copy predates the write
    with _Statements(engine) as statements:
        assert _held(db, c, COUNTRY) == 2
    assert len(statements.scans()) == 1  # one grouped scan, limited to district 2's bucket
    _assert_cached_equals_fresh(db, c, [COUNTRY, t.province])


def test_a_stored_copy_of_another_star_token_is_ignored(db, world):
    t, c = world
    assert _held(db, c, COUNTRY) == 1
    db.commit()
    db.execute(update(CongressReport).values(held_date=None))  # a bulk write: renews `*`
    db.commit()
    progress.clear_cache()
    assert _held(db, c, COUNTRY) == 0
    _assert_cached_equals_fresh(db, c, [COUNTRY, t.province])


def test_a_reader_whose_transaction_wrote_stores_nothing(db, world):
    """On SQLite the copy's own connection would wait for this transaction's write lock: skipped."""
    t, c = world
    t.province.name = t.province.name + " (mới)"
    db.flush()
    db.info.pop("daihoi.data_versions", None)  # as if the write were not one the figures depend on
    progress._groups(db, c, COUNTRY, clock.today(), None, False, True)
    db.rollback()
    assert _stored(db) == 0


def test_stored_copies_not_rewritten_for_a_week_are_pruned(db, world):
    t, c = world
    _figures(db, c, COUNTRY)
    db.commit()
    db.execute(update(ProgressSnapshot).values(computed_at=dt.datetime(2000, 1, 1)))
    db.commit()
    progress.clear_cache()
    _figures(db, c, t.province, PAST)  # writes its own copy and prunes the week-old ones
    db.commit()
    times = db.scalars(select(ProgressSnapshot.computed_at)).all()
    assert times and all(at > dt.datetime(2000, 1, 1) for at in times)


def test_a_copy_write_that_would_wait_gives_up_and_the_figures_stay_right(engine, db, world, caplog):
    """Another transaction holds the table: the copy is not written (after a short wait), the reader
    gets its figures all the same, and the next reader tries again."""
    t, c = world
    expected = _fresh(db, c, COUNTRY)
    with engine.connect() as other:
        if engine.dialect.name == "sqlite":
            other.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock; readers still read (WAL)
        else:
            other.begin()
            other.exec_driver_sql("LOCK TABLE progress_snapshots IN EXCLUSIVE MODE")  # blocks writes only
        try:
            with caplog.at_level("WARNING", logger="shared.progress"):
                assert _figures(db, c, COUNTRY) == expected
            db.commit()
        finally:
            other.rollback()
    assert "stored copy not written" in caplog.text
    assert _stored(db) == 0
    progress.clear_cache()
    assert _figures(db, c, COUNTRY) == expected
    db.commit()
    assert _stored(db) >= 1


def test_warm_stores_every_province_and_the_country(engine, db, world):
    t, c = world
    assert progress.warm(db) == 2  # the country and the one province
    assert _stored(db) == 2
    progress.clear_cache()
    with _Statements(engine) as statements:
        assert _held(db, c, t.province) == _held(db, c, COUNTRY) == 1
    assert statements.scans() == []
    db.commit()
