"""The coordinators' dashboard in SQL: unit drill-down, personnel, emulation, held-over-time series,
recommendations (with their status updates). Every query is scoped to a unit's subtree and runs
as one statement whatever the number of units; counts per level come from shared.progress."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from shared import audit, clock, emulation
from shared.errors import Conflict, DomainError, Forbidden, NotFound
from shared.i18n import _, lazy_gettext
from shared.models import (
    LEVEL_ORDER,
    AuditLog,
    Campaign,
    CongressReport,
    Recommendation,
    ReportStatusChange,
    Unit,
    User,
)
from shared.parsing import parse_version
from shared.progress import STATE_LABELS, congress_state, day_end, held_by, pilot_clause, status_as_of
from shared.reports import RESULT_FIELDS
from shared.text import clean_text, fold, format_share
from shared.units import SEGMENT, in_subtree, is_within, search_filter
from shared.vocabulary import REC_STATUS_LABELS, STATUS_LABELS, TOPIC_LABELS  # noqa: F401 (re-exported to pages)

# Where a congress stands by a date: shared.progress.STATE_LABELS (imported above), plus "held" to filter on.
STATE_FILTERS = {"held": lazy_gettext("Đã tổ chức"), **STATE_LABELS}
REPORT_FILTERS = {"none": lazy_gettext("Chưa có kế hoạch"), **STATUS_LABELS}
# Roles that see the dashboard; roles that resolve recommendations (the People's Committee's work
# is followed by the coordinators and the federation).
DASHBOARD_ROLES = ("admin", "coordinator", "federation", "district", "observer")
RECOMMENDATION_EDITORS = ("admin", "coordinator", "federation")
# The follow-up page saves as it is typed (js/autosave.js): one person's saves this close together are one step
# of the recommendation's history, not a line per pause in the typing (the audit trail keeps every save).
FOLLOW_UP_STEP = dt.timedelta(minutes=10)
PERSONNEL_FIELDS = ("seats", "women", "young", "party", "ethnic", "reelected", "new")
PERSONNEL_LABELS = {
    "women": lazy_gettext("Nữ"),
    "young": lazy_gettext("Trẻ"),
    "party": lazy_gettext("Đảng viên"),
    "ethnic": lazy_gettext("Dân tộc thiểu số"),
    "reelected": lazy_gettext("Tái cử"),
    "new": lazy_gettext("Tham gia lần đầu"),
}
EMULATION_FIELDS = ("works", "works_value", "exemplary", "funding")


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; every field comes from the URL."""

    level: str = "grassroots"
    sector: str | None = None
    pilot_only: bool = False
    state: str | None = None
    report: str | None = None
    q: str = ""

    def units(self, stmt: Select, campaign: Campaign, as_of: dt.date, report=CongressReport) -> Select:
        """Sector and pilot (shared.progress.pilot_clause, as of `as_of`) narrow every figure (units LEFT JOIN
        reports)."""
        if self.sector:
            stmt = stmt.where(Unit.sector == self.sector)
        if self.pilot_only:
            stmt = stmt.where(pilot_clause(campaign.id, as_of, report))
        return stmt


# ---- personnel and emulation --------------------------------------------------------------------


@dataclass
class Personnel:
    """Elected executive committees: seats and their make-up, plus the funding reported and the works
    and exemplary people greeting them (shared.emulation's reconciled totals, kept in `emulation`)."""

    label: str = ""
    unit: Unit | None = None
    committees: int = 0
    seats: int = 0
    women: int = 0
    young: int = 0
    party: int = 0
    ethnic: int = 0
    reelected: int = 0
    new: int = 0
    works: int = 0
    works_value: int = 0
    exemplary: int = 0
    funding: int = 0
    below: list[str] = field(default_factory=list)
    emulation: emulation.EmulationTotals = field(default_factory=emulation.EmulationTotals)

    def pct(self, name: str) -> float | None:
        return 100 * getattr(self, name) / self.seats if self.seats else None

    def add(self, other: Personnel) -> None:
        for f in ("committees", *PERSONNEL_FIELDS, *EMULATION_FIELDS):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.emulation.add(other.emulation)

    def with_emulation(self, totals: emulation.EmulationTotals | None) -> Personnel:
        """Works, their value and exemplary people by shared.emulation's rule (register or report)."""
        self.emulation = totals or emulation.EmulationTotals()
        self.works = self.emulation.works
        self.works_value = self.emulation.works_value_vnd
        self.exemplary = self.emulation.exemplary
        return self


