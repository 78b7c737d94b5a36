"""The floors: progress aggregates written by hand, run directly on the same database.

They compute what the dashboard needs (expected, planned, held, on time, late, overdue, pending,
pilots held, reports per status) for one subtree (a `path` prefix range) as of a date, in the most
direct SQL we can write: one pass over units LEFT JOIN reports, with a report's status as of a past
date read from its latest status change before the end of that day.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

_COLUMNS = """
    count(*) AS expected,
    sum(CASE WHEN r.planned_date IS NOT NULL AND r.planned_at < :end_ts THEN 1 ELSE 0 END) AS planned,
    sum(CASE WHEN r.held_date <= :as_of THEN 1 ELSE 0 END) AS held,
    sum(CASE WHEN r.held_date <= :as_of AND r.held_date <= {dl} THEN 1 ELSE 0 END) AS on_time,
    sum(CASE WHEN r.held_date <= :as_of AND r.held_date > {dl} THEN 1 ELSE 0 END) AS late,
    sum(CASE WHEN (r.held_date IS NULL OR r.held_date > :as_of) AND :as_of > {dl} THEN 1 ELSE 0 END) AS overdue,
    sum(CASE WHEN (r.held_date IS NULL OR r.held_date > :as_of) AND :as_of <= {dl} THEN 1 ELSE 0 END) AS pending,
    sum(CASE WHEN r.held_date <= :as_of AND r.is_pilot THEN 1 ELSE 0 END) AS pilots_held,
    sum(CASE WHEN {st} = 'draft' THEN 1 ELSE 0 END) AS draft,
    sum(CASE WHEN {st} = 'submitted' THEN 1 ELSE 0 END) AS submitted,
    sum(CASE WHEN {st} = 'returned' THEN 1 ELSE 0 END) AS returned,
    sum(CASE WHEN {st} = 'approved' THEN 1 ELSE 0 END) AS approved
"""
_DEADLINE = "CASE u.level WHEN 'grassroots' THEN :dl_g WHEN 'district' THEN :dl_d ELSE :dl_p END"
_STATUS_AS_OF = (
    "(SELECT c.to_status FROM report_status_changes c WHERE c.report_id = r.id AND c.changed_at < :end_ts "
    "ORDER BY c.changed_at DESC, c.id DESC LIMIT 1)"
)


def _sql(group: str, past: bool) -> str:
    cols = _COLUMNS.format(dl=_DEADLINE, st=_STATUS_AS_OF if past else "r.status")
    return (
        f"SELECT {group} u.level AS level, {cols} "
        "FROM units u LEFT JOIN congress_reports r ON r.unit_id = u.id AND r.campaign_id = :campaign "
        "WHERE u.active = :true AND u.path >= :lo AND u.path < :hi {extra} "
        f"GROUP BY {group} u.level"
    )


def _params(campaign, path: str, as_of: dt.date) -> dict:
    return dict(
        campaign=campaign.id, true=True, lo=path, hi=path + "~", as_of=as_of,
        end_ts=dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()),
        dl_g=campaign.deadline_grassroots, dl_d=campaign.deadline_district, dl_p=campaign.deadline_province,
    )


def by_level(conn, campaign, path: str, as_of: dt.date, today: dt.date) -> list:
    """Per level, for the subtree under `path` ('' = the whole country)."""
    sql = _sql("", as_of < today).replace("{extra}", "")
    return conn.execute(text(sql), _params(campaign, path, as_of)).all()


def by_child(conn, campaign, path: str, as_of: dt.date, today: dt.date) -> list:
    """Per child subtree of the unit at `path` and per level, plus the unit's own row: all a page
    with a children table needs (its per-level totals are these rows summed)."""
    width = len(path) + 9
    sql = _sql(f"substr(u.path, 1, {width}),", as_of < today).replace("{extra}", "")
    return conn.execute(text(sql), _params(campaign, path, as_of)).all()


def children_first_page(conn, campaign, parent_id: int, size: int = 50) -> list:
    """The first page of a unit's children with their report, and how many there are."""
    rows = conn.execute(text(
        "SELECT u.*, r.* FROM units u LEFT JOIN congress_reports r ON r.unit_id = u.id AND r.campaign_id = :campaign "
        "WHERE u.parent_id = :parent AND u.active = :true ORDER BY u.name_folded, u.id LIMIT :size"
    ), dict(campaign=campaign.id, parent=parent_id, true=True, size=size)).all()
    conn.execute(text("SELECT count(*) FROM units WHERE parent_id = :parent AND active = :true"),
                 dict(parent=parent_id, true=True)).scalar()
    return rows
