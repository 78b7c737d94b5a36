"""The audit trail: every save and transition, with who, when and which fields changed; and how an
entry reads (labels, not codes), the same on a report's own trail and in the administrators' log."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shared import clock
from shared.i18n import N_, _
from shared.models import AuditLog, User
from shared.text import format_date, format_number, format_vote_share, parse_date
from shared.vocabulary import (
    ACTION_LABELS,
    AUDIT_FIELD_LABELS,
    FIELD_LABELS,
    FORM_LABELS,
    GENDER_LABELS,
    LEVEL_LABELS,
    LEVEL_REPORT_STATUS_LABELS,
    MEETING_MODE_LABELS,
    OBJECT_LABELS,
    OFFICER_ROLE_LABELS,
    REC_STATUS_LABELS,
    RECOMMENDATION_COLUMN_LABELS,
    ROLE_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    STEERING_ROLE_LABELS,
    TOPIC_LABELS,
)


def record(
    session: Session,
    user: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    unit_id: int | None = None,
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    entry = AuditLog(
        at=clock.now(),
        user_id=user.id if user else None,
        unit_id=unit_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        ip=ip,
    )
    session.add(entry)
    return entry


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


# ---- reading an entry ----------------------------------------------------------------------------

EMPTY = N_("(trống)")
ROW_FIELDS = ("officers", "recommendations")
# Which label table says what a stored code means, by field (and, where one name means two things, by object).
_VALUES = {
    "form": FORM_LABELS, "meeting_mode": MEETING_MODE_LABELS, "sector": SECTOR_LABELS, "level": LEVEL_LABELS,
    "topic": TOPIC_LABELS, "gender": GENDER_LABELS, "status": STATUS_LABELS, "role": ROLE_LABELS,
}
_VALUES_OF = {
    ("recommendation", "status"): REC_STATUS_LABELS,
    ("level_report", "status"): LEVEL_REPORT_STATUS_LABELS,
    ("steering_member", "role"): STEERING_ROLE_LABELS,
}
_BOOLEAN_FIELDS = ("is_pilot", "active", "closed", "must_change_password", "dry_run", "valid_only", "applied")


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type))


def field_label(key: str, object_type: str = "congress_report") -> str:
    if object_type == "congress_report":
        tables = (FIELD_LABELS, AUDIT_FIELD_LABELS)
    elif object_type == "recommendation":
        tables = (RECOMMENDATION_COLUMN_LABELS, FIELD_LABELS, AUDIT_FIELD_LABELS)
    else:
        tables = (AUDIT_FIELD_LABELS, FIELD_LABELS)
    for table in tables:
        if key in table:
            return str(table[key])
    return key


def describe_value(key: str, value: Any, object_type: str = "congress_report") -> str:
    """A stored (or typed) value as people read it: labels for codes, dd/mm/yyyy, 1.234.567, Có/Không,
    rows as "Chủ tịch: Lê Văn An (Nam, 92,5 %)"."""
    if value is None or value == "" or value == []:
        return _(EMPTY)
    if key in ROW_FIELDS and isinstance(value, list):
        return "; ".join(row_text(key, row) for row in value if isinstance(row, dict))
    if isinstance(value, bool) or key in _BOOLEAN_FIELDS:
        return _("Có") if value in (True, "on", "1", 1) else _("Không")
    labels = _VALUES_OF.get((object_type, key)) or _VALUES.get(key)
    if labels is not None and isinstance(value, str):
        return str(labels.get(value, value))
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k, object_type)}: {describe_value(k, v, object_type)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(describe_value(key, v, object_type) for v in value)
    if isinstance(value, str) and (key.endswith("_date") or key in ("pilot_until",) or key.startswith("deadline_")):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            try:
                day = parse_date(value)
            except ValueError:
                return value
        return format_date(day) if day else value
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


def row_text(key: str, row: dict[str, Any]) -> str:
    """One officer or recommendation row in a sentence."""
    if key == "officers":
        role = OFFICER_ROLE_LABELS.get(row.get("role"), row.get("role") or "")
        extra = [str(GENDER_LABELS.get(row.get("gender"), ""))] if row.get("gender") else []
        if row.get("vote_pct") not in (None, ""):
            try:
                extra.append(format_vote_share(Decimal(str(row["vote_pct"]))))
            except (TypeError, ValueError, ArithmeticError):
                extra.append(f"{row['vote_pct']} %")
        text = f"{role}: {row.get('full_name') or ''}"
        return text + (f" ({', '.join(extra)})" if extra else "")
    topic = TOPIC_LABELS.get(row.get("topic"), row.get("topic") or "")
    text = f"{topic}: {row.get('text') or ''}"
    return text + (f" ({_('gửi %(addressee)s', addressee=row['addressed_to'])})" if row.get("addressed_to") else "")


def row_changes(key: str, old: list[dict] | None, new: list[dict] | None) -> list[tuple[str | None, str | None]]:
    """(old row, new row) as text for each row added (None, new), removed (old, None) or changed, rows
    matched by their id; rows stored before they carried one are matched by position. Only what the unit
    writes counts: a recommendation's follow-up (status, note) has its own entries."""
    old, new = [r for r in old or [] if isinstance(r, dict)], [r for r in new or [] if isinstance(r, dict)]
    if all(r.get("id") is not None for r in old + new):
        before = {r["id"]: r for r in old}
        pairs = [(before.pop(r["id"], None), r) for r in new]
        pairs += [(r, None) for r in old if r["id"] in before]
    else:
        pairs = [(old[i] if i < len(old) else None, new[i] if i < len(new) else None)
                 for i in range(max(len(old), len(new)))]
    texts = [(row_text(key, a) if a is not None else None, row_text(key, b) if b is not None else None)
             for a, b in pairs]
    return [(a, b) for a, b in texts if a != b]


def describe_changes(object_type: str, changes: dict[str, Any] | None) -> list[str]:
    """Each changed field of an entry as a line: "Số có mặt: 30 → 36", "Kiến nghị, đề xuất: thêm “…”"."""
    lines = []
    for key, change in (changes or {}).items():
        label = field_label(key, object_type)
        pair = isinstance(change, list) and len(change) == 2
        if pair and key in ROW_FIELDS and all(v is None or isinstance(v, list) for v in change):
            for old, new in row_changes(key, change[0], change[1]):
                if old is None:
                    lines.append(_("%(field)s: thêm “%(row)s”", field=label, row=new))
                elif new is None:
                    lines.append(_("%(field)s: xóa “%(row)s”", field=label, row=old))
                else:
                    lines.append(f"{label}: {old} → {new}")
        elif pair:
            before, after = (describe_value(key, v, object_type) for v in change)
            lines.append(f"{label}: {before} → {after}")
        else:
            lines.append(f"{label}: {describe_value(key, change, object_type)}")
    return lines


@dataclass
class Entry:
    """An audit entry as people read it."""

    at: dt.datetime
    action: str
    action_label: str
    object_label: str
    changes: list[str]


def describe(entry: AuditLog) -> Entry:
    return Entry(entry.at, entry.action, action_label(entry.action), object_label(entry.object_type),
                 describe_changes(entry.object_type, entry.changes))
