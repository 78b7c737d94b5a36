"""Report workflow: draft -> submitted -> approved, or submitted -> returned -> submitted.

One function per transition; each checks role, scope, state and version, records the status
change, a version snapshot and an audit entry, and flushes. The caller commits.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from shared import audit, clock, notifications
from shared.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from shared.i18n import _, N_
from shared.models import Campaign, CongressReport, ReportStatusChange, Unit, User
from shared.reports import create_report, record_status_change, record_version, snapshot, update_report
from shared.text import clean_text
from shared.units import is_within
from shared.validation import validate_report
from shared.vocabulary import STATUS_LABELS

REPORTING_ROLES = ("reporter", "district", "federation")
REVIEW_ROLES = ("district", "federation")
EDITABLE_STATES = ("draft", "returned")
# Who may enter a grassroots union's report on its behalf ("nhập thay"): the level above it, or the federation.
ON_BEHALF_ROLES = ("district", "federation")
ON_BEHALF_LEVELS = ("grassroots",)


def can_see(user: User, report: CongressReport) -> bool:
    return is_within(report.unit, user.unit)


# An active account that writes the unit's report itself (built once: every on-behalf check runs it).
_OWN_ACCOUNT = select(
    exists().where(User.unit_id == bindparam("unit_id"), User.active.is_(True), User.role.in_(REPORTING_ROLES))
)


def has_own_account(session: Session, unit_id: int) -> bool:
    """Whether the unit has an active account of its own that reports for it."""
    return bool(session.scalar(_OWN_ACCOUNT, {"unit_id": unit_id}))


def units_with_own_account(session: Session, unit_ids) -> set[int]:
    """Which of `unit_ids` have such an account: one query for a batch (the results import)."""
    ids = list(unit_ids)
    found: set[int] = set()
    for i in range(0, len(ids), 1000):
        found.update(session.scalars(
            select(User.unit_id).where(User.unit_id.in_(ids[i:i + 1000]), User.active.is_(True),
                                       User.role.in_(REPORTING_ROLES)).distinct()
        ))
    return found


def enters_for(user: User, unit: Unit) -> bool:
    """Whether `user` is of the level that may enter `unit`'s report on its behalf: a district-level or
    federation account, for a grassroots union strictly inside its subtree."""
    return (user.role in ON_BEHALF_ROLES and unit.level in ON_BEHALF_LEVELS and unit.id != user.unit_id
            and is_within(unit, user.unit))


def reports_for(user: User, unit: Unit, report: CongressReport | None = None, *,
                has_account: bool | None = None) -> bool:
    """Whether `user` writes the report of `unit`: creates it, saves it, sends it, attaches its files.

    The unit's own officers do (its reporter; a district-level or federation account for its own unit's
    report). On the unit's behalf ("nhập thay"), a district-level or federation account does for a
    grassroots union of its subtree (`enters_for`) that has no active account of its own to report with,
    or whose report it has taken over (`take_over`: a returned or overdue report, with a reason) until it
    is sent. `has_account` is what the caller already knows of the unit's own accounts (None: look)."""
    if user.role in REPORTING_ROLES and unit.id == user.unit_id:
        return True
    if not enters_for(user, unit):
        return False
    if report is not None and report.taken_over_at is not None:
        return True
    if has_account is None:
        has_account = has_own_account(object_session(unit) or object_session(user), unit.id)
    return not has_account


def on_behalf(user: User, unit_id: int) -> bool:
    """A write by someone outside the unit (entered on its behalf)."""
    return user.unit_id != unit_id


def edit_refusal(user: User, campaign: Campaign, unit: Unit, report: CongressReport | None, *,
                 has_account: bool | None = None, state: bool = True) -> str | None:
    """Why `user` may not save the unit's report now (None: they may): the rule of every save, of the
    form's buttons and of attachments. `report` is None when the unit has none yet (a first save creates it).
    `state=False` leaves out the report's state (a save checks whose report first, then the version, then
    the state)."""
    if campaign.closed:  # a closed campaign's reports are a record
        return _("Đợt đại hội đã kết thúc; báo cáo chỉ còn xem được.")
    if not reports_for(user, unit, report, has_account=has_account):
        if enters_for(user, unit):
            return _("Đơn vị đã có tài khoản và tự báo cáo. Chỉ nhập thay được báo cáo bị trả lại hoặc quá hạn, "
                     "sau khi ghi lý do tiếp nhận trên trang báo cáo của đơn vị.")
        return _("Chỉ đơn vị báo cáo mới được lập báo cáo của mình.")
    if state and report is not None and report.status not in EDITABLE_STATES:
        return _("Báo cáo này không thể sửa ở trạng thái hiện tại.")
    return None


def may_edit(user: User, campaign: Campaign, unit: Unit, report: CongressReport | None) -> bool:
    return edit_refusal(user, campaign, unit, report) is None


def can_edit(user: User, report: CongressReport) -> bool:
    """Whoever writes the unit's report edits it while it is a draft or returned, and its campaign is open."""
    return edit_refusal(user, report.campaign, report.unit, report) is None


# ---- take-over: a district enters the report of a unit that has an account ------------------------


def is_overdue(campaign: Campaign, unit: Unit, report: CongressReport | None, today: dt.date | None = None) -> bool:
    """The unit's deadline has passed and its report was never sent (none, or still a draft)."""
    return (report is None or report.status == "draft") and (today or clock.today()) > campaign.deadline_for(unit.level)


