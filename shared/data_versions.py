"""Data versions: a random token per part of the data, renewed in the same transaction as any write
to that part, so that a cache keyed on the tokens is correct across every worker sharing the database.

The parts ("buckets") follow the unit tree: a unit, its campaign reports, their status history and its
naming as a pilot belong to the bucket of the district-level unit above them, i.e. the first two segments
of the unit's path (a province's own row is the bucket of its one-segment path). `*` stands for everything:
it is renewed by campaign edits, by bulk statements whose rows are not known one by one (subtree
moves and deactivations, imports, `generate`, the demo, restore). A token is random, not a counter,
so a restored backup never brings back a token that now names other data.

ORM writes are found by Session events: `after_flush` notes the buckets of the new, changed and
deleted units, reports and status changes; `before_commit` flushes, resolves units and reports to
their buckets and renews those tokens as the transaction's last statement, so a PostgreSQL writer
holds the token's row lock only for the commit itself. A bulk DML statement through a Session on one
of the tables renews `*`. Writes on a bare Connection must call `renew(conn, [ALL])` themselves.

Readers: `read(session, path)` returns the tokens of `*` and of the buckets within a subtree in one
indexed query, or None when the session holds writes not committed yet (its figures must not be
cached: they may be rolled back) or when the database has no `*` token (nothing may be cached).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import bindparam, event, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE
from sqlalchemy.orm.util import identity_key

from shared.db import upsert
from shared.models import Campaign, CongressReport, DataVersion, PilotUnit, ReportStatusChange, Unit

ALL = "*"
BUCKET = 18  # two path segments of shared.units.SEGMENT characters
TRACKED_TABLES = frozenset({"units", "campaigns", "congress_reports", "report_status_changes", "pilot_units"})
_PENDING = "daihoi.data_versions"
_PATH = re.compile(r"(?:\d{8}/)+")


def bucket_of(path: str | None) -> str | None:
    """The bucket key of a unit's path; None for a path not assigned yet ('pending:...')."""
    if not path or not _PATH.fullmatch(path):
        return None
    return path[:BUCKET]


def bucket_units(bucket: str):
    """SQL condition: the units of one bucket (a province's bucket is its own row only)."""
    if len(bucket) < BUCKET:
        return Unit.path == bucket
    from shared.units import in_subtree

    return in_subtree(bucket)


def _token() -> int:
    return secrets.randbits(62) + 1


def renew(conn, keys: Iterable[str]) -> None:
    """Give `keys` new tokens (inserting missing rows), in the caller's transaction. Sorted, so two
    writers renewing overlapping keys take the row locks in the same order (no deadlock)."""
    keys = sorted(set(keys))
    if not keys:
        return
    conn.execute(upsert(conn.dialect.name, DataVersion.__table__, "key", ("version",)),
                 [{"key": k, "version": _token()} for k in keys])


def _pending(session: Session) -> dict:
    return session.info.setdefault(_PENDING, {"keys": set(), "units": set(), "reports": set()})


def _history_values(obj, attr: str) -> set:
    from sqlalchemy import inspect

    # The one attribute's history (what `.attrs[attr].history` reads, without a view of every attribute).
    hist = inspect(obj).get_history(attr, PASSIVE_NO_INITIALIZE)
    return {v for v in (*hist.added, *hist.unchanged, *hist.deleted) if v is not None}


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _ctx) -> None:
    pending = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Unit):
            pending = pending or _pending(session)
            pending["keys"].update(k for k in map(bucket_of, _history_values(obj, "path")) if k)
        elif isinstance(obj, (CongressReport, PilotUnit)):  # a named pilot counts in the figures (pilot_clause)
            pending = pending or _pending(session)
            pending["units"].update(_history_values(obj, "unit_id"))
        elif isinstance(obj, ReportStatusChange):
            pending = pending or _pending(session)
            report = obj.__dict__.get("report")  # usually loaded: its unit then needs no look-up
            if report is None:  # added by id: the report written beside it is in the session's identity map
                report = session.identity_map.get(identity_key(CongressReport, obj.report_id))
            if report is not None and report.__dict__.get("id") == obj.report_id and report.__dict__.get("unit_id"):
                pending["units"].add(report.__dict__["unit_id"])
            else:
                pending["reports"].update(_history_values(obj, "report_id"))
        elif isinstance(obj, Campaign):
            pending = pending or _pending(session)
            pending["keys"].add(ALL)


