"""The audit trail: every save and transition, with who, when and which fields changed."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shared import clock
from shared.models import AuditLog, User


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
