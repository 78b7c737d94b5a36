"""Migration 0012p (issue 19) on the populated demo province, on the test engine: the typed counts every report
holds are carried over unchanged, and its downgrade really works (the lists go, the counts stay)."""
from __future__ import annotations

from sqlalchemy import text

from shared.db import make_engine
from shared.migrate import downgrade, upgrade
from tests.test_migrations import _load_demo, scratch_url  # noqa: F401 (the fixture)

COUNTS = ("executive_size", "executive_women", "executive_young", "executive_party", "executive_ethnic_minority",
          "executive_reelected", "executive_new", "executive_from_plan", "standing_size", "inspection_size",
          "delegates_official", "delegates_alternate")


def _counts(url: str) -> dict[int, tuple]:
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return {row[0]: tuple(row[1:]) for row in conn.execute(text(
                f"SELECT id, {', '.join(COUNTS)} FROM congress_reports ORDER BY id"))}
    finally:
        eng.dispose()


def _tables(url: str) -> set[str]:
    from sqlalchemy import inspect

    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        eng.dispose()


def test_0012p_keeps_the_counts_and_downgrades_on_the_demo_province(scratch_url):  # noqa: F811
    upgrade(scratch_url)
    _load_demo(scratch_url)
    with_lists = _counts(scratch_url)
    assert sum(1 for c in with_lists.values() if c[0] is not None) > 1000
    downgrade(scratch_url, "0011n")
    assert not {"elected_members", "congress_delegates", "delegate_allocations", "recognition_decisions"} & _tables(scratch_url)
    assert _counts(scratch_url) == with_lists  # the figures the names gave stay as typed counts
    upgrade(scratch_url)  # and up again: today's counts come over unchanged, without lists
    assert _counts(scratch_url) == with_lists
    eng = make_engine(scratch_url)
    try:
        with eng.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM elected_members")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM congress_reports WHERE ballots_valid IS NOT NULL")).scalar() == 0
    finally:
        eng.dispose()
