"""Forms of entry on behalf of units: the results upload, its confirmation, a take-over's reason."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from shared.i18n import lazy_gettext

SEND_CHOICES = [
    ("draft", lazy_gettext("Lưu thành bản nháp (gửi sau trên từng báo cáo)")),
    ("send", lazy_gettext("Lưu và gửi luôn các báo cáo đủ thông tin")),
]


class ResultsUploadForm(FlaskForm):
    """The spreadsheet and what to make of its rows; an upload is always checked first (a dry run)."""

    file = FileField(lazy_gettext("Tệp Excel (.xlsx) hoặc CSV"), validators=[
        FileRequired(lazy_gettext("Hãy chọn tệp.")),
        FileAllowed(["xlsx", "csv"], lazy_gettext("Chỉ nhận tệp .xlsx hoặc .csv.")),
    ])
    send = RadioField(lazy_gettext("Mỗi dòng hợp lệ trở thành"), choices=SEND_CHOICES, default="draft")
    valid_only = BooleanField(lazy_gettext("Chỉ nhập các dòng hợp lệ (bỏ qua các dòng có lỗi)"))
    unit = HiddenField()


class ResultsConfirmForm(FlaskForm):
    """The file checked by the dry run, sent back to be imported (checked again from scratch)."""

    payload = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[DataRequired(), Length(max=255)])
    send = HiddenField()
    valid_only = HiddenField()
    unit = HiddenField()


class TakeOverForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(
        lazy_gettext("Lý do nhập thay (đơn vị sẽ được thông báo)"),
        validators=[DataRequired(lazy_gettext("Phải ghi rõ lý do.")),
                    Length(max=2000, message=lazy_gettext("Không được dài quá 2000 ký tự."))],
    )
