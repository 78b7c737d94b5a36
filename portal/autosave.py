"""The answer of a long form's autosave (js/autosave.js): one JSON shape for every form that saves as it is
typed. The save itself is the form's own domain use case, run through portal.actions.run like its button."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import jsonify

from shared.errors import Conflict, DomainError, InvalidTransition
from shared.i18n import _, ngettext
from shared.validation import problem_list


def saved(version: int, at: dt.datetime | None, *, problems: dict[str, str] | None = None,
          rows: dict[str, dict[str, int]] | None = None):
    """Saved: the new version (the page posts it with its next save), the status line ("Đã lưu lúc 10:42",
    and how many contradictions stand between the draft and sending), the stored ids of new rows."""
    message = _("Đã lưu lúc %(time)s", time=at.strftime("%H:%M") if at else "")
    if problems:
        message += " · " + ngettext("còn %(num)s lỗi phải sửa trước khi gửi", "còn %(num)s lỗi phải sửa trước khi gửi",
                                    len(problems))
    return jsonify(status="saved", version=version, message=message, errors=problems or {}, rows=rows or {})


def refused(refusal: DomainError, labels: Any = None, *, form: Any = None):
    """Not saved: someone saved since (or the record moved on: 409, the page offers the comparison), or input
    that cannot be stored (422, the fields named; `labels(errors)` gives their (key, label, message), or the
    labels are those of the `form`'s fields)."""
    if isinstance(refusal, (Conflict, InvalidTransition)):
        return jsonify(status="conflict", message=refusal.message), 409
    if form is not None and labels is None:
        labels = lambda fields: [(name, str(form[name].label.text) if name in form else name, message)  # noqa: E731
                                 for name, message in fields.items()]
    named = (labels or problem_list)(refusal.fields)
    fields = ", ".join(label for _name, label, _text in named) or refusal.message
    return jsonify(status="unsaved", message=_("Chưa lưu: %(fields)s không lưu được, hãy sửa ô được đánh dấu.",
                                              fields=fields), fields=refusal.fields), 422
