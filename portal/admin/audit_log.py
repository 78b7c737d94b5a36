"""The audit log: who did what, when, filtered by user, unit, action and date; keyset pages."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from jinja2_fragments.flask import render_block
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from portal import db
from portal.access import me
from portal.admin import bp
from shared import audit
from shared.models import AuditLog, Unit, User
from shared.text import nfc, parse_date, parse_id
from shared.units import in_subtree
from shared.vocabulary import ACTION_LABELS

PAGE = 50

def _scoped():
    """Entries about units in the actor's subtree; the system administrator also sees unit-less ones."""
    actor = me()
    unit = aliased(Unit)
    stmt = select(AuditLog, User.username, unit.code, unit.name).outerjoin(User, User.id == AuditLog.user_id) \
        .outerjoin(unit, unit.id == AuditLog.unit_id)
    if actor.role == "admin" and actor.unit.parent_id is None:
        return stmt.where(or_(AuditLog.unit_id.is_(None), in_subtree(actor.unit.path, unit.path))), unit
    return stmt.where(in_subtree(actor.unit.path, unit.path)), unit


@bp.get("/audit")
def audit_log():
    stmt, unit = _scoped()
    errors: dict[str, str] = {}
    f = {k: (nfc(request.args.get(k)) or "") for k in ("user", "unit", "action", "from", "to")}
    if f["user"]:
        stmt = stmt.where(User.username == f["user"].lower())
    if f["unit"]:
        stmt = stmt.where(unit.code == f["unit"].upper())
    if f["action"]:
        stmt = stmt.where(AuditLog.action == f["action"])
    for key, op in (("from", "ge"), ("to", "lt")):
        try:
            day = parse_date(f[key])
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        if day is not None:
            if op == "ge":
                stmt = stmt.where(AuditLog.at >= dt.datetime.combine(day, dt.time()))
            else:
                stmt = stmt.where(AuditLog.at < dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    before = request.args.get("before", type=parse_id)
    if before:
        stmt = stmt.where(AuditLog.id < before)
    rows = db.session().execute(stmt.order_by(AuditLog.id.desc()).limit(PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    # Each entry as people read it: the same labels and field descriptions as a report's own trail.
    rows = [(entry, audit.describe(entry), username, unit_code, unit_name) for entry, username, unit_code, unit_name in rows]
    context = dict(rows=rows, filters=f, errors=errors, actions=sorted(ACTION_LABELS), labels=ACTION_LABELS,
                   next_before=rows[-1][0].id if more and rows else None)
    status = 422 if errors else 200
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "audit-rows":
        return render_block("admin/audit.html", "audit_rows", **context), status
    return render_template("admin/audit.html", **context), status
