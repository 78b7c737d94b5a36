"""Every user's own account: change the password (forced after a one-time password). A wrong current password
counts against the same failure limits as a wrong password at login (portal.security)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from portal import db
from portal.access import SessionUser, me
from portal.actions import attempt
from portal.admin import ip
from portal.admin.forms import PasswordForm
from portal.security import record_failed_credentials
from shared import accounts
from shared.i18n import _

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")

# What a user who must change the password may still reach.
ALLOWED_WHILE_FORCED = {"account.password", "auth.logout", "i18n.switch", "auth.login", "static", "assets.htmx"}


@bp.before_app_request
def _force_password_change():
    if request.endpoint in ALLOWED_WHILE_FORCED or request.endpoint is None or request.path.startswith("/api/"):
        return None  # the JSON API answers for itself; only pages are redirected
    if current_user.is_authenticated and current_user.must_change_password:
        target = url_for("account.password")
        if request.headers.get("HX-Request"):  # a partial swap must not land the form inside a fragment
            return Response(status=204, headers={"HX-Redirect": target})
        flash(_("Bạn cần đổi mật khẩu trước khi tiếp tục."), "warning")
        return redirect(target)
    return None


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        user = me()
        _changed, error = attempt(form, accounts.change_own_password, db.session(), user, current=form.current.data,
                           new=form.password.data, confirm=form.confirm.data, ip=ip())
        if form.current.errors:  # the only error change_own_password puts there: a wrong current password
            record_failed_credentials()
        if error is None:
            db.commit()
            # The bumped session_version ends every other session; this one carries the new version.
            login_user(SessionUser(user))
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."), "success")
            return redirect(url_for("home.index"), 303)
    status = 422 if form.errors or error else 200
    return render_template("account/password.html", form=form, error=error,
                           forced=current_user.must_change_password), status
