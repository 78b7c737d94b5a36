"""The emulation movement: works and products greeting the congress, exemplary people commended.

Two sources count the same works: the itemised register (congress_works, exemplary_entries, kept per
unit on /party/units/<id>/emulation) and the counts a unit types into its congress report
(works_count, works_value_vnd, exemplary_count). `totals` reconciles them by one rule, used by the
dashboard, its XLSX and DOCX exports: per unit, the register when the unit itemised (works and
exemplary people separately), else its report's counts. As of a date D, a work counts once completed by
D (or, without a completion date, recorded by D), an exemplary entry once recorded by D, and a report's
counts once its congress was held by D."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from shared import audit, clock
from shared.errors import DomainError, NotFound
from shared.i18n import _
from shared.models import Campaign, CongressReport, CongressWork, ExemplaryEntry, Unit, User
from shared.progress import day_end, held_by, pilot_clause
from shared.text import clean_text, format_number
from shared.units import SEGMENT, in_subtree, is_within
from shared.validation import MAX_MONEY

EDIT_ROLES = ("admin", "federation", "district", "reporter")


@dataclass
class EmulationSummary:
    works: int = 0
    works_value_vnd: int = 0
    individuals: int = 0
    collectives: int = 0

    @property
    def exemplary(self) -> int:
        return self.individuals + self.collectives


def can_edit(user: User, unit: Unit) -> bool:
    """A union's own staff, or a superior union in whose subtree it lies, records its entries."""
    return user.role in EDIT_ROLES and is_within(unit, user.unit)


def _check_edit(user: User, unit: Unit) -> None:
    if not can_edit(user, unit):
        raise NotFound(_("Không tìm thấy đơn vị."))


def add_work(
    session: Session, user: User, campaign: Campaign, unit: Unit, *,
    name: str | None, value_vnd: int | None, completed_on: dt.date | None,
) -> CongressWork:
    _check_edit(user, unit)
    errors: dict[str, str] = {}
    try:
        name = clean_text(name, 255)
    except ValueError as exc:
        errors["name"] = str(exc)
    if not name and "name" not in errors:
        errors["name"] = _("Hãy nhập tên công trình, sản phẩm.")
    if value_vnd is not None and value_vnd < 0:
        errors["value_vnd"] = _("Giá trị không được âm.")
    elif value_vnd is not None and value_vnd > MAX_MONEY:  # the column is a BIGINT; no work is worth more
        errors["value_vnd"] = _("Không được lớn hơn %(maximum)s.", maximum=format_number(MAX_MONEY))
    if completed_on is not None and completed_on > clock.today():
        errors["completed_on"] = _("Ngày hoàn thành không được sau hôm nay.")
    if errors:
        raise DomainError(_("Thông tin công trình chưa hợp lệ."), fields=errors)
    work = CongressWork(
        campaign_id=campaign.id, unit_id=unit.id, name=name, value_vnd=value_vnd,
        completed_on=completed_on, created_by_id=user.id, created_at=clock.now(),
    )
    session.add(work)
    session.flush()
    audit.record(session, user, "create", "congress_work", work.id, unit_id=unit.id, changes={"name": [None, name]})
    return work


def add_exemplary(
    session: Session, user: User, campaign: Campaign, unit: Unit, *,
    kind: str, name: str | None, achievement: str | None, commendation: str | None,
) -> ExemplaryEntry:
    _check_edit(user, unit)
    errors: dict[str, str] = {}
    if kind not in ("individual", "collective"):
        errors["kind"] = _("Chọn cá nhân hoặc tập thể.")
    values = {}
    for field, value, limit in (("name", name, 255), ("achievement", achievement, 4000), ("commendation", commendation, 255)):
        try:
            values[field] = clean_text(value, limit)
        except ValueError as exc:
            errors[field] = str(exc)
    if not values.get("name") and "name" not in errors:
        errors["name"] = _("Hãy nhập tên cá nhân, tập thể.")
    if errors:
        raise DomainError(_("Thông tin điển hình chưa hợp lệ."), fields=errors)
    entry = ExemplaryEntry(
        campaign_id=campaign.id, unit_id=unit.id, kind=kind, name=values["name"],
        achievement=values["achievement"] or None, commendation=values["commendation"] or None,
        created_by_id=user.id, created_at=clock.now(),
    )
    session.add(entry)
    session.flush()
    audit.record(session, user, "create", "exemplary_entry", entry.id, unit_id=unit.id, changes={"name": [None, entry.name]})
    return entry