def targets(campaign: Campaign) -> dict[str, int]:
    """The campaign's target shares of the executive committees (percent); ethnic only where set."""
    goals = {"women": campaign.target_women_pct, "young": campaign.target_young_pct, "party": campaign.target_party_pct}
    if campaign.target_ethnic_pct is not None:
        goals["ethnic"] = campaign.target_ethnic_pct
    return goals


def targets_phrase(campaign: Campaign) -> str:
    """'nữ ≥ 30 %, trẻ ≥ 15 %, ...' for pages and reports."""
    return ", ".join(f"{PERSONNEL_LABELS[name].lower()} ≥ {format_share(goal, 0)}" for name, goal in targets(campaign).items())


def _below(p: Personnel, goals: dict[str, int]) -> list[str]:
    return [name for name, goal in goals.items() if p.seats and (p.pct(name) or 0) < goal]


def _personnel_columns():
    R = CongressReport

    def s(col):
        return func.coalesce(func.sum(col), 0)

    return [
        func.count(R.id).label("committees"),
        s(R.executive_size).label("seats"),
        s(R.executive_women).label("women"),
        s(R.executive_young).label("young"),
        s(R.executive_party).label("party"),
        s(R.executive_ethnic_minority).label("ethnic"),
        s(R.executive_reelected).label("reelected"),
        s(R.executive_new).label("new"),
        s(R.funding_vnd).label("funding"),
    ]


def _held_reports(campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters, group_cols: list) -> Select:
    """Reports of congresses held by `as_of` in the subtree, grouped by the caller's columns."""
    R = CongressReport
    stmt = (
        select(*group_cols, *_personnel_columns())
        .select_from(R)
        .join(Unit, Unit.id == R.unit_id)
        .where(
            R.campaign_id == campaign.id, R.held_date.is_not(None), R.held_date <= as_of,
            Unit.active.is_(True), in_subtree(scope.path),
        )
        .group_by(*group_cols)
    )
    return filters.units(stmt, campaign, as_of)


def _personnel(row, **kw) -> Personnel:
    values = {f: int(getattr(row, f) or 0) for f in ("committees", *PERSONNEL_FIELDS, "funding")}
    return Personnel(**kw, **values)


def personnel_by_level(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters = Filters()
) -> dict[str, Personnel]:
    """Per level, the committees elected by `as_of` in the subtree (one GROUP BY), with the level's
    works and exemplary people (a second)."""
    out = {level: Personnel(label=level) for level in LEVEL_ORDER}
    for row in session.execute(_held_reports(campaign, scope, as_of, filters, [Unit.level.label("level")])):
        out[row.level] = _personnel(row, label=row.level)
    works = emulation.totals(session, campaign, scope, as_of, by="level", **_narrow(filters))
    goals = targets(campaign)
    for level, p in out.items():
        p.with_emulation(works.get(level))
        p.below = _below(p, goals)
    return out


def _narrow(filters: Filters) -> dict:
    return dict(sector=filters.sector, pilot_only=filters.pilot_only)


def children(session: Session, scope: Unit) -> list[Unit]:
    return list(
        session.scalars(
            select(Unit).where(Unit.parent_id == scope.id, Unit.active.is_(True)).order_by(Unit.name_sort, Unit.id)
        )
    )


