"""Congress reports: lookup within scope, creation, snapshots of every version."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared import audit, clock
from shared.errors import Conflict, DomainError, Forbidden
from shared.i18n import _
from shared.models import (
    Campaign,
    CongressReport,
    Officer,
    Recommendation,
    ReportStatusChange,
    ReportVersion,
    Unit,
    User,
)
from shared.validation import PLAN_FIELDS, RESULT_FIELDS, check_report, parse_report

EDITABLE_FIELDS = PLAN_FIELDS + RESULT_FIELDS


def _json(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def snapshot(report: CongressReport) -> dict[str, Any]:
    """Everything a unit reported, JSON-ready: what versions store and diffs compare."""
    data = {name: _json(getattr(report, name)) for name in EDITABLE_FIELDS}
    data["status"] = report.status
    data["officers"] = [
        {"role": o.role, "full_name": o.full_name, "gender": o.gender, "vote_pct": _json(o.vote_pct)}
        for o in report.officers
    ]
    data["recommendations"] = [
        {
            "topic": r.topic,
            "text": r.text,
            "addressed_to": r.addressed_to,
            "status": r.status,
            "resolution_note": r.resolution_note,
        }
        for r in report.recommendations
    ]
    return data


def record_version(
    session: Session, report: CongressReport, user: User | None, *, data: dict[str, Any] | None = None,
    fresh: bool = False,
) -> ReportVersion:
    """Store the report as it now stands under its current version number (flushes first).

    `data` is the report's snapshot when the caller already has it. `fresh` says the caller's own flush
    has just raised the report to this version number: that UPDATE matched the previous number and now
    holds the row, so no version row can have this number yet (a writer that stored one would have
    raised the report first, and our UPDATE would have failed) and the lookup of an existing one (and
    the flush before it) is skipped; the insert is flushed with the caller's next flush."""
    if not fresh:
        session.flush()
        existing = session.scalar(
            select(ReportVersion).where(
                ReportVersion.report_id == report.id, ReportVersion.version == report.version
            )
        )
        if existing is not None:
            existing.data = snapshot(report) if data is None else data
            return existing
    version = ReportVersion(
        report_id=report.id,
        version=report.version,
        data=snapshot(report) if data is None else data,
        created_at=clock.now(),
        user_id=user.id if user else None,
    )
    session.add(version)
    return version


def get_report(session: Session, campaign: Campaign, unit: Unit) -> CongressReport | None:
    return session.scalar(_REPORT_OF_UNIT, {"campaign_id": campaign.id, "unit_id": unit.id})


# Statements of every save and send, built once (building one costs about as much as running it).
_REPORT_OF_UNIT = select(CongressReport).where(
    CongressReport.campaign_id == bindparam("campaign_id"), CongressReport.unit_id == bindparam("unit_id")
)


def get_or_create_report(
    session: Session, campaign: Campaign, unit: Unit, user: User | None
) -> CongressReport:
    """The unit's report for the campaign; a new draft (with its first history row) if none."""
    report = get_report(session, campaign, unit)
    if report is not None:
        return report
    return create_report(session, campaign, unit, user)


def create_report(session: Session, campaign: Campaign, unit: Unit, user: User | None) -> CongressReport:
    """A new draft of the unit's report (with its first history row), for a caller that has just looked
    and found none: a concurrent creation fails the flush on uq_report_campaign_unit (IntegrityError)."""
    now = clock.now()
    report = CongressReport(
        campaign=campaign, unit=unit, status="draft", created_at=now, updated_at=now,
        updated_by_id=user.id if user else None,
        # A new report has no rows yet: known empty, so reading them does not query the database.
        officers=[], recommendations=[], attachments=[],
    )
    session.add(report)
    session.flush()
    session.add(
        ReportStatusChange(
            report_id=report.id, changed_at=now, user_id=user.id if user else None,
            from_status=None, to_status="draft", version=report.version,
        )
    )
    return report


def campaigns_newest_open_first(session: Session) -> list[Campaign]:
    return list(session.scalars(_NEWEST_OPEN_FIRST))


def current_campaign(session: Session) -> Campaign | None:
    """The newest open campaign (the one pages show unless another is chosen)."""
    return session.scalar(_CURRENT)


