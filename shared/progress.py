"""Campaign progress computed in SQL: per level and per child unit, for any scope and as-of date."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, fields
from functools import cached_property

from sqlalchemy import Connection, Date, Select, and_, case, delete, event, exists, func, literal, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shared import clock, data_versions
from shared.db import SQLITE_BUSY_MS, upsert
from shared.deadlines import DeadlineStatus, deadline_status
from shared.i18n import lazy_gettext
from shared.models import LEVEL_ORDER, Campaign, CongressReport, PilotUnit, ProgressSnapshot, ReportStatusChange, Unit
from shared.units import SEGMENT, in_subtree

STATUSES = ("draft", "submitted", "returned", "approved")
COUNT_FIELDS = (
    "expected",
    "planned",
    "held",
    "on_time",
    "late",
    "overdue",
    "pending",
    "pilots_held",
    "draft",
    "submitted",
    "returned",
    "approved",
)


@dataclass
class Counts:
    """The figures of one row of the dashboard (a level, or a child unit at a level)."""

    level: str
    deadline: dt.date
    as_of: dt.date
    expected: int = 0
    planned: int = 0
    held: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    pilots_held: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0

    @property
    def days_left(self) -> int:
        return (self.deadline - self.as_of).days

    @property
    def deadline_status(self) -> DeadlineStatus:
        """The deadline line of this row (what it reads, whether it is late): the one rule, shared.deadlines."""
        return deadline_status(self.deadline, self.as_of, self.expected, self.held, self.late)

    @property
    def held_pct(self) -> float | None:
        return 100 * self.held / self.expected if self.expected else None

    @property
    def on_time_pct(self) -> float | None:
        return 100 * self.on_time / self.held if self.held else None

    def add(self, other: Counts) -> None:
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        # Shallow, field by field: dataclasses.asdict deep-copies every value, and took two thirds of
        # /api/v1/progress/by-unit for a district with thousands of grassroots units (every value is flat).
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["deadline"] = self.deadline.isoformat()
        data["as_of"] = self.as_of.isoformat()
        data["days_left"] = self.days_left
        return data


@dataclass
class ChildProgress:
    unit: Unit
    levels: dict[str, Counts] = field(default_factory=dict)

    @cached_property  # a table row asks three times; the figures are complete by then
    def own_state(self) -> str | None:
        """The state of the child's own congress (None when its own level has no figures)."""
        own = self.levels.get(self.unit.level)
        return state_of(own) if own is not None and own.expected else None

    @property
    def own_state_label(self) -> str:
        return STATE_LABELS[self.own_state] if self.own_state else ""

    def total(self) -> Counts:
        """All levels summed (deadline of the lowest level present, for display only)."""
        first = next(iter(self.levels.values()))
        out = Counts(level="all", deadline=first.deadline, as_of=first.as_of)
        for c in self.levels.values():
            out.add(c)
        return out


# ---- the congress-state rule -----------------------------------------------------------------
#
# Where a congress stands on a day, written once: the SQL of the per-level counts, the unit lists, the
# exports, the level reports and the reminders all take these expressions, and every row carries its
# state as a code of STATES whose wording is STATE_LABELS (templates print it, never decide it).

STATES = ("on_time", "late", "overdue", "pending")
STATE_LABELS = {
    "on_time": lazy_gettext("Đã tổ chức đúng hạn"),
    "late": lazy_gettext("Đã tổ chức trễ hạn"),
    "overdue": lazy_gettext("Quá hạn chưa tổ chức"),
    "pending": lazy_gettext("Chưa đến hạn"),
}


def day_end(as_of: dt.date) -> dt.datetime:
    """The first instant after `as_of`: what was recorded before it is known "as of" that day."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def deadline_of(campaign: Campaign, level=Unit.level):
    """The congress deadline of a unit's level (an SQL expression over `level`)."""
    return case(
        (level == "grassroots", literal(campaign.deadline_grassroots, Date)),
        (level == "district", literal(campaign.deadline_district, Date)),
        else_=literal(campaign.deadline_province, Date),
    )


