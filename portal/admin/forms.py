"""Forms of the administration pages: units, accounts, campaigns, import, own password."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.fields import DateField, NumberField
from shared.i18n import _, lazy_gettext
from shared.models import ROLE_LABELS, SECTOR_LABELS


class UnitForm(FlaskForm):
    code = StringField(lazy_gettext("Mã đơn vị"), validators=[DataRequired(lazy_gettext("Hãy nhập mã đơn vị.")), Length(max=40)])
    name = StringField(lazy_gettext("Tên đơn vị"), validators=[DataRequired(lazy_gettext("Hãy nhập tên đơn vị.")), Length(max=255)])
    sector = SelectField(lazy_gettext("Khu vực"), choices=list(SECTOR_LABELS.items()))
    members_count = NumberField(lazy_gettext("Số đoàn viên"), default=0, signed=True, validators=[Optional(), NumberRange(min=0, message=lazy_gettext("Không được âm."))])
    contact_email = StringField(lazy_gettext("Email người liên hệ"), validators=[Optional(), Length(max=255)])
    contact_phone = StringField(lazy_gettext("Điện thoại người liên hệ"), validators=[Optional(), Length(max=40)])


class MoveForm(FlaskForm):
    parent = SelectField(lazy_gettext("Đơn vị cấp trên mới"), coerce=int, validate_choice=False)


class ConfirmForm(FlaskForm):
    """Buttons that change state (deactivate, reset, close) carry only the CSRF token."""


class UserForm(FlaskForm):
    username = StringField(lazy_gettext("Tên đăng nhập"), validators=[Length(max=80)])
    full_name = StringField(lazy_gettext("Họ và tên"), validators=[Length(max=200)])
    email = StringField("Email", validators=[Optional(), Length(max=255)])
    # Any role passes the form: the domain answers 403 for a role the administrator may not give.
    role = SelectField(lazy_gettext("Vai trò"), choices=list(ROLE_LABELS.items()), validate_choice=False)
    unit_code = StringField(lazy_gettext("Mã đơn vị"), validators=[DataRequired(lazy_gettext("Hãy nhập mã đơn vị của tài khoản.")), Length(max=40)])


def _number(low: int, high: int) -> list:
    """The same bounds as shared.admin.CAMPAIGN_NUMBERS, so that every error shows at once."""
    return [InputRequired(lazy_gettext("Hãy nhập số.")), NumberRange(min=low, max=high, message=lazy_gettext("Từ %(low)s đến %(high)s.", low=low, high=high))]


class CampaignForm(FlaskForm):
    name = StringField(lazy_gettext("Tên đợt đại hội"), validators=[DataRequired(lazy_gettext("Hãy nhập tên.")), Length(max=200)])
    term = StringField(lazy_gettext("Nhiệm kỳ"), validators=[DataRequired(lazy_gettext("Hãy nhập nhiệm kỳ, ví dụ 2028-2033.")), Length(max=20)])
    start_date = DateField(lazy_gettext("Ngày bắt đầu"))
    pilot_until_grassroots = DateField(lazy_gettext("Đại hội điểm cấp cơ sở đến ngày"))
    pilot_until_district = DateField(lazy_gettext("Đại hội điểm cấp huyện đến ngày"))
    pilots_by_level_above = BooleanField(lazy_gettext("Cấp trên trực tiếp chọn đại hội điểm cấp cơ sở"))
    deadline_grassroots = DateField(lazy_gettext("Hạn chót cấp cơ sở"))
    deadline_district = DateField(lazy_gettext("Hạn chót cấp huyện và tương đương"))
    deadline_province = DateField(lazy_gettext("Hạn chót cấp tỉnh"))
    members_threshold = NumberField(lazy_gettext("Ngưỡng đoàn viên tổ chức đại hội đại biểu"), validators=_number(1, 100_000))
    youth_age = NumberField(lazy_gettext("Tuổi trẻ (dưới)"), validators=_number(18, 60))
    target_women_pct = NumberField(lazy_gettext("Chỉ tiêu nữ trong BCH (%)"), validators=_number(0, 100))
    target_young_pct = NumberField(lazy_gettext("Chỉ tiêu trẻ trong BCH (%)"), validators=_number(0, 100))
    target_party_pct = NumberField(lazy_gettext("Chỉ tiêu đảng viên trong BCH (%)"), validators=_number(0, 100))

    def data_for_domain(self) -> dict:
        return {name: self[name].data for name in (
            "name", "term", "start_date", "pilot_until_grassroots", "pilot_until_district", "deadline_grassroots",
            "deadline_district", "deadline_province", "pilots_by_level_above", "members_threshold", "youth_age", "target_women_pct", "target_young_pct",
            "target_party_pct")}


IMPORT_MODES = [
    ("dry_run", lazy_gettext("Chỉ kiểm tra, chưa ghi gì")),
    ("all", lazy_gettext("Nhập nếu cả tệp hợp lệ (có lỗi thì không nhập dòng nào)")),
    ("valid_only", lazy_gettext("Chỉ nhập các dòng hợp lệ, bỏ qua dòng có lỗi")),
]


class ImportForm(FlaskForm):
    file = FileField(lazy_gettext("Tệp Excel (.xlsx) hoặc CSV"), validators=[
        FileRequired(lazy_gettext("Hãy chọn tệp.")),
        FileAllowed(["xlsx", "csv"], lazy_gettext("Chỉ nhận tệp .xlsx hoặc .csv.")),
    ])
    mode = RadioField(lazy_gettext("Cách nhập"), choices=IMPORT_MODES, default="dry_run")
    deactivate_missing = BooleanField(lazy_gettext("Ngừng hoạt động các đơn vị trong phạm vi không có trong tệp"))
    # Choices (the campaigns, newest open first) are set by the view; "" = no check against a campaign.
    campaign = SelectField(lazy_gettext("Đối chiếu với đợt đại hội"), choices=[], default="", validate_choice=False)

    def validate_campaign(self, field):
        if field.data not in {key for key, _label in field.choices}:
            raise ValidationError(_("Hãy chọn một đợt đại hội trong danh sách."))


class PasswordForm(FlaskForm):
    current = PasswordField(lazy_gettext("Mật khẩu hiện tại"), validators=[DataRequired(lazy_gettext("Hãy nhập mật khẩu hiện tại.")), Length(max=200)])
    password = PasswordField(lazy_gettext("Mật khẩu mới"), validators=[DataRequired(lazy_gettext("Hãy nhập mật khẩu mới.")), Length(max=200)])
    confirm = PasswordField(lazy_gettext("Nhập lại mật khẩu mới"), validators=[DataRequired(lazy_gettext("Hãy nhập lại mật khẩu mới."))])

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_("Không khớp với mật khẩu mới."))
