"""Forms of the recommendations pages: routing (one or many), an answer, the register, an addressee account."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.fields import DateField
from shared.answers import ADDRESSEE_KIND_LABELS, ANSWER_MAX, ANSWER_STATUSES, NAME_MAX, NUMBER_MAX, REC_STATUS_LABELS
from shared.i18n import lazy_gettext


class RouteForm(FlaskForm):
    # Any id passes the form: shared.answers scopes the body (404 outside the user's line of the tree).
    addressee_id = SelectField(lazy_gettext("Cơ quan trả lời"), validate_choice=False)
    due_date = DateField(lazy_gettext("Hạn trả lời"))
    version = HiddenField()


class AnswerForm(FlaskForm):
    status = SelectField(lazy_gettext("Tình trạng giải quyết"),
                         choices=[SelectChoice(k, REC_STATUS_LABELS[k]) for k in ANSWER_STATUSES])
    answer_text = TextAreaField(lazy_gettext("Nội dung trả lời"), validators=[Length(max=ANSWER_MAX)])
    answered_on = DateField(lazy_gettext("Ngày trả lời"))
    answer_number = StringField(lazy_gettext("Số văn bản trả lời"), validators=[Optional(), Length(max=NUMBER_MAX)])
    version = HiddenField()


class AddresseeForm(FlaskForm):
    name = StringField(lazy_gettext("Tên cơ quan"), validators=[Length(max=NAME_MAX)])
    kind = SelectField(lazy_gettext("Loại cơ quan"), choices=[SelectChoice(k, v) for k, v in ADDRESSEE_KIND_LABELS.items()],
                       validate_choice=False)
    unit_id = SelectField(lazy_gettext("Thuộc địa bàn"), validate_choice=False)
    active = BooleanField(lazy_gettext("Đang theo dõi"), default=True)


class AccountForm(FlaskForm):
    username = StringField(lazy_gettext("Tên đăng nhập"), validators=[Length(max=80)])
    full_name = StringField(lazy_gettext("Họ và tên"), validators=[Length(max=200)])
    email = StringField("Email", validators=[Optional(), Length(max=255)])
