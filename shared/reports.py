"""Congress reports: lookup within scope, creation, snapshots of every version."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import clock
from shared.models import Campaign, CongressReport, ReportStatusChange, ReportVersion, Unit, User

# Scalar fields of a report that a unit fills in (the names shared by forms, exports and API).
PLAN_FIELDS = (
    "planned_date",
    "form",
    "form_override_reason",
    "is_pilot",
    "meeting_mode",
    "planned_summoned",
    "planned_executive_size",
)
RESULT_FIELDS = (
    "held_date",
    "members_total",
    "summoned",
    "present",
    "executive_size",
    "executive_women",
    "executive_young",
    "executive_party",
    "executive_ethnic_minority",
    "executive_reelected",
    "executive_new",
    "executive_from_plan",
    "fulltime_not_reelected_age",
    "standing_size",
    "inspection_size",
    "delegates_official",
    "delegates_alternate",
    "works_count",
    "works_value_vnd",
    "exemplary_count",
    "funding_vnd",
    "notes",
)
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


def record_version(session: Session, report: CongressReport, user: User | None) -> ReportVersion:
    """Store the report as it now stands under its current version number (flushes first)."""
    session.flush()
    existing = session.scalar(
        select(ReportVersion).where(
            ReportVersion.report_id == report.id, ReportVersion.version == report.version
        )
    )
    data = snapshot(report)
    if existing is not None:
        existing.data = data
        return existing
    version = ReportVersion(
        report_id=report.id,
        version=report.version,
        data=data,
        created_at=clock.now(),
        user_id=user.id if user else None,
    )
    session.add(version)
    return version


def get_report(session: Session, campaign: Campaign, unit: Unit) -> CongressReport | None:
    return session.scalar(
        select(CongressReport).where(
            CongressReport.campaign_id == campaign.id, CongressReport.unit_id == unit.id
        )
    )


def get_or_create_report(
    session: Session, campaign: Campaign, unit: Unit, user: User | None
) -> CongressReport:
    """The unit's report for the campaign; a new draft (with its first history row) if none."""
    report = get_report(session, campaign, unit)
    if report is not None:
        return report
    now = clock.now()
    report = CongressReport(
        campaign=campaign, unit=unit, status="draft", created_at=now, updated_at=now,
        updated_by_id=user.id if user else None,
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


def current_campaign(session: Session) -> Campaign | None:
    """The newest open campaign (the one pages show unless another is chosen)."""
    return session.scalar(
        select(Campaign).order_by(Campaign.closed, Campaign.start_date.desc(), Campaign.id.desc()).limit(1)
    )