def held_by(as_of: dt.date, report=CongressReport):
    """The congress was held on or before `as_of`."""
    return and_(report.held_date.is_not(None), report.held_date <= as_of)


def state_conditions(campaign: Campaign, as_of: dt.date, report=CongressReport, level=Unit.level) -> dict:
    """{state: SQL condition} for a unit LEFT JOIN its report; exactly one holds for every unit."""
    deadline = deadline_of(campaign, level)
    held = held_by(as_of, report)
    return {
        "on_time": and_(held, report.held_date <= deadline),
        "late": and_(held, report.held_date > deadline),
        "overdue": and_(~held, literal(as_of, Date) > deadline),
        "pending": and_(~held, literal(as_of, Date) <= deadline),
    }


def congress_state(campaign: Campaign, as_of: dt.date, report=CongressReport, level=Unit.level):
    """The state code of each row (one of STATES), from the same conditions as the counts."""
    cond = state_conditions(campaign, as_of, report, level)
    return case(*[(cond[name], name) for name in STATES[:-1]], else_=STATES[-1])


def status_as_of(as_of: dt.date, report=CongressReport):
    """A report's status at the end of `as_of`: its latest status change before then (NULL: none yet).

    A correlated lookup per report, answered from the (report_id, changed_at, id, to_status) index
    alone, so replay costs grow with the scope asked for, not with the whole campaign's history.
    """
    C = ReportStatusChange
    return (
        select(C.to_status)
        .where(C.report_id == report.id, C.changed_at < day_end(as_of))
        .order_by(C.changed_at.desc(), C.id.desc())
        .limit(1)
        .correlate(report)
        .scalar_subquery()
    )


def state_of(counts: Counts) -> str:
    """The state of the one unit whose figures `counts` holds (a child's own congress)."""
    return next((name for name in STATES if getattr(counts, name)), "pending")


# ---- pilot congresses ------------------------------------------------------------------------------


def named_clause(campaign_id: int, as_of: dt.date | None = None):
    """The unit (Unit.id in the enclosing query) was named a pilot of the campaign (by the end of `as_of`)."""
    where = [PilotUnit.campaign_id == campaign_id, PilotUnit.unit_id == Unit.id]
    if as_of is not None:
        where.append(PilotUnit.designated_at < day_end(as_of))
    return exists().where(*where)


def pilot_clause(campaign_id: int, as_of: dt.date | None = None, report=CongressReport):
    """The one rule of a pilot congress: the campaign named the unit (by `as_of`), or the unit's own plan says
    pilot (`report`, outer-joined: the report entity or alias of the enclosing query)."""
    return or_(report.is_pilot.is_(True), named_clause(campaign_id, as_of))


# ---- the order of child units --------------------------------------------------------------------
#
# "Sort by share held" means one thing on every screen: the portal's table per district, the API's
# /progress/by-unit pages and the TUI (which pages through the API's order). The figures are a child's
# whole subtree, all levels (what the API's and the TUI's `total` show); highest first, then by name.

CHILD_SORTS = ("name", "held_pct", "overdue", "on_time_pct")
_HELD, _EXPECTED, _OVERDUE, _ON_TIME = (COUNT_FIELDS.index(name) for name in ("held", "expected", "overdue", "on_time"))


def child_sort_key(sort: str, levels: dict, name_sort: str, unit_id: int) -> tuple:
    """A child's place in the order `sort` (one of CHILD_SORTS); `levels` maps a level to its Counts or
    to its COUNT_FIELDS values. Keys of the figures' orders are (-figure, name, id): highest first."""
    if sort == "name":
        return name_sort, unit_id

    def total(index: int) -> int:
        return sum(v[index] if isinstance(v, tuple) else getattr(v, COUNT_FIELDS[index]) for v in levels.values())

    held, expected = total(_HELD), total(_EXPECTED)
    if sort == "held_pct":
        figure = held / expected if expected else 0.0
    elif sort == "on_time_pct":
        figure = total(_ON_TIME) / held if held else 0.0
    elif sort == "overdue":
        figure = total(_OVERDUE)
    else:
        raise ValueError(sort)
    return -figure, name_sort, unit_id