def note_units(session: Session, unit_ids: Iterable[int]) -> None:
    """Rows of these units' reports written on the session's connection, outside the unit of work (a
    report's status change): their buckets are renewed at commit like those of the ORM's writes."""
    _pending(session)["units"].update(unit_ids)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in TRACKED_TABLES:
        _pending(state.session)["keys"].add(ALL)


@event.listens_for(Session, "before_commit")
def _renew_on_commit(session: Session) -> None:
    session.flush()  # the commit's own flush, done first: it notes what it writes
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    keys = set(pending["keys"])
    if not keys and not pending["reports"]:  # the usual write: rows of some units' reports
        if pending["units"]:
            renew_units(session.connection(), pending["units"])
        return
    if ALL not in keys:
        units, reports = set(pending["units"]), pending["reports"]
        if reports:
            units |= set(session.scalars(
                select(CongressReport.unit_id).where(CongressReport.id.in_(reports))
                .execution_options(autoflush=False)
            ))
        # The paths are read now, in the committing transaction, not taken from objects loaded earlier:
        # a unit moved by another transaction meanwhile must renew the bucket it is in now.
        paths = []
        if units:  # on the connection: a plain column read needs none of the ORM's work
            paths = session.connection().scalars(_PATHS_OF, {"ids": list(units)})
        keys.update(k for k in map(bucket_of, paths) if k)
    renew(session.connection(), keys)


_PATHS_OF = select(Unit.__table__.c.path).where(Unit.__table__.c.id.in_(bindparam("ids", expanding=True)))


def renew_units(conn, unit_ids: Iterable[int]) -> None:
    """renew() the buckets of these units, in one statement that reads their paths itself (as they are in
    the caller's transaction, like the lookup of the general case): one new token for all of them."""
    conn.execute(_renew_units(conn.dialect.name), {"ids": sorted(set(unit_ids)), "token": _token()})


@lru_cache(maxsize=None)
def _renew_units(dialect: str):
    """INSERT INTO data_versions SELECT DISTINCT <bucket of path>, :token FROM units WHERE id IN :ids ... ON
    CONFLICT DO UPDATE, keys in order (the row locks taken in the same order by every writer). A path not
    assigned yet ('pending:' + code, the only other form a path has) has no bucket (bucket_of)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    units = Unit.__table__
    bucket = func.substr(units.c.path, 1, BUCKET)
    rows = (select(bucket, bindparam("token", type_=DataVersion.__table__.c.version.type))
            .where(units.c.id.in_(bindparam("ids", expanding=True)), ~units.c.path.startswith("pending:"))
            .distinct().order_by(bucket))
    stmt = insert(DataVersion.__table__).from_select(["key", "version"], rows)
    return stmt.on_conflict_do_update(index_elements=[_KEY], set_={"version": stmt.excluded.version})


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:  # committed, rolled back or closed: nothing is pending any more
        session.info.pop(_PENDING, None)


_KEY = DataVersion.__table__.c.key
_VERSIONS = select(_KEY, DataVersion.__table__.c.version)  # built once: run on every page
_READ_BUCKET = _VERSIONS.where(_KEY.in_([ALL, bindparam("bucket")]))
_READ_SUBTREE = _VERSIONS.where(or_(_KEY == ALL, (_KEY >= bindparam("low")) & (_KEY < bindparam("high"))))


def read(session: Session, path: str) -> tuple[int, dict[str, int]] | None:
    """(the `*` token, {bucket: token} for the buckets of the subtree at `path`), or None when
    figures of this session must not be cached (see the module's docstring)."""
    if len(path) >= BUCKET:  # inside one bucket
        rows = dict(session.execute(_READ_BUCKET, {"bucket": path[:BUCKET]}).all())
    else:
        rows = dict(session.execute(_READ_SUBTREE, {"low": path, "high": path + "~"}).all())
    if session.info.get(_PENDING):  # checked after the query, whose autoflush may have noted writes
        return None
    token = rows.pop(ALL, None)
    if token is None:
        return None
    return token, rows