def personnel_by_child(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters = Filters(),
    child_units: list[Unit] | None = None,
) -> list[Personnel]:
    """Per child unit of `scope` (its whole subtree, every level): personnel, works and funding."""
    child_units = children(session, scope) if child_units is None else child_units
    key = func.substr(Unit.path, 1, len(scope.path) + SEGMENT).label("child_path")
    stmt = _held_reports(campaign, scope, as_of, filters, [key]).where(Unit.id != scope.id)
    found = {row.child_path: row for row in session.execute(stmt)}
    works = emulation.totals(session, campaign, scope, as_of, by="child", **_narrow(filters))
    goals = targets(campaign)
    out = []
    for unit in child_units:
        row = found.get(unit.path)
        p = _personnel(row, label=unit.name, unit=unit) if row else Personnel(label=unit.name, unit=unit)
        p.with_emulation(works.get(unit.path))
        p.below = _below(p, goals)
        out.append(p)
    return out


def total_personnel(rows) -> Personnel:
    out = Personnel(label=_("Tổng cộng"))
    for p in rows:
        out.add(p)
    return out


# ---- cumulative congresses held (the chart) -----------------------------------------------------


def held_series(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters = Filters()
) -> dict[str, list[tuple[dt.date, int]]]:
    """Per level, (day, congresses held up to that day) at each day one was held, up to `as_of`."""
    R = CongressReport
    stmt = (
        select(Unit.level, R.held_date, func.count(R.id))
        .select_from(R)
        .join(Unit, Unit.id == R.unit_id)
        .where(
            R.campaign_id == campaign.id, R.held_date.is_not(None), R.held_date <= as_of,
            Unit.active.is_(True), in_subtree(scope.path),
        )
        .group_by(Unit.level, R.held_date)
        .order_by(Unit.level, R.held_date)
    )
    out: dict[str, list[tuple[dt.date, int]]] = {level: [] for level in LEVEL_ORDER}
    for level, day, n in session.execute(filters.units(stmt, campaign, as_of)):
        total = (out[level][-1][1] if out[level] else 0) + n
        out[level].append((day, total))
    return out


# ---- the unit list (drill-down) -----------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    district: str | None
    report: CongressReport | None
    state: str
    report_status: str | None
    deadline: dt.date
    as_of: dt.date
    is_pilot: bool = False  # named by the campaign or declared in its plan, by the as-of day (pilot_clause)

    @property
    def held(self) -> bool:
        return self.state in ("on_time", "late")

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def reported(self, name: str):
        """A report field as known on the as-of day: results only once the congress was held."""
        if self.report is None or (name in RESULT_FIELDS and not self.held):
            return None
        value = getattr(self.report, name)
        if isinstance(value, dt.datetime) and value.date() > self.as_of:
            return None
        return value

    @property
    def days_late(self) -> int | None:
        """Days past the deadline: until held (late) or until the as-of day (overdue)."""
        if self.state == "overdue":
            return (self.as_of - self.deadline).days
        if self.state == "late":
            return (self.report.held_date - self.deadline).days
        return None


def _unit_query(session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters):
    """Units in scope with their parent's name, their report, their state (shared.progress.congress_state)
    and their report's status on the as-of day."""
    R = CongressReport
    Parent = aliased(Unit)
    state = congress_state(campaign, as_of, R)
    # Today: the stored status. Before: per row, the last transition before the day ends (one index probe).
    status = R.status if as_of >= clock.today() else status_as_of(as_of, R)
    stmt = (
        select(Unit, Parent.name.label("district"), R, state.label("state"), status.label("report_status"),
               pilot_clause(campaign.id, as_of, R).label("is_pilot"))
        .select_from(Unit)
        .outerjoin(Parent, Parent.id == Unit.parent_id)
        .outerjoin(R, and_(R.unit_id == Unit.id, R.campaign_id == campaign.id))
        .where(Unit.active.is_(True), in_subtree(scope.path))
    )
    if filters.level:
        stmt = stmt.where(Unit.level == filters.level)
    stmt = filters.units(stmt, campaign, as_of)
    if filters.state == "held":
        stmt = stmt.where(held_by(as_of, R))
    elif filters.state in STATE_LABELS:
        stmt = stmt.where(state == filters.state)
    if filters.report == "none":
        stmt = stmt.where(status.is_(None))
    elif filters.report in REPORT_FILTERS:
        stmt = stmt.where(status == filters.report)
    if filters.q.strip():
        stmt = stmt.where(search_filter(filters.q, session, scope.path))
    return stmt


