"""Forms of the party pages (CSRF through Flask-WTF; domain rules live in shared/)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.fields import NumberField
from shared.i18n import lazy_gettext
from shared.models import AGENCY_KIND_LABELS, DOCUMENT_KIND_LABELS, EXEMPLARY_KIND_LABELS, LEVEL_LABELS, STEERING_ROLE_LABELS
from shared.validation import MAX_MONEY


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
    assessment = TextAreaField(lazy_gettext("Đánh giá chung"))
    shortcomings = TextAreaField(lazy_gettext("Hạn chế, khuyết điểm và nguyên nhân"))
    lessons = TextAreaField(lazy_gettext("Bài học kinh nghiệm"))
    proposals = TextAreaField(lazy_gettext("Đề xuất, kiến nghị"))


class ScanForm(FlaskForm):
    file = FileField(lazy_gettext("Bản scan có chữ ký, đóng dấu (PDF)"))


class ReturnForm(VersionForm):
    reason = TextAreaField(lazy_gettext("Lý do yêu cầu chỉnh sửa"))


class DecisionForm(VersionForm):
    decision_number = StringField(lazy_gettext("Số quyết định"))
    decision_date = StringField(lazy_gettext("Ngày quyết định"))


class MemberForm(FlaskForm):
    full_name = StringField(lazy_gettext("Họ và tên"))
    title = StringField(lazy_gettext("Chức vụ"))
    agency = StringField(lazy_gettext("Cơ quan"))
    agency_kind = SelectField(lazy_gettext("Khối"), choices=choices(AGENCY_KIND_LABELS))
    role = SelectField(lazy_gettext("Vai trò trong Ban Chỉ đạo"), choices=choices(STEERING_ROLE_LABELS), default="member")


class WorkForm(FlaskForm):
    name = StringField(lazy_gettext("Tên công trình, sản phẩm"))
    value_vnd = NumberField(lazy_gettext("Giá trị (đồng)"), validators=[Optional()], maximum=MAX_MONEY, signed=True)
    completed_on = StringField(lazy_gettext("Ngày hoàn thành"))


class ExemplaryForm(FlaskForm):
    kind = SelectField(lazy_gettext("Cá nhân / tập thể"), choices=choices(EXEMPLARY_KIND_LABELS))
    name = StringField(lazy_gettext("Tên cá nhân, tập thể"))
    achievement = TextAreaField(lazy_gettext("Thành tích"))
    commendation = StringField(lazy_gettext("Hình thức khen thưởng"))


class DocumentForm(FlaskForm):
    kind = SelectField(lazy_gettext("Loại"), choices=choices(DOCUMENT_KIND_LABELS))
    title = StringField(lazy_gettext("Tiêu đề"))
    body = TextAreaField(lazy_gettext("Nội dung / tóm tắt"))
    file = FileField(lazy_gettext("Tệp đính kèm (PDF, DOCX, XLSX)"))
    levels = SelectMultipleField(lazy_gettext("Gửi đến cấp (để trống: mọi cấp)"), choices=choices(LEVEL_LABELS))
    targets = SelectMultipleField(lazy_gettext("Gửi đến đơn vị và các đơn vị trực thuộc (để trống: toàn bộ phạm vi)"), coerce=int, choices=[])
    ack_by = StringField(lazy_gettext("Hạn xác nhận đã đọc (không bắt buộc)"))
