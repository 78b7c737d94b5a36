"""A report's history: its transitions and a field-by-field diff between any two stored versions."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from shared.audit import diff
from shared.errors import NotFound
from shared.i18n import _, N_
from shared.models import FORM_LABELS, STATUS_LABELS, CongressReport, ReportStatusChange, ReportVersion, User
from shared.reports import EDITABLE_FIELDS
from shared.text import format_date, format_number, format_vote_share
from shared.validation import (
    FIELD_LABELS,
    GENDER_LABELS,
    MEETING_MODE_LABELS,
    OFFICER_ROLE_LABELS,
    TOPIC_LABELS,
)

FIELD_ORDER = {name: i for i, name in enumerate((*EDITABLE_FIELDS, "officers", "recommendations", "status"))}
EMPTY = N_("(trống)")


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
    """Every field that differs between two versions, in form order, values formatted for reading."""
    changes = diff(_version_data(session, report, old), _version_data(session, report, new))
    return [
        FieldChange(name, str(FIELD_LABELS.get(name, name)), display(name, before), display(name, after))
        for name, (before, after) in sorted(changes.items(), key=lambda kv: FIELD_ORDER.get(kv[0], 999))
    ]


def display(name: str, value: Any) -> str:
    """A snapshot value as the report form shows it, in the current language."""
    if value is None or value == "" or value == []:
        return _(EMPTY)
    if name == "officers":
        return "; ".join(_officer(o) for o in value)
    if name == "recommendations":
        return "; ".join(f"{TOPIC_LABELS.get(r.get('topic'), r.get('topic') or '')}: {r.get('text') or ''}" for r in value)
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if name == "form":
        return str(FORM_LABELS.get(value, value))
    if name == "meeting_mode":
        return str(MEETING_MODE_LABELS.get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if name.endswith("_date"):
        try:
            return format_date(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


def _officer(o: dict[str, Any]) -> str:
    role = OFFICER_ROLE_LABELS.get(o.get("role"), o.get("role") or "")
    extra = [str(GENDER_LABELS.get(o.get("gender"), ""))] if o.get("gender") else []
    if o.get("vote_pct") is not None:
        extra.append(format_vote_share(o["vote_pct"]))
    text = f"{role}: {o.get('full_name') or ''}"
    return text + (f" ({', '.join(extra)})" if extra else "")
