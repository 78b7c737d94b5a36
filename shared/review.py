"""The review queue of a reviewer (filters, flags, paging) and bulk approval in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import ColumnElement, Date, Float, and_, false, func, literal, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from shared import workflow
from shared.errors import Conflict, DomainError, Forbidden, NotFound
from shared.i18n import _
from shared.models import Campaign, CongressReport, Unit, User
from shared.paging import page_count
from shared.reports import report_warnings
from shared.units import in_subtree, search_filter
from shared.validation import QUORUM_SHARE, SIZE_RULES

# Who may open the queue: reviewers act, coordinators and observers only watch (read-only).
ACTING_ROLES = ("admin", "district", "federation")
WATCHING_ROLES = ("coordinator", "observer")
QUEUE_STATUSES = ("submitted", "returned", "approved")


def can_open_queue(user: User) -> bool:
    return user.role in ACTING_ROLES + WATCHING_ROLES


def can_act(user: User) -> bool:
    return user.role in ACTING_ROLES


def queue_scope(user: User) -> ColumnElement[bool]:
    """Reports a user's queue holds: the direct children's for reviewers, the subtree for the rest."""
    if user.role in workflow.REVIEW_ROLES:
        return Unit.parent_id == user.unit_id
    if user.role == "admin" or user.role in WATCHING_ROLES:
        return in_subtree(user.unit.path)
    raise Forbidden(_("Chỉ công đoàn cấp trên và người theo dõi mới xem được danh sách duyệt báo cáo."))


# ---- flags: rule warnings a reviewer should look at ------------------------------------


def report_flags(report: CongressReport) -> list[str]:
    """Warnings of a stored report (quorum, size rules, deadline), highlighted for the reviewer."""
    return report_warnings(report)


def flagged_clause(campaign: Campaign) -> ColumnElement[bool]:
    """SQL twin of `report_flags` for the queue filter, built from the same rule table.

    Needs `units` joined. Kept in step with `shared.validation._guidance` by a test that compares
    both on the same reports.
    """
    R = CongressReport
    quorum = and_(
        R.summoned > 0, R.present.is_not(None), R.present * QUORUM_SHARE[1] < R.summoned * QUORUM_SHARE[0]
    )
    per_level = []
    for level, rule in SIZE_RULES.items():
        size_out = and_(R.executive_size > 0, ~R.executive_size.between(rule.executive_min, rule.executive_max))
        standing = and_(
            R.executive_size > 0,
            R.standing_size > 0,
            or_(
                R.executive_size < rule.standing_min_executive,
                R.standing_size > R.executive_size * literal(rule.standing_max_share, Float),
            ),
        )
        inspection = and_(R.inspection_size > 0, ~R.inspection_size.between(rule.inspection_min, rule.inspection_max))
        deadline = literal(campaign.deadline_for(level), Date)
        late = or_(
            and_(R.held_date.is_not(None), R.held_date > deadline),
            and_(R.held_date.is_(None), R.planned_date.is_not(None), R.planned_date > deadline),
        )
        per_level.append(and_(Unit.level == level, or_(size_out, standing, inspection, late)))
    return or_(quorum, *per_level)


# ---- the queue ---------------------------------------------------------------------------


@dataclass
class QueueFilters:
    status: str = "submitted"  # one of QUEUE_STATUSES or "all"
    district_id: int | None = None  # a district-level unit: its subtree only
    sector: str | None = None
    flagged: bool | None = None
    q: str = ""


@dataclass
class QueueRow:
    report: CongressReport
    flags: list[str]

    @property
    def unit(self) -> Unit:
        return self.report.unit


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)


def _queue_where(session: Session, user: User, campaign: Campaign, filters: QueueFilters) -> list:
    where = [CongressReport.campaign_id == campaign.id, queue_scope(user)]
    if filters.status in QUEUE_STATUSES:
        where.append(CongressReport.status == filters.status)
    else:
        where.append(CongressReport.status.in_(QUEUE_STATUSES))
    if filters.district_id:
        district = session.get(Unit, filters.district_id)
        # An unknown or out-of-scope district matches nothing rather than everything.
        where.append(in_subtree(district.path) if district is not None else false())
    if filters.sector:
        where.append(Unit.sector == filters.sector)
    if filters.flagged is not None:
        clause = flagged_clause(campaign)
        where.append(clause if filters.flagged else ~clause)
    if filters.q.strip():
        where.append(search_filter(filters.q, session, user.unit.path))
    return where


def review_queue(
    session: Session, user: User, campaign: Campaign, filters: QueueFilters, page: int = 1, size: int = 50
) -> QueuePage:
    """Oldest submission first; one COUNT and one page query (units joined, no N+1)."""
    where = _queue_where(session, user, campaign, filters)
    total = session.scalar(
        select(func.count(CongressReport.id)).join(Unit, Unit.id == CongressReport.unit_id).where(*where)
    ) or 0
    page = max(1, page)
    reports = session.scalars(
        select(CongressReport)
        .join(CongressReport.unit)
        .options(contains_eager(CongressReport.unit), joinedload(CongressReport.entered_by))
        .where(*where)
        .order_by(CongressReport.submitted_at.is_(None), CongressReport.submitted_at, CongressReport.id)
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return QueuePage([QueueRow(r, report_flags(r)) for r in reports], total, page, size)


def district_choices(session: Session, user: User) -> list[Unit]:
    """District-level units in the user's scope (for the queue's district filter)."""
    if user.unit.level == "grassroots":
        return []
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.level == "district", Unit.active.is_(True), in_subtree(user.unit.path))
            .order_by(Unit.name_sort, Unit.id)
        )
    )


def get_report_for_review(session: Session, user: User, report_id: int) -> CongressReport:
    """A report the user may look at from the review pages; NotFound outside the user's scope."""
    report = session.scalar(
        select(CongressReport)
        .join(CongressReport.unit)
        .options(contains_eager(CongressReport.unit))
        .where(CongressReport.id == report_id, in_subtree(user.unit.path))
    )
    if report is None:
        raise NotFound(_("Không tìm thấy báo cáo."))
    return report


