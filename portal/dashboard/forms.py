"""Forms of the dashboard: the status of a recommendation."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from shared.dashboard import REC_STATUS_LABELS


class RecommendationForm(FlaskForm):
    status = SelectField("Tình trạng giải quyết", choices=[SelectChoice(k, v) for k, v in REC_STATUS_LABELS.items()])
    resolution_note = TextAreaField(
        "Kết quả giải quyết", validators=[Length(max=2000, message="Không được dài quá 2000 ký tự.")]
    )
    version = HiddenField()