def takeover_refusal(user: User, campaign: Campaign, unit: Unit, report: CongressReport | None, *,
                     has_account: bool | None = None) -> str | None:
    """Why `user` may not take over the unit's report now (None: they may). Only a report the unit is
    behind with: returned to it, or overdue; and only from a unit that has its own account (an account-less
    unit's report is entered directly)."""
    if campaign.closed:
        return _("Đợt đại hội đã kết thúc; báo cáo chỉ còn xem được.")
    if not enters_for(user, unit):
        return _("Chỉ công đoàn cấp trên của đơn vị mới được nhập thay báo cáo.")
    if report is not None and report.taken_over_at is not None:
        return _("Báo cáo đang được nhập thay.")
    if has_account is None:
        has_account = has_own_account(object_session(unit) or object_session(user), unit.id)
    if not has_account:
        return _("Đơn vị chưa có tài khoản: nhập thay trực tiếp, không cần tiếp nhận.")
    if not ((report is not None and report.status == "returned") or is_overdue(campaign, unit, report)):
        return _("Chỉ nhập thay được báo cáo bị trả lại hoặc đã quá hạn mà đơn vị chưa gửi.")
    return None


def take_over(session: Session, campaign: Campaign, unit: Unit, user: User, reason: str | None,
              expected_version: int | None) -> CongressReport:
    """A district takes over the report of a unit that has its own account (returned, or overdue), with a
    reason: from now until it is sent, the district may enter it on the unit's behalf. The unit is told;
    the take-over is in the audit trail and the report's versions. Creates the draft if there is none."""
    if not is_within(unit, user.unit):
        raise NotFound(_("Không tìm thấy đơn vị."))
    report = session.scalar(select(CongressReport).where(
        CongressReport.campaign_id == campaign.id, CongressReport.unit_id == unit.id))
    refusal = takeover_refusal(user, campaign, unit, report)
    if refusal:
        raise (Forbidden if campaign.closed or not enters_for(user, unit) else InvalidTransition)(refusal)
    if report is not None:
        check_version(report, expected_version)
    text = _require_reason(reason)
    if report is None:
        report = create_report(session, campaign, unit, user)
    version = report.version
    now = clock.now()
    report.entered_by = user
    report.takeover_reason = text
    report.taken_over_at = now
    report.updated_by_id = user.id
    report.updated_at = now
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            _("Báo cáo đã được người khác thay đổi sau khi bạn mở. Hãy xem phiên bản hiện tại."), current=None
        ) from None
    record_version(session, report, user, fresh=report.version != version)
    audit.record(session, user, "report.take_over", "congress_report", report.id, unit_id=unit.id,
                 changes={"takeover_reason": text, "entered_by": _who(user)})
    notifications.on_take_over(session, report, user, text)
    session.flush()
    return report


def _who(user: User) -> str:
    """How an account reads in the audit trail: its name and unit."""
    return f"{user.full_name or user.username} ({user.unit.name})"


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
    values = {"status": to_status, "updated_by_id": user.id, "updated_at": now}
    entered_for_unit = to_status == "submitted" and on_behalf(user, report.unit_id)
    if to_status == "submitted":
        # a take-over lasts until the report is sent
        values.update(submitted_at=now, return_reason=None, taken_over_at=None)
        if entered_for_unit:
            values["entered_by_id"] = user.id
    elif to_status in ("returned", "approved"):
        values.update(reviewed_at=now, reviewed_by_id=user.id, return_reason=reason if to_status == "returned" else None)
    # The report's own columns only, with its version checked: one UPDATE, not a flush of the unit of work.
    if not update_report(session, report, values):  # another request changed it between our read and now
        raise Conflict(
            _("Báo cáo đã được người khác thay đổi sau khi bạn mở. Hãy xem phiên bản hiện tại."), current=None
        )
    if entered_for_unit:
        set_committed_value(report, "entered_by", user)
    record_status_change(session, ReportStatusChange(
        report_id=report.id, changed_at=now, user_id=user.id, from_status=from_status,
        to_status=to_status, reason=reason, version=report.version,
    ), report.unit_id)
    data = {**checked, "status": report.status} if checked is not None else None
    record_version(session, report, user, data=data, fresh=report.version != version)
    changes = {"status": [from_status, to_status], **({"reason": reason} if reason else {})}
    if report.entered_by is not None:  # said in the trail of every step of a report entered on the unit's behalf
        changes["entered_by"] = _who(report.entered_by)
        if to_status == "approved" and report.entered_by.unit_id == user.unit_id:
            changes["approved_own_entry"] = True
    audit.record(session, user, action, "congress_report", report.id, unit_id=report.unit_id, changes=changes)
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


def submit(session: Session, report: CongressReport, user: User, expected_version: int | None = None, *,
           has_account: bool | None = None):
    """`has_account`: what the caller knows of the unit's own accounts (see reports_for)."""
    if not can_see(user, report):
        raise NotFound(_("Không tìm thấy báo cáo."))
    if not reports_for(user, report.unit, report, has_account=has_account):
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
    from shared.people import approval_refusal  # people imports this module

    refusal = approval_refusal(report)
    if refusal:
        raise InvalidTransition(refusal, fields={"quorum_resolution": refusal})
    return _transition(session, report, user, "approved", None, "report.approve")


def reopen(
    session: Session, report: CongressReport, user: User, reason: str | None, expected_version: int | None = None
):
    """An approved report goes back to the unit (as returned) for a correction."""
    _review_guard(session, report, user, expected_version)
    text = _require_reason(reason)
    _require_state(report, ("approved",), "reopen")
    return _transition(session, report, user, "returned", text, "report.reopen")