def _unit_row(row, campaign: Campaign, as_of: dt.date) -> UnitRow:
    unit, district, report, state, status, is_pilot = row
    if status is None and as_of < clock.today():
        report = None  # no history yet on that day: the plan came later
    return UnitRow(
        unit=unit, district=district, report=report, state=state, report_status=status,
        deadline=campaign.deadline_for(unit.level), as_of=as_of, is_pilot=bool(is_pilot),
    )


def unit_page(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters,
    page: int = 1, size: int = 50,
) -> tuple[list[UnitRow], int]:
    """One page of units (name order, indexed LIMIT/OFFSET) and the number matching."""
    stmt = _unit_query(session, campaign, scope, as_of, filters)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.order_by(Unit.name_sort, Unit.id).limit(size).offset((page - 1) * size))
    return [_unit_row(r, campaign, as_of) for r in rows], int(total or 0)


def pilot_rows(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters, limit: int = 10
) -> list[UnitRow]:
    """The first `limit` pilot congresses planned by `as_of` in scope (every level, higher levels first,
    then by planned day): what the overview shows of the pilots; the unit list has them all (pilot=1)."""
    R = CongressReport
    pilots = replace(filters, level=None, pilot_only=True, state=None, report=None, q="")
    higher_first = case((Unit.level == "province", 0), (Unit.level == "district", 1), else_=2)
    stmt = (
        _unit_query(session, campaign, scope, as_of, pilots)
        .where(R.planned_at < day_end(as_of))
        .order_by(higher_first, R.planned_date, Unit.name_sort, Unit.id)
        .limit(limit)
    )
    return [_unit_row(r, campaign, as_of) for r in session.execute(stmt)]


def iter_units(
    session: Session, campaign: Campaign, scope: Unit, as_of: dt.date, filters: Filters, batch: int = 1000
) -> Iterator[UnitRow]:
    """Every unit in scope (all levels unless filtered), streamed in path order for the exports."""
    stmt = _unit_query(session, campaign, scope, as_of, filters).order_by(Unit.path)
    for row in session.execute(stmt.execution_options(yield_per=batch)):
        yield _unit_row(row, campaign, as_of)


# ---- recommendations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecFilters:
    topic: str | None = None
    status: str | None = None
    addressed_to: str | None = None
    district_id: int | None = None


# As of a day D, a recommendation counts once its report had been submitted by the end of D: it is
# raised at the congress and reaches the level above with the report (it has no date of its own). Its
# follow-up (status, resolution note) is the one recorded by D: where the audit trail shows a change
# after D, the value before the first such change.
FOLLOWUP_FIELDS = ("status", "resolution_note")


def recommendation_known_by(as_of: dt.date):
    """The recommendation's report had been submitted by the end of `as_of` (an index-only probe)."""
    S = ReportStatusChange
    return exists(
        select(S.id).where(S.report_id == Recommendation.report_id, S.to_status == "submitted", S.changed_at < day_end(as_of))
    )


def _recommendations(
    campaign: Campaign, scope: Unit, filters: RecFilters, columns, as_of: dt.date | None = None,
) -> Select:
    stmt = (
        select(*columns)
        .select_from(Recommendation)
        .join(Unit, Unit.id == Recommendation.unit_id)
        .where(Recommendation.campaign_id == campaign.id, in_subtree(scope.path))
    )
    if as_of is not None:
        stmt = stmt.where(recommendation_known_by(as_of))
    if filters.topic:
        stmt = stmt.where(Recommendation.topic == filters.topic)
    if filters.status:
        stmt = stmt.where(Recommendation.status == filters.status)
    if filters.addressed_to:
        stmt = stmt.where(Recommendation.addressed_to == filters.addressed_to)
    return stmt