def delete_entry(session: Session, user: User, unit: Unit, model: type, entry_id: int) -> None:
    _check_edit(user, unit)
    entry = session.get(model, entry_id)
    if entry is None or entry.unit_id != unit.id:
        raise NotFound(_("Không tìm thấy mục này."))
    audit.record(session, user, "delete", model.__tablename__, entry.id, unit_id=unit.id, changes={"name": [entry.name, None]})
    session.delete(entry)
    session.flush()


def works_of(session: Session, campaign: Campaign, unit: Unit) -> list[CongressWork]:
    return list(session.scalars(
        select(CongressWork).where(CongressWork.campaign_id == campaign.id, CongressWork.unit_id == unit.id)
        .order_by(CongressWork.completed_on.desc().nulls_last(), CongressWork.id).limit(500)
    ))


def exemplary_of(session: Session, campaign: Campaign, unit: Unit) -> list[ExemplaryEntry]:
    return list(session.scalars(
        select(ExemplaryEntry).where(ExemplaryEntry.campaign_id == campaign.id, ExemplaryEntry.unit_id == unit.id)
        .order_by(ExemplaryEntry.kind, ExemplaryEntry.id).limit(500)
    ))


def summary(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date | None = None) -> EmulationSummary:
    """Totals of the register over `scope`'s subtree (as of a day if given): one aggregate per table,
    both in one statement (one round trip on every unit page)."""
    works = (
        select(func.count(CongressWork.id).label("works"),
               func.coalesce(func.sum(CongressWork.value_vnd), 0).label("value"))
        .join(Unit, Unit.id == CongressWork.unit_id)
        .where(CongressWork.campaign_id == campaign.id, in_subtree(scope.path),
               work_counts_by(as_of) if as_of is not None else true())
        .subquery()
    )
    people = (
        select(
            func.coalesce(func.sum(case((ExemplaryEntry.kind == "individual", 1), else_=0)), 0).label("individuals"),
            func.coalesce(func.sum(case((ExemplaryEntry.kind == "collective", 1), else_=0)), 0).label("collectives"),
        )
        .join(Unit, Unit.id == ExemplaryEntry.unit_id)
        .where(ExemplaryEntry.campaign_id == campaign.id, in_subtree(scope.path),
               entry_counts_by(as_of) if as_of is not None else true())
        .subquery()
    )
    row = session.execute(select(works.c.works, works.c.value, people.c.individuals, people.c.collectives)
                          .select_from(works.join(people, true()))).one()
    return EmulationSummary(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def summary_by_child(session: Session, campaign: Campaign, parent: Unit) -> dict[int, EmulationSummary]:
    """{child unit id: totals of its subtree} for the children of `parent` (one GROUP BY per table)."""
    width = len(parent.path) + SEGMENT
    children = {u.path: u.id for u in session.scalars(select(Unit).where(Unit.parent_id == parent.id))}
    out = {uid: EmulationSummary() for uid in children.values()}
    key = func.substr(Unit.path, 1, width)
    rows = session.execute(
        select(key, func.count(CongressWork.id), func.coalesce(func.sum(CongressWork.value_vnd), 0))
        .join(Unit, Unit.id == CongressWork.unit_id)
        .where(CongressWork.campaign_id == campaign.id, in_subtree(parent.path), Unit.id != parent.id)
        .group_by(key)
    )
    for path, count, value in rows:
        if path in children:
            out[children[path]].works, out[children[path]].works_value_vnd = int(count), int(value)
    rows = session.execute(
        select(key, ExemplaryEntry.kind, func.count(ExemplaryEntry.id))
        .join(Unit, Unit.id == ExemplaryEntry.unit_id)
        .where(ExemplaryEntry.campaign_id == campaign.id, in_subtree(parent.path), Unit.id != parent.id)
        .group_by(key, ExemplaryEntry.kind)
    )
    for path, kind, count in rows:
        if path in children:
            setattr(out[children[path]], "individuals" if kind == "individual" else "collectives", int(count))
    return out


# ---- the reconciled totals (register or report, per unit) ------------------------------------------


@dataclass
class EmulationTotals:
    """Works and exemplary people of a scope by the rule of this module, with the funding reported and
    how many units each source supplied (so a page can say where its figures come from)."""

    works: int = 0
    works_value_vnd: int = 0
    individuals: int = 0  # itemised in the register
    collectives: int = 0  # itemised in the register
    exemplary_reported: int = 0  # from the reports of units without an itemised list
    funding_vnd: int = 0
    units_itemised: int = 0  # units whose register was used (for works or for exemplary people)
    units_reported: int = 0  # units whose report's counts were used

    @property
    def exemplary(self) -> int:
        return self.individuals + self.collectives + self.exemplary_reported

    def add(self, other: EmulationTotals) -> None:
        for name in TOTAL_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


TOTAL_FIELDS = ("works", "works_value_vnd", "individuals", "collectives", "exemplary_reported", "funding_vnd",
                "units_itemised", "units_reported")


def work_counts_by(as_of: dt.date):
    """A work of the register counts as of `as_of` once completed by then (undated: once recorded)."""
    return or_(CongressWork.completed_on <= as_of,
               and_(CongressWork.completed_on.is_(None), CongressWork.created_at < day_end(as_of)))


def entry_counts_by(as_of: dt.date):
    """An exemplary entry counts as of `as_of` once recorded by then."""
    return ExemplaryEntry.created_at < day_end(as_of)


def totals(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, *, by: str | None = None,
    sector: str | None = None, pilot_only: bool = False,
) -> dict:
    """The reconciled totals of `scope`'s subtree (active units), in one statement: {None: totals} when
    `by` is None, {level: totals} for by="level", {child path: totals} for by="child" (the scope's own
    unit under its own path). `sector` and `pilot_only` narrow the units as on the dashboard."""
    if by not in (None, "level", "child"):
        raise ValueError(by)
    R = CongressReport
    works = (
        select(CongressWork.unit_id.label("unit_id"), func.count(CongressWork.id).label("n"),
               func.coalesce(func.sum(CongressWork.value_vnd), 0).label("value"))
        .join(Unit, Unit.id == CongressWork.unit_id)
        .where(CongressWork.campaign_id == campaign.id, in_subtree(scope.path), work_counts_by(as_of))
        .group_by(CongressWork.unit_id)
        .subquery()
    )
    people = (
        select(ExemplaryEntry.unit_id.label("unit_id"), func.count(ExemplaryEntry.id).label("n"),
               func.sum(case((ExemplaryEntry.kind == "individual", 1), else_=0)).label("individuals"),
               func.sum(case((ExemplaryEntry.kind == "collective", 1), else_=0)).label("collectives"))
        .join(Unit, Unit.id == ExemplaryEntry.unit_id)
        .where(ExemplaryEntry.campaign_id == campaign.id, in_subtree(scope.path), entry_counts_by(as_of))
        .group_by(ExemplaryEntry.unit_id)
        .subquery()
    )
    held = held_by(as_of, R)
    listed, named = works.c.n.is_not(None), people.c.n.is_not(None)

    def s(expr):
        return func.coalesce(func.sum(expr), 0)

    def reported(col):
        return case((held, func.coalesce(col, 0)), else_=0)

    # Always grouped by child unit and level (the path range then drives the scan, as in shared.progress);
    # the groups are summed here into what was asked for.
    child, level = func.substr(Unit.path, 1, len(scope.path) + SEGMENT).label("child"), Unit.level.label("level")
    stmt = (
        select(
            child, level,
            s(case((listed, works.c.n), else_=reported(R.works_count))).label("works"),
            s(case((listed, works.c.value), else_=reported(R.works_value_vnd))).label("works_value_vnd"),
            s(func.coalesce(people.c.individuals, 0)).label("individuals"),
            s(func.coalesce(people.c.collectives, 0)).label("collectives"),
            s(case((named, 0), else_=reported(R.exemplary_count))).label("exemplary_reported"),
            s(reported(R.funding_vnd)).label("funding_vnd"),
            s(case((or_(listed, named), 1), else_=0)).label("units_itemised"),
            s(case((or_(and_(~listed, held, R.works_count > 0), and_(~named, held, R.exemplary_count > 0)), 1),
                   else_=0)).label("units_reported"),
        )
        .select_from(Unit)
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .outerjoin(works, works.c.unit_id == Unit.id)
        .outerjoin(people, people.c.unit_id == Unit.id)
        .where(Unit.active.is_(True), in_subtree(scope.path))
    )
    stmt = stmt.group_by(child, level)
    if sector:
        stmt = stmt.where(Unit.sector == sector)
    if pilot_only:
        stmt = stmt.where(pilot_clause(campaign.id, as_of, R))
    out: dict = {}
    for row in session.execute(stmt):
        values = row._mapping
        key = None if by is None else values[by]
        out.setdefault(key, EmulationTotals()).add(EmulationTotals(**{name: int(values[name] or 0) for name in TOTAL_FIELDS}))
    return out

