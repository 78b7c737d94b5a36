"""Pilot congresses (đại hội điểm) per level: who names them, the window each level's pilots are held in,
the lessons their reviewers draw ("rút kinh nghiệm"), and the warnings when a level's other congresses
start before any of its pilots was held.

A unit is a pilot of a campaign when the campaign named it (`PilotUnit`: by the coordinators or the
federation, or by its district-level union where the campaign lets the level above choose) or when its
own plan says so (`CongressReport.is_pilot`). `shared.progress.pilot_clause` is that rule in SQL; every
figure (here, the progress counts, the dashboard, the calendar, funding, emulation) reads it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Date, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from shared import audit, clock
from shared.errors import DomainError, Forbidden, NotFound
from shared.i18n import _
from shared.models import LEVEL_ORDER, Campaign, CongressReport, PilotLesson, PilotUnit, Unit, User
from shared.progress import day_end, named_clause, pilot_clause
from shared.text import clean_text, format_date, format_number
from shared.units import in_subtree, is_within, search_filter
from shared.vocabulary import LEVEL_LABELS

PILOT_LEVELS = ("district", "grassroots")  # the province is one congress: it has no pilots
CAMPAIGN_ROLES = ("admin", "coordinator", "federation")  # name the pilots of every level in their scope
ABOVE_ROLES = {"grassroots": ("district",)}  # the level above, where the campaign lets it choose
LESSON_MAX = 2000
LESSONS_SHOWN = 6  # per level on the dashboard


# ---- who names the pilots -----------------------------------------------------------------------


def levels_named_by(user: User, campaign: Campaign) -> tuple[str, ...]:
    """The levels whose pilots `user` may name (within the user's own subtree)."""
    if user.role in CAMPAIGN_ROLES:
        return PILOT_LEVELS
    if not campaign.pilots_by_level_above:
        return ()
    return tuple(level for level, roles in ABOVE_ROLES.items() if user.role in roles)


def _check_designation(session: Session, user: User, campaign: Campaign, unit: Unit | None) -> Unit:
    """Guards in a fixed order: scope (404), the campaign open, role and level (403)."""
    if unit is None or not unit.active or not is_within(unit, user.unit):
        raise NotFound(_("Không tìm thấy đơn vị."))
    if campaign.closed:
        raise Forbidden(_("Đợt đại hội đã đóng: không thay đổi được đại hội điểm."))
    if unit.level not in levels_named_by(user, campaign):
        raise Forbidden(_("Bạn không được chọn đại hội điểm của %(level)s.", level=LEVEL_LABELS[unit.level].lower()))
    return unit


def designate(session: Session, user: User, campaign: Campaign, unit: Unit | None) -> PilotUnit:
    """Name `unit` a pilot of its level; naming it again changes nothing."""
    unit = _check_designation(session, user, campaign, unit)
    row = session.scalar(select(PilotUnit).where(PilotUnit.campaign_id == campaign.id, PilotUnit.unit_id == unit.id))
    if row is not None:
        return row
    row = PilotUnit(campaign_id=campaign.id, unit_id=unit.id, designated_by_id=user.id, designated_at=clock.now())
    session.add(row)
    audit.record(session, user, "pilot.designate", "unit", unit.id, unit_id=unit.id,
                 changes={"campaign": campaign.term, "level": unit.level})
    session.flush()
    return row


def withdraw(session: Session, user: User, campaign: Campaign, unit: Unit | None) -> bool:
    """Un-name a pilot (its own plan's flag, if any, stays the unit's). False if it was not named."""
    unit = _check_designation(session, user, campaign, unit)
    row = session.scalar(select(PilotUnit).where(PilotUnit.campaign_id == campaign.id, PilotUnit.unit_id == unit.id))
    if row is None:
        return False
    session.delete(row)
    audit.record(session, user, "pilot.withdraw", "unit", unit.id, unit_id=unit.id,
                 changes={"campaign": campaign.term, "level": unit.level})
    session.flush()
    return True


VIEW_ROLES = ("admin", "coordinator", "federation", "district", "observer")  # the designation page, read


def candidates(session: Session, user: User, campaign: Campaign, q: str, limit: int = 20) -> list[Unit]:
    """Units the user may name a pilot, matching `q` (name or code, diacritics folded), not named yet."""
    levels = levels_named_by(user, campaign)
    if not levels or not q:
        return []
    stmt = (
        select(Unit)
        .where(in_subtree(user.unit.path), Unit.active.is_(True), Unit.level.in_(levels),
               search_filter(q, session, user.unit.path), ~named_clause(campaign.id))
        .order_by(Unit.name_sort, Unit.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class PilotRow:
    unit_id: int
    code: str
    name: str
    level: str
    named: bool  # by the campaign (else only the unit's own plan says pilot)
    planned_date: dt.date | None
    held_date: dt.date | None
    report_id: int | None
    lesson: str | None


def pilots(session: Session, campaign: Campaign, scope: Unit, *, level: str | None = None,
           as_of: dt.date | None = None, limit: int = 500, per_level: int | None = None) -> list[PilotRow]:
    """The pilots of `scope`'s subtree (named or declared), higher levels first, then by day and name. With
    `as_of`: as they stood at the end of that day (named by then, held by then, lessons recorded by then).
    `per_level`: at most that many of each level (one query)."""
    R = CongressReport
    named = named_clause(campaign.id, as_of)
    held = R.held_date if as_of is None else case((R.held_date <= as_of, R.held_date))
    lesson = select(PilotLesson.text).where(PilotLesson.report_id == R.id)
    if as_of is not None:
        lesson = lesson.where(PilotLesson.recorded_at < day_end(as_of))
    order = (case((Unit.level == "district", 0), else_=1), func.coalesce(R.held_date, R.planned_date),
             Unit.name_sort, Unit.id)
    columns = [Unit.id, Unit.code, Unit.name, Unit.level, named.label("named"), R.planned_date,
               held.label("held_date"), R.id.label("report_id"), lesson.scalar_subquery().label("lesson")]
    if per_level is not None:
        columns.append(func.row_number().over(partition_by=Unit.level, order_by=order[1:]).label("rank"))
    stmt = (
        select(*columns)
        .select_from(Unit)
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(in_subtree(scope.path), Unit.active.is_(True), Unit.level.in_(level and [level] or PILOT_LEVELS),
               pilot_clause(campaign.id, as_of))
    )
    if per_level is not None:
        ranked = stmt.subquery()
        stmt = (select(ranked).where(ranked.c.rank <= per_level)
                .order_by(case((ranked.c.level == "district", 0), else_=1), ranked.c.rank))
    else:
        stmt = stmt.order_by(*order)
    return [PilotRow(r.id, r.code, r.name, r.level, bool(r.named), r.planned_date, r.held_date, r.report_id,
                     r.lesson) for r in session.execute(stmt.limit(limit))]


# ---- the dashboard: pilots per level, their lessons, the warnings ------------------------------------


@dataclass
class LevelPilots:
    level: str
    window_until: dt.date | None
    pilots: int = 0  # named or declared
    named: int = 0
    planned: int = 0  # with a planned date known by the day
    held: int = 0
    lessons: int = 0
    first_held: dt.date | None = None
    late: int = 0  # not held by the end of the window, once it has passed
    others_before: int = 0  # non-pilot congresses held before the first pilot (or with none held yet)
    rows: list[PilotRow] = field(default_factory=list)  # the first pilots, with their lessons

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.others_before and self.first_held is None:
            found.append(_("%(count)s đại hội %(level)s không phải đại hội điểm đã tổ chức khi chưa có đại hội điểm "
                           "nào của cấp này được tổ chức.", count=format_number(self.others_before),
                           level=self.label.lower()))
        elif self.others_before:
            found.append(_("%(count)s đại hội %(level)s không phải đại hội điểm đã tổ chức trước đại hội điểm đầu "
                           "tiên của cấp này (%(date)s).", count=format_number(self.others_before),
                           level=self.label.lower(), date=format_date(self.first_held)))
        if self.late:
            found.append(_("%(count)s đại hội điểm %(level)s chưa tổ chức xong trong thời gian đại hội điểm (đến "
                           "%(date)s).", count=format_number(self.late), level=self.label.lower(),
                           date=format_date(self.window_until)))
        return found


def _per_level(days: dict[str, dt.date | None], default: dt.date | None):
    """A date per unit level in SQL (`default` for the levels without one)."""
    whens = [(Unit.level == level, literal(day, Date)) for level, day in days.items() if day]
    fallback = literal(default, Date)
    return case(*whens, else_=fallback) if whens else fallback


def by_level(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date) -> list[LevelPilots]:
    """Per pilot level below `scope` with units in its subtree, as of the end of `as_of`: the pilots (named or
    declared), planned, held, lessons, those late for the window, and the non-pilot congresses held
    before the level's first pilot. Two GROUP BY queries over the scope, plus the first pilots' rows."""
    R = CongressReport
    end = day_end(as_of)
    is_pilot = pilot_clause(campaign.id, as_of)
    held = and_(R.held_date.is_not(None), R.held_date <= as_of)
    has_lesson = exists().where(PilotLesson.report_id == R.id, PilotLesson.recorded_at < end)
    windows = {level: campaign.pilot_until_for(level) for level in PILOT_LEVELS}
    window = _per_level(windows, None)
    one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    base = (
        select(Unit.level).select_from(Unit)
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(in_subtree(scope.path), Unit.active.is_(True), Unit.level.in_(PILOT_LEVELS))
        .group_by(Unit.level)
    )
    stmt = base.add_columns(
        func.count().label("units"),
        one(is_pilot).label("pilots"),
        one(named_clause(campaign.id, as_of)).label("named"),
        one(and_(is_pilot, R.planned_date.is_not(None), R.planned_at < end)).label("planned"),
        one(and_(is_pilot, held)).label("held"),
        one(and_(is_pilot, held, has_lesson)).label("lessons"),
        func.min(case((and_(is_pilot, held), R.held_date))).label("first_held"),
        one(and_(is_pilot, window < as_of, or_(R.held_date.is_(None), R.held_date > window))).label("late"),
    )
    found = {r.level: r for r in session.execute(stmt)}
    result = []
    below = LEVEL_ORDER[:LEVEL_ORDER.index(scope.level)]  # a district's own congress is the province's concern
    for level in PILOT_LEVELS:
        r = found.get(level)
        if level not in below:
            continue
        if r is None or not r.units:
            continue
        result.append(LevelPilots(
            level=level, window_until=windows[level], pilots=int(r.pilots or 0), named=int(r.named or 0),
            planned=int(r.planned or 0), held=int(r.held or 0), lessons=int(r.lessons or 0),
            first_held=r.first_held, late=int(r.late or 0),
        ))
    if result:
        # Non-pilot congresses held before their level's first pilot (all of them where none was held yet).
        first = {p.level: p.first_held for p in result}
        before = _per_level(first, as_of + dt.timedelta(days=1))
        counts = {r.level: r.before for r in session.execute(
            base.add_columns(one(and_(~is_pilot, held, R.held_date < before)).label("before")))}
        # Asked even when there are none: the page's query count does not depend on the data.
        rows = pilots(session, campaign, scope, as_of=as_of, per_level=LESSONS_SHOWN)
        for p in result:
            p.others_before = int(counts.get(p.level) or 0)
            p.rows = [r for r in rows if r.level == p.level]
    return result


# ---- lessons ----------------------------------------------------------------------------------------


def is_pilot(session: Session, report: CongressReport) -> bool:
    if report.is_pilot:
        return True
    return session.scalar(select(PilotUnit.id).where(PilotUnit.campaign_id == report.campaign_id,
                                                     PilotUnit.unit_id == report.unit_id)) is not None


def lesson_of(session: Session, report: CongressReport) -> PilotLesson | None:
    return session.scalar(select(PilotLesson).where(PilotLesson.report_id == report.id))


def may_record_lesson(user: User, report: CongressReport) -> bool:
    from shared.workflow import is_reviewer

    return user.role != "coordinator" and is_reviewer(user, report)


def record_lesson(session: Session, user: User, report: CongressReport, text: str | None) -> PilotLesson | None:
    """The reviewer of a held pilot's report records the lessons drawn from it (an empty text removes them).
    Guards: scope (404), the reviewer (403), a pilot that was held (422)."""
    from shared.workflow import can_see

    if not can_see(user, report):
        raise NotFound(_("Không tìm thấy báo cáo."))
    if not may_record_lesson(user, report):
        raise Forbidden(_("Chỉ đơn vị duyệt báo cáo ghi bài học rút kinh nghiệm của đại hội điểm."))
    if not is_pilot(session, report):
        raise DomainError(_("Đại hội này không phải đại hội điểm."))
    if report.held_date is None:
        raise DomainError(_("Đại hội điểm chưa tổ chức: chưa có bài học để ghi."))
    try:
        text = clean_text(text, LESSON_MAX)
    except ValueError as exc:
        raise DomainError(str(exc), fields={"lesson": str(exc)}) from None
    row = lesson_of(session, report)
    before = row.text if row else None
    if not text:
        if row is not None:
            session.delete(row)
    elif row is None:
        row = PilotLesson(report_id=report.id, text=text, recorded_by_id=user.id, recorded_at=clock.now())
        session.add(row)
    else:
        row.text, row.recorded_by_id, row.recorded_at = text, user.id, clock.now()
    if (text or None) != before:
        audit.record(session, user, "pilot.lesson", "congress_report", report.id, unit_id=report.unit_id,
                     changes={"lesson": [before, text or None]})
    session.flush()
    return row if text else None