def _within_district(session: Session, stmt: Select, scope: Unit, district_id: int | None) -> Select:
    if district_id is None:
        return stmt
    district = session.get(Unit, district_id)
    if district is None or not is_within(district, scope):
        raise NotFound(_("Không tìm thấy đơn vị."))
    return stmt.where(in_subtree(district.path))


def _followups_as_of(
    session: Session, campaign: Campaign, scope: Unit, filters: RecFilters, as_of: dt.date | None,
) -> dict[int, dict]:
    """{recommendation id: {"topic", "status" (now), field: value on `as_of`}} for the recommendations
    counted on `as_of` whose follow-up changed after it (one query on the audit trail; none for today)."""
    if as_of is None or as_of >= clock.today():
        return {}
    columns = [Recommendation.id, Recommendation.topic, Recommendation.status, AuditLog.changes]
    stmt = (
        _recommendations(campaign, scope, filters, columns, as_of)
        .join(AuditLog, and_(AuditLog.object_type == "recommendation", AuditLog.object_id == Recommendation.id))
        .where(AuditLog.at >= day_end(as_of))
        .order_by(AuditLog.at, AuditLog.id)
    )
    out: dict[int, dict] = {}
    for rec_id, topic, status, changes in session.execute(_within_district(session, stmt, scope, filters.district_id)):
        then = out.setdefault(rec_id, {"topic": topic, "now": status})
        for name in FOLLOWUP_FIELDS:
            if isinstance(changes, dict) and name in changes and name not in then:
                then[name] = changes[name][0]  # the value before the first change after the day
    return out


def recommendation_counts(
    session: Session, campaign: Campaign, scope: Unit, filters: RecFilters = RecFilters(),
    as_of: dt.date | None = None,
) -> dict[str, dict[str, int]]:
    """{topic: {status: n, 'total': n}} plus a 'total' topic; one GROUP BY. With `as_of`, the
    recommendations known on that day with their follow-up status of that day (see above)."""
    stmt = _recommendations(
        campaign, scope, filters, [Recommendation.topic, Recommendation.status, func.count(Recommendation.id)], as_of,
    ).group_by(Recommendation.topic, Recommendation.status)
    stmt = _within_district(session, stmt, scope, filters.district_id)
    out = {t: dict.fromkeys([*REC_STATUS_LABELS, "total"], 0) for t in [*TOPIC_LABELS, "total"]}
    for topic, status, n in session.execute(stmt):
        for t in (topic, "total"):
            out[t][status] += n
            out[t]["total"] += n
    for then in _followups_as_of(session, campaign, scope, filters, as_of).values():
        if then.get("status", then["now"]) in REC_STATUS_LABELS:  # moved back to the status of the day
            for t in (then["topic"], "total"):
                out[t][then["now"]] -= 1
                out[t][then.get("status", then["now"])] += 1
    return out


