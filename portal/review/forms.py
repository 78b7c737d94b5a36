"""Review forms: every action carries the version the reviewer saw (optimistic locking)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from shared.i18n import lazy_gettext

REASON_REQUIRED = lazy_gettext("Phải ghi rõ lý do.")


class ApproveForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ReasonForm(FlaskForm):
    """Return or reopen: a reason the unit will read."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = TextAreaField(
        lazy_gettext("Lý do"),
        validators=[DataRequired(REASON_REQUIRED), Length(max=2000, message=lazy_gettext("Không được dài quá 2000 ký tự."))],
    )


class BulkApproveForm(FlaskForm):
    confirm_warnings = BooleanField(lazy_gettext("Duyệt cả các báo cáo có cảnh báo (tôi đã xem kỹ)"))
    next = HiddenField()


class ReminderForm(FlaskForm):
    days = IntegerField(
        lazy_gettext("Hạn chót trong vòng (ngày)"), default=7,
        validators=[InputRequired(lazy_gettext("Hãy nhập số ngày.")), NumberRange(0, 366, lazy_gettext("Từ 0 đến 366 ngày."))],
    )
