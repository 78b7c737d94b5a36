"""Campaign progress computed in SQL: per level and per child unit, for any scope and as-of date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from shared import clock
from shared.models import LEVEL_ORDER, Campaign, CongressReport, ReportStatusChange, Unit
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

    def total(self) -> Counts:
        """All levels summed (deadline of the lowest level present, for display only)."""
        first = next(iter(self.levels.values()))
        out = Counts(level="all", deadline=first.deadline, as_of=first.as_of)
        for c in self.levels.values():
            out.add(c)
        return out


def _status_as_of(as_of: dt.date):
    """A report's status at the end of `as_of`: its latest status change before then.

    A correlated lookup per report, answered from the (report_id, changed_at, id, to_status) index
    alone, so replay costs grow with the scope asked for, not with the whole campaign's history.
    """
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    C = ReportStatusChange
    return (
        select(C.to_status)
        .where(C.report_id == CongressReport.id, C.changed_at < end)
        .order_by(C.changed_at.desc(), C.id.desc())
        .limit(1)
        .correlate(CongressReport)
        .scalar_subquery()
    )


def _aggregate(
    campaign: Campaign, scope: Unit, as_of: dt.date, group_cols: list,
    sector: str | None = None, pilot_only: bool = False,
) -> Select:
    """One GROUP BY over units LEFT JOIN reports; the caller adds grouping columns.
    `sector` keeps units of one sector; `pilot_only` keeps units whose plan is a pilot congress."""
    R = CongressReport
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    deadline = case(
        (Unit.level == "grassroots", literal(campaign.deadline_grassroots)),
        (Unit.level == "district", literal(campaign.deadline_district)),
        else_=literal(campaign.deadline_province),
    )
    held = and_(R.held_date.is_not(None), R.held_date <= as_of)
    not_held = ~held

    def n(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    if as_of >= clock.today():
        status_cols = [n(R.status == name).label(name) for name in STATUSES]
    else:
        # Grouped by the replayed status, so its lookup runs once per report, not once per count;
        # the rows of one group are summed back together in Python (_counts, _merge).
        replayed = _status_as_of(as_of).label("status")
        status_cols = [replayed]
        group_cols = [*group_cols, replayed]
    stmt = (
        select(
            *group_cols,
            Unit.level.label("level"),
            func.count(Unit.id).label("expected"),
            n(and_(R.planned_date.is_not(None), R.planned_at < end)).label("planned"),
            n(held).label("held"),
            n(and_(held, R.held_date <= deadline)).label("on_time"),
            n(and_(held, R.held_date > deadline)).label("late"),
            n(and_(not_held, literal(as_of) > deadline)).label("overdue"),
            n(and_(not_held, literal(as_of) <= deadline)).label("pending"),
            n(and_(held, R.is_pilot.is_(True))).label("pilots_held"),
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
        stmt = stmt.where(R.is_pilot.is_(True))
    return stmt


def _counts(row, campaign: Campaign, as_of: dt.date) -> Counts:
    mapping = row._mapping
    values = {name: int(mapping.get(name) or 0) for name in COUNT_FIELDS}
    if "status" in mapping and mapping["status"] in STATUSES:  # a replayed-status group
        values[mapping["status"]] = values["expected"]
    return Counts(level=row.level, deadline=campaign.deadline_for(row.level), as_of=as_of, **values)


def _merge(target: dict, key, counts: Counts) -> None:
    if key in target:
        target[key].add(counts)
    else:
        target[key] = counts


def progress_by_level(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date | None = None,
    *, sector: str | None = None, pilot_only: bool = False,
) -> dict[str, Counts]:
    """Per level (grassroots, district, province), the figures of `scope`'s subtree."""
    as_of = as_of or clock.today()
    out = {
        level: Counts(level=level, deadline=campaign.deadline_for(level), as_of=as_of)
        for level in LEVEL_ORDER
    }
    found: dict[str, Counts] = {}
    for row in session.execute(_aggregate(campaign, scope, as_of, [], sector, pilot_only)):
        _merge(found, row.level, _counts(row, campaign, as_of))
    out.update(found)
    return out


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
    """`progress_by_level` and `progress_by_child` of `parent` from ONE grouped scan of its subtree:
    the parent's own row and its children's subtrees, summed up for the per-level figures."""
    as_of = as_of or clock.today()
    width = len(parent.path) + SEGMENT
    key = func.substr(Unit.path, 1, width).label("child_path")
    stmt = _aggregate(campaign, parent, as_of, [key], sector, pilot_only)
    children = {
        u.path: u
        for u in session.scalars(
            select(Unit).where(Unit.parent_id == parent.id, Unit.active.is_(True))
        )
    }
    levels = {
        level: Counts(level=level, deadline=campaign.deadline_for(level), as_of=as_of)
        for level in LEVEL_ORDER
    }
    by_path: dict[str, ChildProgress] = {}
    for row in session.execute(stmt):
        counts = _counts(row, campaign, as_of)
        levels[row.level].add(counts)
        unit = children.get(row.child_path)
        if unit is not None:
            _merge(by_path.setdefault(unit.path, ChildProgress(unit)).levels, row.level, _counts(row, campaign, as_of))
    return levels, sorted(by_path.values(), key=lambda c: (c.unit.name_folded, c.unit.id))


def totals(levels: dict[str, Counts]) -> Counts:
    first = next(iter(levels.values()))
    out = Counts(level="all", deadline=first.deadline, as_of=first.as_of)
    for c in levels.values():
        out.add(c)
    return out