_NEWEST_OPEN_FIRST = select(Campaign).order_by(Campaign.closed, Campaign.start_date.desc(), Campaign.id.desc())
_CURRENT = _NEWEST_OPEN_FIRST.limit(1)


def update_report(
    session: Session, report: CongressReport, user: User, data: dict[str, Any], expected_version: int | None
) -> list[str]:
    """Save what a unit typed (a draft save: only the given fields change); returns the warnings.

    Invalid data raises DomainError and changes nothing; a stale version raises Conflict.
    """
    from shared import workflow  # workflow imports this module (record_version, snapshot)

    # Guards in the workflow's order: whose report, then the version, then the state. A save based on a
    # version that another client has since sent (submitted) is a stale save (409, with the current
    # report), not a refusal to edit: the client learns what happened instead of "forbidden".
    if user.role not in workflow.REPORTING_ROLES or report.unit_id != user.unit_id:
        raise Forbidden(_("Báo cáo này không thể sửa ở trạng thái hiện tại hoặc không thuộc đơn vị của bạn."))
    workflow.check_version(report, expected_version)
    if not workflow.can_edit(user, report):
        raise Forbidden(_("Báo cáo này không thể sửa ở trạng thái hiện tại hoặc không thuộc đơn vị của bạn."))
    values, errors = parse_report(data)
    values = {k: v for k, v in values.items() if k in EDITABLE_FIELDS or k in ("officers", "recommendations")}
    merged = {name: getattr(report, name) for name in EDITABLE_FIELDS}
    merged["officers"] = None
    merged.update(values)
    rule_errors, warnings = check_report(merged, report.campaign, report.unit, full=False)
    for name, message in rule_errors.items():
        errors.setdefault(name, message)
    if errors:
        raise DomainError(_("Báo cáo có lỗi, hãy sửa các ô được đánh dấu."), fields=errors)

    before = snapshot(report)
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(report, name, values[name])
    if "officers" in values:
        _sync_officers(report, values["officers"])
    if "recommendations" in values:
        _sync_recommendations(report, values["recommendations"])
    now = clock.now()
    if report.planned_date is not None and report.planned_at is None:
        report.planned_at = now
    report.updated_at = now
    report.updated_by_id = user.id
    version = report.version
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            _("Báo cáo đã được người khác thay đổi sau khi bạn mở. Hãy xem phiên bản hiện tại."), current=None
        ) from None
    after = snapshot(report)
    record_version(session, report, user, data=after, fresh=report.version != version)
    audit.record(
        session, user, "report.save", "congress_report", report.id, unit_id=report.unit_id,
        changes=audit.diff(before, after),
    )
    session.flush()
    return warnings


def _sync_officers(report: CongressReport, rows: list[dict[str, Any]]) -> None:
    existing = list(report.officers)
    for position, row in enumerate(rows):
        officer = existing[position] if position < len(existing) else None
        if officer is None:
            officer = Officer(position=position)
            report.officers.append(officer)
        officer.position = position
        for key in ("role", "full_name", "gender", "vote_pct"):
            setattr(officer, key, row.get(key))
    for officer in existing[len(rows):]:
        report.officers.remove(officer)


def _sync_recommendations(report: CongressReport, rows: list[dict[str, Any]]) -> None:
    """Update rows in place (they keep their id and follow-up history), add or drop the rest."""
    existing = list(report.recommendations)
    for position, row in enumerate(rows):
        rec = existing[position] if position < len(existing) else None
        if rec is None:
            rec = Recommendation(campaign_id=report.campaign_id, unit_id=report.unit_id)
            report.recommendations.append(rec)
        for key in ("topic", "text", "addressed_to", "resolution_note"):
            setattr(rec, key, row.get(key))
        rec.status = row.get("status") or "open"
    for rec in existing[len(rows):]:
        report.recommendations.remove(rec)


def report_warnings(report: CongressReport) -> list[str]:
    """Quorum and size-rule warnings of a stored report (what the review queue flags)."""
    values: dict[str, Any] = {name: getattr(report, name) for name in EDITABLE_FIELDS}
    _errors, warnings = check_report(values, report.campaign, report.unit, full=False)
    return warnings
