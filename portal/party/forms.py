"""Forms of the party pages (CSRF through Flask-WTF; domain rules live in shared/)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional

from shared.models import AGENCY_KIND_LABELS, DOCUMENT_KIND_LABELS, EXEMPLARY_KIND_LABELS, LEVEL_LABELS, STEERING_ROLE_LABELS


try:  # WTForms 3.3 deprecates (value, label) tuples; older releases have no SelectChoice.
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None


def choices(labels: dict) -> list:
    if SelectChoice is None:  # pragma: no cover
        return list(labels.items())
    return [SelectChoice(value=key, label=label) for key, label in labels.items()]


class VersionForm(FlaskForm):
    version = HiddenField()


class NarrativeForm(VersionForm):
    assessment = TextAreaField("Đánh giá chung")
    shortcomings = TextAreaField("Hạn chế, khuyết điểm và nguyên nhân")
    lessons = TextAreaField("Bài học kinh nghiệm")
    proposals = TextAreaField("Đề xuất, kiến nghị")


class ScanForm(FlaskForm):
    file = FileField("Bản scan có chữ ký, đóng dấu (PDF)")


class ReturnForm(VersionForm):
    reason = TextAreaField("Lý do yêu cầu chỉnh sửa")


class DecisionForm(FlaskForm):
    decision_number = StringField("Số quyết định")
    decision_date = StringField("Ngày quyết định")


class MemberForm(FlaskForm):
    full_name = StringField("Họ và tên")
    title = StringField("Chức vụ")
    agency = StringField("Cơ quan")
    agency_kind = SelectField("Khối", choices=choices(AGENCY_KIND_LABELS))
    role = SelectField("Vai trò trong Ban Chỉ đạo", choices=choices(STEERING_ROLE_LABELS), default="member")


class WorkForm(FlaskForm):
    name = StringField("Tên công trình, sản phẩm")
    value_vnd = IntegerField("Giá trị (đồng)", validators=[Optional()])
    completed_on = StringField("Ngày hoàn thành")


class ExemplaryForm(FlaskForm):
    kind = SelectField("Cá nhân / tập thể", choices=choices(EXEMPLARY_KIND_LABELS))
    name = StringField("Tên cá nhân, tập thể")
    achievement = TextAreaField("Thành tích")
    commendation = StringField("Hình thức khen thưởng")


class DocumentForm(FlaskForm):
    kind = SelectField("Loại", choices=choices(DOCUMENT_KIND_LABELS))
    title = StringField("Tiêu đề")
    body = TextAreaField("Nội dung / tóm tắt")
    file = FileField("Tệp đính kèm (PDF, DOCX, XLSX)")
    levels = SelectMultipleField("Gửi đến cấp (để trống: mọi cấp)", choices=choices(LEVEL_LABELS))
    targets = SelectMultipleField("Gửi đến đơn vị và các đơn vị trực thuộc (để trống: toàn bộ phạm vi)", coerce=int, choices=[])
    ack_by = StringField("Hạn xác nhận đã đọc (không bắt buộc)")
