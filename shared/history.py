"""A report's history: its transitions, a field-by-field diff between any two stored versions, its audit trail."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from shared import audit
from shared.audit import EMPTY, diff
from shared.errors import NotFound
from shared.i18n import _
from shared.models import AuditLog, CongressReport, ReportStatusChange, ReportVersion, User
from shared.reports import EDITABLE_FIELDS
from shared.vocabulary import FIELD_LABELS  # noqa: F401 (re-exported: the review page reads the labels here)

FIELD_ORDER = {name: i for i, name in enumerate((*EDITABLE_FIELDS, "officers", "members", "delegates", "recommendations",
                                                  "status"))}


def transitions(session: Session, report: CongressReport) -> list[ReportStatusChange]:
    """Who moved the report from which status to which, when and why; oldest first."""
    return list(
        session.scalars(
            select(ReportStatusChange)
            .options(joinedload(ReportStatusChange.user))
            .where(ReportStatusChange.report_id == report.id)
            .order_by(ReportStatusChange.changed_at, ReportStatusChange.id)
        )
    )


@dataclass
class VersionInfo:
    version: int
    created_at: dt.datetime
    user: User | None
    status: str | None


def versions(session: Session, report: CongressReport) -> list[VersionInfo]:
    rows = session.execute(
        select(ReportVersion.version, ReportVersion.created_at, ReportVersion.data, User)
        .outerjoin(User, User.id == ReportVersion.user_id)
        .where(ReportVersion.report_id == report.id)
        .order_by(ReportVersion.version)
    ).all()
    return [VersionInfo(v, at, user, (data or {}).get("status")) for v, at, data, user in rows]


def default_pair(session: Session, report: CongressReport) -> tuple[int, int] | None:
    """What a reviewer wants first: the version that was returned against the newest one."""
    numbers = [v.version for v in versions(session, report)]
    if len(numbers) < 2:
        return None
    newest = numbers[-1]
    returned_at = session.scalar(
        select(ReportStatusChange.version)
        .where(ReportStatusChange.report_id == report.id, ReportStatusChange.to_status == "returned")
        .order_by(ReportStatusChange.changed_at.desc(), ReportStatusChange.id.desc())
        .limit(1)
    )
    if returned_at in numbers and returned_at < newest:
        return returned_at, newest
    return numbers[-2], newest


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


def _version_data(session: Session, report: CongressReport, version: int) -> dict[str, Any]:
    data = session.scalar(
        select(ReportVersion.data).where(ReportVersion.report_id == report.id, ReportVersion.version == version)
    )
    if data is None:
        raise NotFound(_("Không có phiên bản %(version)s của báo cáo này.", version=version))
    return data


def compare(session: Session, report: CongressReport, old: int, new: int) -> list[FieldChange]:
    """Every field that differs between two versions, in form order, values formatted for reading; rows
    (officers, recommendations) one change per row added, removed or changed, matched by their id."""
    changes = diff(_version_data(session, report, old), _version_data(session, report, new))
    out = []
    for name, (before, after) in sorted(changes.items(), key=lambda kv: FIELD_ORDER.get(kv[0], 999)):
        label = audit.field_label(name)
        if name in audit.ROW_FIELDS:
            out += [FieldChange(name, label, a if a is not None else _(EMPTY), b if b is not None else _(EMPTY))
                    for a, b in audit.row_changes(name, before, after)]
        else:
            out.append(FieldChange(name, label, display(name, before), display(name, after)))
    return out + _document_changes(session, report, old, new)


def _document_changes(session: Session, report: CongressReport, old: int, new: int) -> list[FieldChange]:
    """Documents attached or removed between two versions. A version holds the report's fields; documents come
    and go by their own actions, so they are read from the audit trail after the older version's time, up to
    the newer one's (up to now when the newer one is the current version: the documents the report has now).
    Read here, never written by a save: the save-and-send path stays as short as it is."""
    times = dict(session.execute(
        select(ReportVersion.version, ReportVersion.created_at)
        .where(ReportVersion.report_id == report.id, ReportVersion.version.in_((old, new)))
    ).all())
    if old not in times or new not in times:
        return []
    earlier, later = sorted((times[old], times[new]))
    query = select(AuditLog).where(
        AuditLog.object_type == "congress_report", AuditLog.object_id == report.id,
        AuditLog.action.in_(("attachment.add", "attachment.delete")), AuditLog.at > earlier,
    )
    if max(old, new) != report.version:
        query = query.where(AuditLog.at <= later)
    entries = session.scalars(query.order_by(AuditLog.at, AuditLog.id)).all()
    label = audit.field_label("attachments")
    out = []
    for entry in entries:
        before, after = ((entry.changes or {}).get("attachment") or [None, None])[:2]
        if times[old] > times[new]:  # compared backwards: what was added is what the older one lacks
            before, after = after, before
        out.append(FieldChange("attachments", label, before or _(EMPTY), after or _(EMPTY)))
    return out


def display(name: str, value: Any) -> str:
    """A snapshot value as the report form shows it, in the current language."""
    return audit.describe_value(name, value)


def report_trail(session: Session, report: CongressReport | None, limit: int = 30) -> list[dict[str, Any]]:
    """The report's last audit entries, newest first: when, who, the action and each change as a line
    (shared.audit.describe: the same reading as the administrators' audit log)."""
    if report is None:
        return []
    rows = session.execute(
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.object_type == "congress_report", AuditLog.object_id == report.id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    ).all()
    trail = []
    for entry, who in rows:
        described = audit.describe(entry)
        trail.append(dict(at=entry.at, action=entry.action, action_label=described.action_label,
                          who=(who.full_name or who.username) if who else "", changes=described.changes))
    return trail