def _aggregate(
    campaign: Campaign, scope: Unit, as_of: dt.date, group_cols: list,
    sector: str | None = None, pilot_only: bool = False,
) -> Select:
    """One GROUP BY over units LEFT JOIN reports; the caller adds grouping columns.
    `sector` keeps units of one sector; `pilot_only` keeps pilot congresses (pilot_clause)."""
    R = CongressReport
    end = day_end(as_of)
    state = state_conditions(campaign, as_of, R)
    held = held_by(as_of, R)

    def n(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    if as_of >= clock.today():
        status_cols = [n(R.status == name).label(name) for name in STATUSES]
    else:
        # Grouped by the replayed status, so its lookup runs once per report, not once per count;
        # the rows of one group are summed back together in Python (_counts, _add).
        replayed = status_as_of(as_of, R).label("status")
        status_cols = [replayed]
        group_cols = [*group_cols, replayed]
    stmt = (
        select(
            *group_cols,
            Unit.level.label("level"),
            func.count(Unit.id).label("expected"),
            n(and_(R.planned_date.is_not(None), R.planned_at < end)).label("planned"),
            n(held).label("held"),
            *[n(state[name]).label(name) for name in STATES],
            n(and_(held, pilot_clause(campaign.id, as_of, R))).label("pilots_held"),
            *status_cols,
        )
        .select_from(Unit)
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(Unit.active.is_(True), in_subtree(scope.path))
        .group_by(*group_cols, Unit.level)
    )
    if sector:
        stmt = stmt.where(Unit.sector == sector)
    if pilot_only:
        stmt = stmt.where(pilot_clause(campaign.id, as_of, R))
    return stmt


def _counts(row, campaign: Campaign, as_of: dt.date) -> Counts:
    mapping = row._mapping
    values = {name: int(mapping.get(name) or 0) for name in COUNT_FIELDS}
    if "status" in mapping and mapping["status"] in STATUSES:  # a replayed-status group
        values[mapping["status"]] = values["expected"]
    return Counts(level=row.level, deadline=campaign.deadline_for(row.level), as_of=as_of, **values)


def progress_by_level(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date | None = None,
    *, sector: str | None = None, pilot_only: bool = False,
) -> dict[str, Counts]:
    """Per level (grassroots, district, province), the figures of `scope`'s subtree."""
    as_of = as_of or clock.today()
    groups = _groups(session, campaign, scope, as_of, sector, pilot_only, children=False)
    return _levels(groups, campaign, as_of)


def progress_by_child(
    session: Session, campaign: Campaign, parent: Unit, as_of: dt.date | None = None,
    *, sector: str | None = None, pilot_only: bool = False,
) -> list[ChildProgress]:
    """The same figures per child unit of `parent` (each child's whole subtree)."""
    return progress_overview(session, campaign, parent, as_of, sector=sector, pilot_only=pilot_only)[1]


def progress_overview(
    session: Session, campaign: Campaign, parent: Unit, as_of: dt.date | None = None,
    *, sector: str | None = None, pilot_only: bool = False,
) -> tuple[dict[str, Counts], list[ChildProgress]]:
    """`progress_by_level` and `progress_by_child` of `parent` from the same grouped figures:
    the parent's own row and its children's subtrees, summed up for the per-level figures."""
    as_of = as_of or clock.today()
    groups = _groups(session, campaign, parent, as_of, sector, pilot_only, children=True)
    children = {
        u.path: u
        for u in session.scalars(
            select(Unit).where(Unit.parent_id == parent.id, Unit.active.is_(True))
        )
    }
    by_path: dict[str, ChildProgress] = {}
    for (child, level), values in groups.items():
        unit = children.get(child)
        if unit is not None:
            counts = from_values(level, values, campaign, as_of)
            by_path.setdefault(child, ChildProgress(unit)).levels[level] = counts
    return _levels(groups, campaign, as_of), sorted(by_path.values(), key=lambda c: (c.unit.name_sort, c.unit.id))


def child_values(
    session: Session, campaign: Campaign, parent: Unit, as_of: dt.date | None = None,
) -> dict[str, dict[str, Values]]:
    """{child path: {level: values}} of `parent`'s children (each child's whole subtree), straight
    from the cached groups: no unit loaded, no Counts built, for callers that page the children and
    build the rows of one page only (shared.readmodels.progress_children). Values in COUNT_FIELDS order."""
    as_of = as_of or clock.today()
    out: dict[str, dict[str, Values]] = {}
    for (child, level), values in _groups(session, campaign, parent, as_of, None, False, children=True).items():
        if child != parent.path:  # the parent's own row is no child's
            out.setdefault(child, {})[level] = values
    return out


# ---- grouped figures, cached per data version ---------------------------------------------------
#
# The figures of a subtree are kept per bucket of shared.data_versions (a district-level unit's
# subtree), as {(child path, level): counts}. A read takes the buckets' tokens (one indexed query),
# recomputes only the buckets whose token changed since the cached copy (one grouped scan of those
# subtrees) and sums. A write in one district thus costs the next reader of the country one district's
# scan; every worker sees the write because the tokens live in the database, renewed by the write's
# own transaction. Results of a session with uncommitted writes are computed, never cached.

Values = tuple  # the COUNT_FIELDS of one (child, level) group, in order
CACHE_GROUPS = 100_000  # groups kept per process, all entries together (~25 MB; a country entry ~2,500)
STALE_MAX = 32  # more changed buckets than this: one scan of the whole subtree instead
STORE_EVERY = 5.0  # seconds: a wide scope's stored copy is rewritten at most this often while data changes
STORE_KEEP = dt.timedelta(days=7)  # stored copies not rewritten for this long are deleted
STORED = True  # read and write the stored copies (tests turn it off to compute afresh)
_cache: OrderedDict = OrderedDict()
_cache_weight = 0
_cache_lock = threading.Lock()
_WROTE = "daihoi.progress.wrote"
log = logging.getLogger(__name__)


@dataclass
class _Entry:
    versions: dict[str, int]
    buckets: dict[str, dict[tuple, Values]]  # bucket -> {(child, level): values}
    groups: dict[tuple, Values]  # the buckets summed
    stored_versions: dict[str, int] | None = None  # what the database's copy was computed under
    stored_at: float = 0.0  # when that copy was written (time.monotonic() of this process)

    @property
    def weight(self) -> int:
        return len(self.groups) + sum(len(g) for g in self.buckets.values())


def clear_cache() -> None:
    """Empty this process's cache (the stored copies in the database stay: they are keyed on the data
    versions, so they are never wrong)."""
    global _cache_weight
    with _cache_lock:
        _cache.clear()
        _cache_weight = 0


def _add(a: Values | None, b: Values) -> Values:
    return b if a is None else tuple(x + y for x, y in zip(a, b))


def from_values(level: str, values: Values, campaign: Campaign, as_of: dt.date) -> Counts:
    return Counts(level=level, deadline=campaign.deadline_for(level), as_of=as_of, **dict(zip(COUNT_FIELDS, values)))


def _levels(groups: dict[tuple, Values], campaign: Campaign, as_of: dt.date) -> dict[str, Counts]:
    per_level = groups.per_level() if isinstance(groups, _Grouped) else _per_level(groups)
    zero = (0,) * len(COUNT_FIELDS)
    return {level: from_values(level, per_level.get(level, zero), campaign, as_of) for level in LEVEL_ORDER}


def _per_level(groups: dict[tuple, Values]) -> dict[str, Values]:
    per_level: dict[str, Values] = {}
    for (_child, level), values in groups.items():
        per_level[level] = _add(per_level.get(level), values)
    return per_level


class _Grouped(dict):
    """{(child path, level): values} with their sums per level, worked out once: a cached entry answers
    many reads, each of which needs the per-level figures."""

    _levels: dict[str, Values] | None = None

    def per_level(self) -> dict[str, Values]:
        if self._levels is None:
            self._levels = _per_level(self)
        return self._levels


def _compute(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, sector, pilot_only, children: bool,
    only: set[str] | None = None,
) -> dict[str, dict[tuple, Values]]:
    """{bucket: {(child path, level): values}} for the subtree, or for the buckets `only` of it."""
    deep = len(scope.path) >= data_versions.BUCKET
    width = len(scope.path) + SEGMENT
    if deep:  # one bucket: group by child only if asked
        group = [func.substr(Unit.path, 1, width).label("child_path")] if children else []
    else:  # the child is a prefix of the bucket (or the bucket a child's own row)
        group = [func.substr(Unit.path, 1, data_versions.BUCKET).label("bucket")]
    stmt = _aggregate(campaign, scope, as_of, group, sector, pilot_only)
    if only is not None and not deep:
        stmt = stmt.where(or_(*[data_versions.bucket_units(b) for b in sorted(only)]))
    out: dict[str, dict[tuple, Values]] = {}
    for row in session.execute(stmt):
        counts = _counts(row, campaign, as_of)
        values = tuple(getattr(counts, name) for name in COUNT_FIELDS)
        if deep:
            bucket, child = scope.path[: data_versions.BUCKET], (row.child_path if children else None)
        else:
            bucket = row.bucket
            child = bucket[:width]
        groups = out.setdefault(bucket, {})
        groups[(child, row.level)] = _add(groups.get((child, row.level)), values)
    return out


def _summed(buckets: dict[str, dict[tuple, Values]]) -> dict[tuple, Values]:
    out: dict[tuple, Values] = _Grouped()
    for groups in buckets.values():
        for key, values in groups.items():
            out[key] = _add(out.get(key), values)
    return out


def _groups(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, sector, pilot_only, children: bool,
) -> dict[tuple, Values]:
    """{(child path, level): values} of the subtree: from the cache when its data version allows."""
    deep = len(scope.path) >= data_versions.BUCKET
    children = children or not deep  # above a bucket the child grouping comes free
    found = data_versions.read(session, scope.path)
    if found is None:
        return _summed(_compute(session, campaign, scope, as_of, sector, pilot_only, children))
    token, versions = found
    key = (token, campaign.id, campaign.deadline_grassroots, campaign.deadline_district, campaign.deadline_province,
           scope.path, as_of, as_of >= clock.today(), sector, bool(pilot_only), children)
    with _cache_lock:
        entry = _cache.get(key)
        if entry is not None:
            _cache.move_to_end(key)
    if entry is None and not deep and STORED:
        entry = _load(session, key)
    if entry is not None and entry.versions == versions:
        if entry.stored_versions is not None and key not in _cache:
            _store(key, entry)
        return entry.groups
    stored_versions, stored_at = (entry.stored_versions, entry.stored_at) if entry is not None else (None, 0.0)
    if entry is None or deep:
        buckets = _compute(session, campaign, scope, as_of, sector, pilot_only, children)
    else:
        stale = {b for b in versions.keys() | entry.versions.keys() if versions.get(b) != entry.versions.get(b)}
        if len(stale) > STALE_MAX:
            buckets = _compute(session, campaign, scope, as_of, sector, pilot_only, children)
        else:
            fresh = _compute(session, campaign, scope, as_of, sector, pilot_only, children, only=stale)
            buckets = {b: g for b, g in entry.buckets.items() if b not in stale} | fresh
    entry = _Entry(versions, buckets, _summed(buckets), stored_versions, stored_at)
    if not deep and STORED and _worth_saving(entry):
        _save(session, key, entry)
    _store(key, entry)
    return entry.groups


# ---- stored copies of wide scopes ---------------------------------------------------------------
#
# A province's or the country's figures cost a scan of the whole subtree (77-943 ms at national scale)
# the first time a process needs them. The entry is therefore also kept in the database
# (progress_snapshots), with the data versions it was computed under: a new process, or another
# worker, loads it (one primary-key read) and recomputes only the buckets written since, exactly as a
# warm process does. A district's own figures are cheap to compute and are not stored.


def warm(session: Session, campaign: Campaign | None = None) -> int:
    """Compute and store today's figures of every province (and the whole country) for `campaign`
    (default: the current one): what the first readers would otherwise pay after a change to
    everything (`generate`, an import). Returns the number of scopes warmed."""
    from shared.reports import current_campaign

    campaign = campaign or current_campaign(session)
    if campaign is None:
        return 0
    today = clock.today()
    scopes = [Unit(path="", level="province"), *session.scalars(
        select(Unit).where(Unit.parent_id.is_(None), Unit.active.is_(True)).order_by(Unit.path))]
    for scope in scopes:
        _groups(session, campaign, scope, today, None, False, children=True)
    session.rollback()  # only read (the copies are written on their own connection)
    return len(scopes)


def _snapshot_key(key: tuple) -> str:
    """The stored copy's key: everything the figures depend on except the `*` token (kept beside it)."""
    return hashlib.sha256(repr(key[1:]).encode()).hexdigest()


def _load(session: Session, key: tuple) -> _Entry | None:
    row = session.execute(
        select(ProgressSnapshot.token, ProgressSnapshot.figures, ProgressSnapshot.computed_at)
        .where(ProgressSnapshot.key == _snapshot_key(key))
    ).first()
    if row is None or row.token != key[0]:
        return None
    data = json.loads(row.figures)
    buckets = {
        bucket: {(child, level): tuple(values) for child, level, values in groups}
        for bucket, groups in data["buckets"].items()
    }
    versions = data["versions"]
    age = max(0.0, (_utcnow() - row.computed_at).total_seconds())
    return _Entry(versions, buckets, _summed(buckets), dict(versions), time.monotonic() - age)


def _worth_saving(entry: _Entry) -> bool:
    """Write the stored copy when there is none, or when it is behind and was written a while ago
    (so a stream of writes costs at most one rewrite per STORE_EVERY per scope)."""
    if entry.stored_versions is None:
        return True
    if entry.stored_versions == entry.versions:
        return False
    return time.monotonic() - entry.stored_at >= STORE_EVERY


def _save(session: Session, key: tuple, entry: _Entry) -> None:
    """Upsert the stored copy on a connection of its own, in its own short transaction: a cache write
    must never wait long, fail the reader or commit the reader's work. Skipped when the reader's own
    transaction has written (on SQLite it would wait for the reader's own write lock)."""
    bind = session.get_bind()
    if isinstance(bind, Connection) or session.info.get(_WROTE) or bind.url.database in (None, "", ":memory:"):
        return
    figures = json.dumps({
        "versions": entry.versions,
        "buckets": {bucket: [[child, level, list(values)] for (child, level), values in groups.items()]
                    for bucket, groups in entry.buckets.items()},
    }, separators=(",", ":"))
    now = _utcnow()
    table = ProgressSnapshot.__table__
    row = {"key": _snapshot_key(key), "token": key[0], "figures": figures, "computed_at": now}
    try:
        with bind.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            try:
                # Wait a little for a lock, not the 30 s a real write may wait.
                conn.exec_driver_sql("PRAGMA busy_timeout=200" if sqlite else "SET LOCAL lock_timeout = '200ms'")
                conn.execute(upsert(conn.dialect.name, table, "key", ("token", "figures", "computed_at")), row)
                conn.execute(delete(table).where(table.c.computed_at < now - STORE_KEEP))
                conn.commit()
            finally:
                if sqlite:
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")  # shared.db's, for the pool
                    conn.commit()
    except SQLAlchemyError as exc:  # the figures are right either way; the next reader tries again
        log.warning("progress: stored copy not written: %s", exc)
        return
    entry.stored_versions, entry.stored_at = dict(entry.versions), time.monotonic()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _ctx) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_write(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def _store(key: tuple, entry: _Entry) -> None:
    global _cache_weight
    with _cache_lock:
        old = _cache.pop(key, None)
        if old is not None:
            _cache_weight -= old.weight
        _cache[key] = entry
        _cache_weight += entry.weight
        while _cache_weight > CACHE_GROUPS and len(_cache) > 1:
            _cache_weight -= _cache.popitem(last=False)[1].weight


def totals(levels: dict[str, Counts]) -> Counts:
    first = next(iter(levels.values()))
    out = Counts(level="all", deadline=first.deadline, as_of=first.as_of)
    for c in levels.values():
        out.add(c)
    return out
