"""A report's history: its transitions and a field-by-field diff between any two stored versions."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from shared.audit import diff
from shared.errors import NotFound
from shared.models import FORM_LABELS, STATUS_LABELS, CongressReport, ReportStatusChange, ReportVersion, User
from shared.reports import EDITABLE_FIELDS
from shared.text import format_date, format_number

# Field names as the unit's form shows them.
FIELD_LABELS = {
    "planned_date": "Ngày dự kiến đại hội",
    "form": "Hình thức đại hội",
    "form_override_reason": "Lý do chọn hình thức khác",
    "is_pilot": "Đại hội điểm",
    "meeting_mode": "Cách thức tổ chức",
    "planned_summoned": "Số đại biểu (đoàn viên) dự kiến triệu tập",
    "planned_executive_size": "Số ủy viên BCH dự kiến",
    "held_date": "Ngày tổ chức đại hội",
    "members_total": "Tổng số đoàn viên",
    "summoned": "Số được triệu tập",
    "present": "Số có mặt",
    "executive_size": "Số ủy viên BCH",
    "executive_women": "Trong đó nữ",
    "executive_young": "Trong đó trẻ",
    "executive_party": "Trong đó đảng viên",
    "executive_ethnic_minority": "Trong đó dân tộc thiểu số",
    "executive_reelected": "Tái cử",
    "executive_new": "Tham gia lần đầu",
    "executive_from_plan": "Trong quy hoạch",
    "fulltime_not_reelected_age": "Chuyên trách không tái cử do tuổi",
    "standing_size": "Số ủy viên BTV",
    "inspection_size": "Số ủy viên UBKT",
    "delegates_official": "Đại biểu chính thức dự đại hội cấp trên",
    "delegates_alternate": "Đại biểu dự khuyết",
    "works_count": "Số công trình, sản phẩm chào mừng",
    "works_value_vnd": "Giá trị công trình, sản phẩm (đồng)",
    "exemplary_count": "Số điển hình tiên tiến được biểu dương",
    "funding_vnd": "Kinh phí hỗ trợ (đồng)",
    "notes": "Ghi chú",
    "status": "Trạng thái",
    "officers": "Chủ tịch, Phó Chủ tịch, Chủ nhiệm UBKT",
    "recommendations": "Kiến nghị, đề xuất",
}
MEETING_MODE_LABELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "hybrid": "Kết hợp"}
OFFICER_ROLE_LABELS = {"chair": "Chủ tịch", "vice_chair": "Phó Chủ tịch", "inspection_head": "Chủ nhiệm UBKT"}
GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
FIELD_ORDER = {name: i for i, name in enumerate((*EDITABLE_FIELDS, "officers", "recommendations", "status"))}
EMPTY = "(trống)"


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
        raise NotFound(f"Không có phiên bản {version} của báo cáo này.")
    return data


def compare(session: Session, report: CongressReport, old: int, new: int) -> list[FieldChange]:
    """Every field that differs between two versions, in form order, values formatted for reading."""
    changes = diff(_version_data(session, report, old), _version_data(session, report, new))
    return [
        FieldChange(name, FIELD_LABELS.get(name, name), display(name, before), display(name, after))
        for name, (before, after) in sorted(changes.items(), key=lambda kv: FIELD_ORDER.get(kv[0], 999))
    ]


def display(name: str, value: Any) -> str:
    """A snapshot value as the Vietnamese form shows it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if name == "officers":
        return "; ".join(_officer(o) for o in value)
    if name == "recommendations":
        return "; ".join(f"{r.get('topic') or ''}: {r.get('text') or ''}".strip(": ") for r in value)
    if name == "status":
        return STATUS_LABELS.get(value, value)
    if name == "form":
        return FORM_LABELS.get(value, value)
    if name == "meeting_mode":
        return MEETING_MODE_LABELS.get(value, value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
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
    extra = [GENDER_LABELS.get(o.get("gender"), "")] if o.get("gender") else []
    if o.get("vote_pct") is not None:
        extra.append(format_number(o["vote_pct"], 2).rstrip("0").rstrip(",") + " %")
    text = f"{role}: {o.get('full_name') or ''}"
    return text + (f" ({', '.join(extra)})" if extra else "")
