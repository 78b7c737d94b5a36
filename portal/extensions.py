"""Flask extensions, created unbound and attached in create_app."""
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from shared.i18n import N_, gettext

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
login_manager.localize_callback = gettext  # translated when flashed, in the request's language
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
