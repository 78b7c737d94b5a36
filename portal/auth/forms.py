from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from shared.i18n import lazy_gettext


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Tên đăng nhập"), validators=[DataRequired(lazy_gettext("Hãy nhập tên đăng nhập.")), Length(max=80)])
    password = PasswordField(lazy_gettext("Mật khẩu"), validators=[DataRequired(lazy_gettext("Hãy nhập mật khẩu.")), Length(max=200)])