# ---- bulk approval -----------------------------------------------------------------------


@dataclass
class BulkIssue:
    report_id: int
    unit_name: str
    message: str


@dataclass
class BulkResult:
    approved: list[CongressReport] = field(default_factory=list)
    stale: list[BulkIssue] = field(default_factory=list)
    flagged: list[BulkIssue] = field(default_factory=list)
    refused: list[BulkIssue] = field(default_factory=list)

    @property
    def not_approved(self) -> list[BulkIssue]:
        return self.stale + self.flagged + self.refused


def bulk_approve(
    session: Session,
    reports_with_versions: Iterable[tuple[int, int | None]],
    user: User,
    confirm_warnings: bool = False,
) -> BulkResult:
    """Approve each (report id, version the reviewer saw) that still stands as seen.

    Every report is checked before anything is written, so a refused one (stale, flagged and
    not confirmed, out of scope, not submitted) changes nothing and the others still pass. Each
    approval writes its own history, version and audit entry; the caller commits once.
    """
    if not can_act(user):
        raise Forbidden(_("Bạn không có quyền phê duyệt báo cáo."))
    wanted: dict[int, int | None] = {}
    for report_id, version in reports_with_versions:
        wanted.setdefault(int(report_id), None if version is None else int(version))
    result = BulkResult()
    if not wanted:
        return result
    found = {
        r.id: r
        for r in session.scalars(
            select(CongressReport)
            .options(selectinload(CongressReport.unit))
            .where(CongressReport.id.in_(list(wanted)))
            .with_for_update(of=CongressReport)
        )
    }
    for report_id, version in wanted.items():
        report = found.get(report_id)
        if report is None or not workflow.can_see(user, report):
            result.refused.append(BulkIssue(report_id, "", _("Không tìm thấy báo cáo.")))
            continue
        name = report.unit.name
        if version is None:
            result.stale.append(BulkIssue(report_id, name, _("Thiếu phiên bản báo cáo đã xem; hãy tải lại danh sách.")))
            continue
        flags = report_flags(report)
        if flags and not confirm_warnings and report.status == "submitted" and report.version == version:
            result.flagged.append(
                BulkIssue(report_id, name, _("Có cảnh báo, cần xác nhận trước khi duyệt: %(warnings)s", warnings=" ".join(flags)))
            )
            continue
        try:
            workflow.approve(session, report, user, expected_version=version)
        except Conflict as exc:
            result.stale.append(BulkIssue(report_id, name, exc.message))
        except DomainError as exc:
            result.refused.append(BulkIssue(report_id, name, exc.message))
        except StaleDataError:
            # Changed by another transaction between our read and our write: the whole batch
            # is rolled back by the caller, nothing half-approved.
            raise Conflict(
                _("Một báo cáo vừa được người khác thay đổi trong lúc duyệt; chưa duyệt báo cáo nào. Hãy thử lại.")
            ) from None
        else:
            result.approved.append(report)
    return result

