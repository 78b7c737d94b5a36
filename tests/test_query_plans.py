"""Hot queries stay index-driven: no full scan of a big table sneaks into progress or the children list.

Each guarded call runs on a small generated tree; every SQL statement it issues is captured and
EXPLAINed with the same parameters. On SQLite a plan step "SCAN <table>" (a full table or full
index scan) fails the test; on PostgreSQL, with `enable_seqscan = off` so that tiny tables do not
make a sequential scan the honest choice, a "Seq Scan" node does.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import event, select, text

from shared.db import make_engine, make_session_factory
from shared.generate import generate
from shared.models import Campaign, Unit
from shared.progress import progress_by_child, progress_by_level
from shared.text import fold
from tests.conftest import truncate_all
from shared.readmodels import progress_children
from shared.units import children_page, get_visible_unit

BIG_TABLES = {"units", "congress_reports", "report_status_changes", "officers", "recommendations", "users"}
TODAY = dt.date(2024, 1, 1)
PAST = dt.date(2023, 4, 15)


@pytest.fixture
def plans(database_url, engine, db):
    """(session, captured statements) on a fresh engine, over a small generated tree (in tables as new:
    no statistics another test's rows left behind)."""
    truncate_all(engine)
    generate(engine, units=400, seed=11, today=TODAY, analyze=False)
    if engine.dialect.name == "sqlite":
        # Statistics another test may have left (ANALYZE) would describe a different, tinier table.
        with engine.begin() as conn:
            if conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
                conn.execute(text("DELETE FROM sqlite_stat1"))
    fresh = make_engine(database_url)
    captured: list[tuple[str, object]] = []

    @event.listens_for(fresh, "before_cursor_execute")
    def _capture(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    session = make_session_factory(fresh)()
    yield session, captured
    session.close()
    fresh.dispose()


def _full_scans(session, statement: str, parameters) -> list[str]:
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        steps = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
        return [s for s in steps if s.startswith("SCAN ") and s.split()[1] in BIG_TABLES]
    conn.exec_driver_sql("SET enable_seqscan = off")
    try:
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    finally:
        conn.exec_driver_sql("RESET enable_seqscan")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found: list[str] = []

    def walk(node: dict) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.append(f"Seq Scan on {node['Relation Name']}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def _assert_indexed(session, captured, what: str) -> None:
    assert captured, f"{what}: no query captured"
    for statement, parameters in captured:
        scans = _full_scans(session, statement, parameters)
        assert not scans, f"{what}: {scans} in\n{statement}"
    captured.clear()


def _setup(session):
    campaign = session.scalars(select(Campaign)).one()
    province = session.scalars(select(Unit).where(Unit.level == "province").order_by(Unit.id)).first()
    district = session.scalars(select(Unit).where(Unit.level == "district", Unit.parent_id == province.id)).first()
    return campaign, province, district


@pytest.mark.parametrize("as_of", [TODAY, PAST], ids=["today", "past"])
def test_progress_queries_use_indexes(plans, as_of, monkeypatch):
    session, captured = plans
    monkeypatch.setattr("shared.clock.today", lambda: TODAY)
    campaign, province, district = _setup(session)
    captured.clear()
    progress_by_level(session, campaign, district, as_of)
    _assert_indexed(session, captured, f"progress_by_level({as_of})")
    progress_by_child(session, campaign, province, as_of)
    _assert_indexed(session, captured, f"progress_by_child({as_of})")

    class _User:  # the API's and the TUI's paged children, as the district's own user reads them
        unit = district

    first = progress_children(session, _User(), campaign, None, as_of, sort="held_pct", limit=5)
    assert first["next_cursor"]
    progress_children(session, _User(), campaign, None, as_of, sort="held_pct", limit=5, cursor=first["next_cursor"])
    _assert_indexed(session, captured, f"progress_children({as_of})")


def test_children_list_and_unit_lookup_use_indexes(plans):
    session, captured = plans
    campaign, province, district = _setup(session)
    captured.clear()
    first = children_page(session, district, campaign.id, size=5)
    _assert_indexed(session, captured, "children_page first")
    children_page(session, district, campaign.id, after=first.last_id, size=5)
    _assert_indexed(session, captured, "children_page after")
    children_page(session, district, campaign.id, last=True, size=5)
    _assert_indexed(session, captured, "children_page last")
    children_page(session, district, campaign.id, before=first.last_id, size=5)
    _assert_indexed(session, captured, "children_page before")

    class _User:
        unit = province

    get_visible_unit(session, _User(), first.first_id)
    _assert_indexed(session, captured, "get_visible_unit")


def test_the_guard_catches_a_full_scan(plans):
    """The check itself can fail: an unindexed filter on the units table is reported."""
    session, _captured = plans
    scans = _full_scans(session, "SELECT id FROM units WHERE members_count > 10", {})
    assert scans and "units" in scans[0]


@pytest.mark.parametrize("term", ["truong tieu hoc", "Châu Giang", "hcm-d1"])
def test_search_by_folded_name_uses_the_trigram_index(plans, term):
    """Country-wide "contains" search: FTS5 trigram table on SQLite, GIN pg_trgm on PostgreSQL."""
    from shared.units import in_subtree, search_filter

    session, captured = plans
    stmt = (select(Unit).where(in_subtree(""), Unit.active.is_(True), search_filter(term))
            .order_by(Unit.name_sort, Unit.id).limit(50))
    if session.connection().dialect.name == "postgresql":
        # On 400 units PostgreSQL rightly prefers the path range (or the name order) to the GIN
        # index; what is guarded here is that the search itself can be answered from the index.
        stmt = select(Unit.id).where(search_filter(term))
    session.scalars(stmt).all()
    statement, parameters = captured[-1]
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        plan = " / ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
        assert "VIRTUAL TABLE INDEX" in plan and "units_fts" in plan, plan
    else:
        conn.exec_driver_sql("SET enable_seqscan = off")
        try:
            plan = json.dumps(conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar())
        finally:
            conn.exec_driver_sql("RESET enable_seqscan")
        assert "ix_units_search_trgm" in plan, plan
    _assert_indexed(session, captured, f"search {term!r}")


def _plan(session, statement: str, parameters, **settings) -> str:
    """The plan as text: SQLite's EXPLAIN QUERY PLAN steps, PostgreSQL's JSON plan with `settings`
    (planner switches such as enable_sort) in force."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        return " / ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    for name, value in settings.items():
        conn.exec_driver_sql(f"SET {name} = {value}")
    try:
        return json.dumps(conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar())
    finally:
        for name in settings:
            conn.exec_driver_sql(f"RESET {name}")


@pytest.mark.parametrize("rare", [1, 1000])
@pytest.mark.parametrize("term", ["cong doan co so", "Châu Giang", "khong co don vi nao"])
def test_search_with_a_session_is_never_a_walk_in_name_order(plans, monkeypatch, term, rare):
    """search_filter(q, session, scope) under `ORDER BY name_sort, id LIMIT 50`: the matches are
    gathered, then sorted. The name index is not walked until 50 rows match (a common term's matches
    sit together in name order: that walk read 109,370 of 150,000 units). SQLite: a rare term is one
    bounded trigram look-up then `id IN (ids)`, a common one (rare=1 makes every term common here)
    `id IN (its matches in the scope)`; PostgreSQL: one statement, rows fetched by address (TID scan)
    from the subquery that finds them."""
    import shared.units as units_module
    from shared.units import in_subtree, search_filter

    monkeypatch.setattr(units_module, "RARE_MATCHES", rare)
    session, captured = plans
    province = session.scalars(select(Unit).where(Unit.level == "province").order_by(Unit.id)).first()
    captured.clear()
    session.scalars(select(Unit).where(in_subtree(province.path), Unit.active.is_(True),
                                       search_filter(term, session, province.path))
                    .order_by(Unit.name_sort, Unit.id).limit(50)).all()
    *lookup, (statement, parameters) = captured
    plan = _plan(session, statement, parameters, enable_seqscan="off")
    assert "ix_units_name_sort" not in plan, plan
    if session.connection().dialect.name == "postgresql":  # TID scan with statistics, a filter without
        assert not lookup and "InitPlan" in plan and "ctid = ANY ($0)" in plan, plan
    else:
        assert "USING INTEGER PRIMARY KEY" in plan, plan
        matches = sum(fold(term) in u.name_folded or fold(term) in u.code.lower() for u in session.scalars(select(Unit)))
        common = "units_fts" in statement or "LIKE" in statement  # else the ids, written in
        assert common == (matches >= rare), statement
    _assert_indexed(session, [*lookup, (statement, parameters)], f"search {term!r}, rare={rare}")


def test_api_units_page_starts_at_its_cursor(plans):
    """GET /api/v1/units, a later page: its keyset cursor is an index range on the name order
    (`name_sort >= ?`), so reading it in name order starts at the cursor, not at the first name
    of the scope (the middle page of a 32,525-unit province read 77,000 rows to reach it)."""
    from shared.readmodels import list_units

    session, captured = plans
    campaign, province, _district = _setup(session)

    class _User:
        unit = province
        id = role = None

    first = list_units(session, _User(), campaign, limit=5)
    captured.clear()
    list_units(session, _User(), campaign, limit=5, cursor=first["next_cursor"])
    (statement, parameters), = [(st, p) for st, p in captured if "congress_reports" in st]
    if session.connection().dialect.name == "sqlite":
        forced = statement.replace("FROM units LEFT OUTER JOIN", "FROM units INDEXED BY ix_units_name_sort LEFT OUTER JOIN")
        assert forced != statement
        plan = _plan(session, forced, parameters)
        assert "SEARCH units USING INDEX ix_units_name_sort (name_sort>?)" in plan, plan
    else:  # with no sort allowed, the name order comes from the index, read from the cursor on
        plan = _plan(session, statement, parameters, enable_sort="off", enable_seqscan="off")
        assert '"Index Name": "ix_units_name_sort"' in plan and "name_sort)::text >=" in plan, plan
    _assert_indexed(session, [(statement, parameters)], "list_units after a cursor")


def test_postgresql_plans_every_execution_for_its_values(engine):
    """A prepared statement's generic plan ignores the path range of a subtree: never use one."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    from sqlalchemy import text

    with engine.connect() as conn:
        assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
        conn.rollback()
        assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"


@pytest.mark.parametrize("as_of", [TODAY, PAST], ids=["today", "past"])
def test_dashboard_section_queries_use_indexes(plans, as_of, monkeypatch):
    """The dashboard's sections, as of today and a past day: the unit list, the pilots, personnel,
    the reconciled emulation totals, the recommendations known by the day, the level reports received."""
    from shared import dashboard as dash
    from shared import emulation, level_reports

    session, captured = plans
    monkeypatch.setattr("shared.clock.today", lambda: TODAY)
    campaign, province, district = _setup(session)
    captured.clear()
    for scope in (district, province):
        dash.unit_page(session, campaign, scope, as_of, dash.Filters(), size=50)
        _assert_indexed(session, captured, f"unit_page({scope.level}, {as_of})")
        dash.pilot_rows(session, campaign, scope, as_of, dash.Filters())
        _assert_indexed(session, captured, f"pilot_rows({scope.level}, {as_of})")
        dash.personnel_by_level(session, campaign, scope, as_of)
        _assert_indexed(session, captured, f"personnel_by_level({scope.level}, {as_of})")
        emulation.totals(session, campaign, scope, as_of, by="child")
        _assert_indexed(session, captured, f"emulation.totals({scope.level}, {as_of})")
        dash.recommendation_counts(session, campaign, scope, as_of=as_of)
        _assert_indexed(session, captured, f"recommendation_counts({scope.level}, {as_of})")
        level_reports.checklist_counts(session, campaign, scope, as_of)
        _assert_indexed(session, captured, f"checklist_counts({scope.level}, {as_of})")
