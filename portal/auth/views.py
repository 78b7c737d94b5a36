"""Login and logout."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from portal import db
from portal.access import SessionUser
from portal.auth.forms import LoginForm
from portal.security import record_failed_credentials, safe_next
from shared import audit, clock
from shared.accounts import end_sessions
from shared.i18n import _
from shared.models import User
from shared.security import verify_password
from shared.text import nfc

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        username = (nfc(form.username.data) or "").lower()
        user = db.session().scalar(select(User).where(User.username == username))
        # Verify even for an unknown user, so that response time does not reveal usernames.
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if user is not None and user.active and password_ok:
            chosen_language = session.get("locale")
            session.clear()  # a fresh session on login: nothing carried over from before
            if chosen_language:  # switched on the login page: that is this user's choice from now on
                user.locale = chosen_language
            login_user(SessionUser(user))
            user.last_login_at = clock.now()
            audit.record(db.session(), user, "auth.login", "user", user.id, unit_id=user.unit_id, ip=request.remote_addr)
            db.commit()
            return redirect(safe_next(request.args.get("next")))
        record_failed_credentials()
        error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    status = 401 if error else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    user = current_user.user
    # The session cookie is signed, not stored: bumping session_version is what makes a copy
    # of it (kept by the browser, a proxy or a thief) useless after logout.
    end_sessions(db.session(), user)
    audit.record(db.session(), user, "auth.logout", "user", user.id, unit_id=user.unit_id, ip=request.remote_addr)
    db.commit()
    logout_user()
    session.clear()
    session["locale"] = user.locale  # the login page stays in the user's language
    flash(_("Bạn đã đăng xuất."), "info")
    response = redirect(url_for("auth.login"))
    # Drafts a form kept in this browser while offline (js/autosave.js) do not outlive the session.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response
