"""Report workflow: draft -> submitted -> approved, or submitted -> returned -> submitted.

One function per transition; each checks role, scope, state and version, records the status
change, a version snapshot and an audit entry, and flushes. The caller commits.
"""
from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared import audit, clock, notifications
from shared.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from shared.i18n import _, N_
from shared.models import Campaign, CongressReport, ReportStatusChange, Unit, User
from shared.reports import record_version, snapshot
from shared.text import clean_text
from shared.units import is_within
from shared.validation import validate_report
from shared.vocabulary import STATUS_LABELS

REPORTING_ROLES = ("reporter", "district", "federation")
REVIEW_ROLES = ("district", "federation")
EDITABLE_STATES = ("draft", "returned")


def can_see(user: User, report: CongressReport) -> bool:
    return is_within(report.unit, user.unit)


def reports_for(user: User, unit_id: int) -> bool:
    """Whether `user` writes the report of the unit `unit_id`: creates it, saves it, sends it.

    Today only the unit's own officers do. Entry on behalf of a unit (its district typing the results of
    a union that has no one to log in) is a change of this one rule."""
    return user.role in REPORTING_ROLES and unit_id == user.unit_id


def edit_refusal(user: User, campaign: Campaign, unit_id: int, report: CongressReport | None) -> str | None:
    """Why `user` may not save the unit's report now (None: they may): the rule of every save, of the
    form's buttons and of attachments. `report` is None when the unit has none yet (a first save creates it)."""
    if campaign.closed:  # a closed campaign's reports are a record
        return _("Đợt đại hội đã kết thúc; báo cáo chỉ còn xem được.")
    if not reports_for(user, unit_id):
        return _("Chỉ đơn vị báo cáo mới được lập báo cáo của mình.")
    if report is not None and report.status not in EDITABLE_STATES:
        return _("Báo cáo này không thể sửa ở trạng thái hiện tại.")
    return None


def may_edit(user: User, campaign: Campaign, unit: Unit, report: CongressReport | None) -> bool:
    return edit_refusal(user, campaign, unit.id, report) is None


def can_edit(user: User, report: CongressReport) -> bool:
    """A unit's own officer edits its report while it is a draft or returned, and its campaign is open."""
    return edit_refusal(user, report.campaign, report.unit_id, report) is None


def is_reviewer(user: User, report: CongressReport) -> bool:
    """The direct superior unit reviews; admin reviews anything in scope (the province's report)."""
    if user.role == "admin":
        return can_see(user, report)
    return user.role in REVIEW_ROLES and report.unit.parent_id == user.unit_id


def check_version(report: CongressReport, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != report.version:
        raise Conflict(
            _("Báo cáo đã được người khác thay đổi sau khi bạn mở. Hãy xem phiên bản hiện tại."),
            current=report,
        )


def _transition(
    session: Session, report: CongressReport, user: User, to_status: str, reason: str | None, action: str,
    checked: dict | None = None,
) -> CongressReport:
    """`checked`: the report's snapshot taken just before (a transition changes only its status)."""
    from_status = report.status
    version = report.version
    now = clock.now()
    report.status = to_status
    report.updated_by_id = user.id
    report.updated_at = now
    if to_status == "submitted":
        report.submitted_at = now
        report.return_reason = None
    elif to_status in ("returned", "approved"):
        report.reviewed_at = now
        report.reviewed_by_id = user.id
        report.return_reason = reason if to_status == "returned" else None
    try:
        session.flush()
    except StaleDataError:  # another request changed the report between our read and this write
        raise Conflict(
            _("Báo cáo đã được người khác thay đổi sau khi bạn mở. Hãy xem phiên bản hiện tại."), current=None
        ) from None
    session.add(
        ReportStatusChange(
            report_id=report.id, changed_at=now, user_id=user.id, from_status=from_status,
            to_status=to_status, reason=reason, version=report.version,
        )
    )
    data = {**checked, "status": report.status} if checked is not None else None
    record_version(session, report, user, data=data, fresh=report.version != version)
    audit.record(
        session, user, action, "congress_report", report.id, unit_id=report.unit_id,
        changes={"status": [from_status, to_status], **({"reason": reason} if reason else {})},
    )
    notifications.on_transition(session, report, user, from_status, to_status, reason)
    session.flush()
    return report


# The refusal of each action on a report in the wrong state (whole sentences, for translation).
REFUSALS = {
    "submit": N_("Không thể gửi báo cáo đang ở trạng thái “%(status)s”."),
    "return": N_("Không thể trả lại báo cáo đang ở trạng thái “%(status)s”."),
    "approve": N_("Không thể phê duyệt báo cáo đang ở trạng thái “%(status)s”."),
    "reopen": N_("Không thể mở lại báo cáo đang ở trạng thái “%(status)s”."),
}


def _require_open(report: CongressReport) -> None:
    if report.campaign.closed:  # a closed campaign's reports are a record: no more sending or reviewing
        raise Forbidden(_("Đợt đại hội đã kết thúc; báo cáo chỉ còn xem được."))


def _require_state(report: CongressReport, allowed: tuple[str, ...], action: str) -> None:
    if report.status not in allowed:
        raise InvalidTransition(_(REFUSALS[action], status=STATUS_LABELS[report.status]))


def _require_reason(reason: str | None) -> str:
    try:
        text = clean_text(reason, 2000)
    except ValueError as exc:
        raise DomainError(str(exc), fields={"reason": str(exc)}) from None
    if not text:
        raise DomainError(_("Phải ghi rõ lý do."), fields={"reason": _("Phải ghi rõ lý do.")})
    return text


def submit(session: Session, report: CongressReport, user: User, expected_version: int | None = None):
    if not can_see(user, report):
        raise NotFound(_("Không tìm thấy báo cáo."))
    if not reports_for(user, report.unit_id):
        raise Forbidden(_("Chỉ đơn vị báo cáo mới được gửi báo cáo của mình."))
    _require_open(report)
    check_version(report, expected_version)
    _require_state(report, EDITABLE_STATES, "submit")
    checked = snapshot(report)
    errors, _warnings = validate_report(checked, report.campaign, report.unit, full=True)
    if errors:
        raise DomainError(_("Báo cáo chưa đủ thông tin hoặc còn lỗi, chưa thể gửi."), fields=errors)
    return _transition(session, report, user, "submitted", None, "report.submit", checked)


def _review_guard(session: Session, report: CongressReport, user: User, expected_version) -> None:
    if not can_see(user, report):
        raise NotFound(_("Không tìm thấy báo cáo."))
    if not is_reviewer(user, report):
        raise Forbidden(_("Chỉ công đoàn cấp trên trực tiếp mới được duyệt báo cáo này."))
    _require_open(report)
    check_version(report, expected_version)


def return_report(
    session: Session, report: CongressReport, user: User, reason: str | None, expected_version: int | None = None
):
    _review_guard(session, report, user, expected_version)
    text = _require_reason(reason)
    _require_state(report, ("submitted",), "return")
    return _transition(session, report, user, "returned", text, "report.return")


def approve(session: Session, report: CongressReport, user: User, expected_version: int | None = None):
    _review_guard(session, report, user, expected_version)
    _require_state(report, ("submitted",), "approve")
    return _transition(session, report, user, "approved", None, "report.approve")


def reopen(
    session: Session, report: CongressReport, user: User, reason: str | None, expected_version: int | None = None
):
    """An approved report goes back to the unit (as returned) for a correction."""
    _review_guard(session, report, user, expected_version)
    text = _require_reason(reason)
    _require_state(report, ("approved",), "reopen")
    return _transition(session, report, user, "returned", text, "report.reopen")
