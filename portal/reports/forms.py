"""Report forms: the raw input of the report form (kept as typed) and the upload form."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from shared.i18n import lazy_gettext
from shared.reports import EDITABLE_FIELDS
from shared.text import format_date, format_number, parse_id
from shared.validation import (
    DATE_FIELDS,
    MONEY_FIELDS,
    RECOMMENDATION_KEYS,
    ROW_KEYS,
    compact_rows,
    parse_rows,
)


class AttachmentForm(FlaskForm):
    kind = StringField(lazy_gettext("Loại tài liệu"), default="minutes")  # checked against KIND_LABELS in shared
    file = FileField(
        lazy_gettext("Tệp (PDF, DOCX, XLSX, JPG, PNG)"), validators=[FileRequired(lazy_gettext("Hãy chọn một tệp."))]
    )


def report_input(form: MultiDict, compact: bool = True) -> dict[str, Any]:
    """What the user typed, as strings keyed by report field names; rows as lists of dicts
    (empty rows dropped unless `compact` is False), each with the `id` its hidden field carries.

    Only the fields on the page are taken: ids in hidden fields (unit, report) are never read, and a
    row's follow-up (status, resolution note) is not the unit's to post: it is dropped here.
    """
    data: dict[str, Any] = {name: form.get(name, "") for name in EDITABLE_FIELDS if name in form}
    if "is_pilot" in form:  # a hidden "0" precedes the checkbox, so unchecking is seen
        data["is_pilot"] = "on" if "on" in form.getlist("is_pilot") else ""
    flat = form.to_dict(flat=True)
    for key, columns in ROW_KEYS.items():
        if f"{key}-present" in form:
            rows = [{k: v for k, v in row.items() if k in columns or k == "id"} for row in parse_rows(flat, key) or []]
            data[key] = compact_rows(rows, columns) if compact else rows
    return data


def apply_row_action(data: dict[str, Any], action: str) -> bool:
    """Add or remove a row (the no-JavaScript path and the htmx rows endpoint); True if handled."""
    for key in ("officers", "recommendations"):
        rows = data.setdefault(key, [])
        singular = key[:-1]
        if action == f"add_{singular}":
            rows.append({})  # a new row: no id until it is saved
            return True
        if action.startswith(f"remove_{singular}-"):
            index = action.rsplit("-", 1)[1]
            if parse_id(index) is not None and parse_id(index) < len(rows):
                rows.pop(parse_id(index))
            return True
    return False


def _display(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in DATE_FIELDS:
        return format_date(value)
    if name in MONEY_FIELDS:
        return format_number(value)
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def report_display(report) -> dict[str, Any]:
    """A stored report as form input (what the form shows before the user types)."""
    if report is None:
        return {"officers": [], "recommendations": [], "meeting_mode": "in_person"}
    data: dict[str, Any] = {name: _display(name, getattr(report, name)) for name in EDITABLE_FIELDS}
    data["officers"] = [
        {"id": str(o.id), "role": o.role, "full_name": o.full_name, "gender": o.gender or "",
         "vote_pct": "" if o.vote_pct is None else format_number(o.vote_pct, 2).replace(",00", "")}
        for o in report.officers
    ]
    data["recommendations"] = [
        {"id": str(r.id), **{k: getattr(r, k) or "" for k in RECOMMENDATION_KEYS}} for r in report.recommendations
    ]
    return data