def recommendation_page(
    session: Session, campaign: Campaign, scope: Unit, filters: RecFilters, page: int = 1, size: int = 50
) -> tuple[list[tuple[Recommendation, Unit]], int]:
    stmt = _within_district(
        session, _recommendations(campaign, scope, filters, [Recommendation, Unit]), scope, filters.district_id
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.execute(stmt.order_by(Recommendation.id.desc()).limit(size).offset((page - 1) * size)).all()
    return [tuple(r) for r in rows], int(total or 0)


@dataclass(frozen=True)
class RecommendationAsOf:
    """A recommendation as it stood on a day (the stored row is never changed to show it)."""

    id: int
    topic: str
    text: str
    addressed_to: str | None
    status: str
    resolution_note: str | None
    updated_at: dt.datetime | None  # None: last changed after the day


def iter_recommendations(
    session: Session, campaign: Campaign, scope: Unit, batch: int = 1000, as_of: dt.date | None = None,
) -> Iterator[tuple[Recommendation | RecommendationAsOf, Unit, str | None]]:
    """Every recommendation in scope with its unit and that unit's parent name (exports); with `as_of`,
    those known on that day, as they stood then."""
    Parent = aliased(Unit)
    stmt = (
        _recommendations(campaign, scope, RecFilters(), [Recommendation, Unit, Parent.name], as_of)
        .outerjoin(Parent, Parent.id == Unit.parent_id)
        .order_by(Unit.path, Recommendation.id)
    )
    then = _followups_as_of(session, campaign, scope, RecFilters(), as_of)
    end = day_end(as_of) if as_of is not None else None
    for rec, unit, parent in session.execute(stmt.execution_options(yield_per=batch)):
        if as_of is not None:
            old = then.get(rec.id, {})
            rec = RecommendationAsOf(
                id=rec.id, topic=rec.topic, text=rec.text, addressed_to=rec.addressed_to,
                status=old.get("status", rec.status), resolution_note=old.get("resolution_note", rec.resolution_note),
                updated_at=rec.updated_at if rec.updated_at is not None and rec.updated_at < end else None,
            )
        yield rec, unit, parent


def addressees(session: Session, campaign: Campaign, scope: Unit) -> list[str]:
    stmt = _recommendations(campaign, scope, RecFilters(), [Recommendation.addressed_to]).where(
        Recommendation.addressed_to.is_not(None)
    )
    return sorted(set(session.scalars(stmt.distinct())), key=fold)


def get_visible_recommendation(session: Session, user: User, rec_id: int) -> Recommendation | None:
    return session.scalar(
        select(Recommendation)
        .join(Unit, Unit.id == Recommendation.unit_id)
        .where(Recommendation.id == rec_id, in_subtree(user.unit.path))
    )


def can_update_recommendation(user: User) -> bool:
    return user.role in RECOMMENDATION_EDITORS


def update_recommendation(
    session: Session, rec: Recommendation, user: User, *, status: str, resolution_note: str | None,
    expected_version: int | None = None,
) -> Recommendation:
    """Record how a recommendation is being resolved (audited; optimistic locking)."""
    unit = session.get(Unit, rec.unit_id)
    if unit is None or not is_within(unit, user.unit):
        raise NotFound(_("Không tìm thấy kiến nghị."))
    if not can_update_recommendation(user):
        raise Forbidden(_("Chỉ Ban Dân vận và LĐLĐ tỉnh mới cập nhật kết quả giải quyết kiến nghị."))
    expected_version = parse_version(expected_version)  # the form's hidden field: a mangled one is stale (409)
    if expected_version is not None and expected_version != rec.version:
        raise Conflict(_("Kiến nghị đã được người khác cập nhật sau khi bạn mở. Hãy xem nội dung hiện tại."), current=rec)
    errors = {}
    if status not in REC_STATUS_LABELS:
        errors["status"] = _("Hãy chọn một trạng thái.")
    try:
        note = clean_text(resolution_note, 2000) or None
    except ValueError as exc:
        errors["resolution_note"] = str(exc)
        note = None
    if status == "resolved" and not note and "resolution_note" not in errors:
        errors["resolution_note"] = _("Hãy ghi kết quả giải quyết.")
    if errors:
        raise DomainError(_("Chưa cập nhật được kiến nghị; hãy xem các lỗi bên dưới."), fields=errors)
    before = {"status": rec.status, "resolution_note": rec.resolution_note}
    from shared.answers import record_change  # the recommendation's own history, shown on its page

    record_change(session, rec, user, "update", from_status=rec.status, to_status=status,
                  details={"resolution_note": note} if note != rec.resolution_note else None,
                  merge_within=FOLLOW_UP_STEP)
    rec.status = status
    rec.resolution_note = note
    rec.updated_at = clock.now()
    session.flush()
    after = {"status": rec.status, "resolution_note": rec.resolution_note}
    audit.record(
        session, user, "recommendation.update", "recommendation", rec.id, unit_id=rec.unit_id,
        changes=audit.diff(before, after),
    )
    session.flush()
    return rec

