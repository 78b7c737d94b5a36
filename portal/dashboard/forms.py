"""Forms of the dashboard: the status of a recommendation."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from shared.dashboard import REC_STATUS_LABELS
from shared.i18n import lazy_gettext


class RecommendationForm(FlaskForm):
    status = SelectField(lazy_gettext("Tình trạng giải quyết"), choices=[SelectChoice(k, v) for k, v in REC_STATUS_LABELS.items()])
    resolution_note = TextAreaField(
        lazy_gettext("Kết quả giải quyết"),
        validators=[Length(max=2000, message=lazy_gettext("Không được dài quá 2000 ký tự."))],
    )
    version = HiddenField()
