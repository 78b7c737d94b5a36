"""Account administration within the administrator's subtree and the roles it may give."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, select

from portal import db
from portal.access import me
from portal.actions import attempt
from portal.admin import bp, ip, no_store
from portal.admin.forms import ConfirmForm, UserForm
from shared import accounts
from shared.i18n import N_, _
from shared.models import ROLE_LABELS, Unit, User
from shared.text import nfc, parse_id

PAGE = 50


def _user_or_404(user_id: int) -> User:
    user = accounts.get_visible_user(db.session(), me(), user_id)
    if user is None:
        abort(404)
    return user


def _unit_for(form: UserForm) -> Unit | None:
    """The unit typed by code, looked up within the administrator's scope only."""
    code = (nfc(form.unit_code.data) or "").upper()
    unit = db.session().scalar(select(Unit).where(Unit.code == code))
    if unit is None or not unit.path.startswith(me().unit.path):
        form.unit_code.errors = [*form.unit_code.errors, _("Không có đơn vị mã “%(code)s” trong phạm vi của bạn.", code=code)]
        return None
    return unit


def _role_choices() -> list[tuple[str, str]]:
    allowed = accounts.ASSIGNABLE_ROLES.get(me().role, ())
    return [(k, v) for k, v in ROLE_LABELS.items() if k in allowed]


@bp.get("/users")
def users():
    actor = me()
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role") or ""
    page = max(1, request.args.get("page", 1, type=parse_id) or 1)
    stmt = accounts.users_matching(actor, q, role)
    session = db.session()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).with_only_columns(User.id).subquery()))
    rows = list(session.scalars(stmt.limit(PAGE).offset((page - 1) * PAGE)))
    return render_template("admin/users.html", users=rows, total=total, q=q, role=role, page=page, page_size=PAGE,
                           confirm=ConfirmForm(), manageable=accounts.ASSIGNABLE_ROLES.get(actor.role, ()))


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    form.role.choices = _role_choices()
    if request.method == "GET" and request.args.get("unit"):
        form.unit_code.data = request.args["unit"]
    error = None
    if form.validate_on_submit():
        unit = _unit_for(form)
        if unit is not None:
            result, error = attempt(form, accounts.create_user, db.session(), me(), username=form.username.data,
                                    role=form.role.data, unit=unit, full_name=form.full_name.data,
                                    email=form.email.data, ip=ip())
            if result is not None:
                user, password = result
                db.commit()
                return no_store(make_response(render_template(
                    "admin/user_password.html", user=user, password=password, created=True)))
    status = 422 if form.errors or error else 200
    return render_template("admin/user_form.html", form=form, user=None, error=error), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    _allowed, refused = attempt(None, accounts.require_can_manage, me(), user)
    form = UserForm(obj=user, unit_code=user.unit.code)
    form.role.choices = _role_choices()
    error = refused
    if form.validate_on_submit():
        unit = _unit_for(form)
        if unit is not None:
            _saved, error = attempt(form, accounts.update_user, db.session(), me(), user, role=form.role.data, unit=unit,
                               full_name=form.full_name.data, email=form.email.data, ip=ip())
            if error is None:
                db.commit()
                flash(_("Đã lưu tài khoản %(user)s.", user=user.username), "success")
                return redirect(url_for("admin.users"), 303)
    status = 422 if form.errors or error else 200
    return render_template("admin/user_form.html", form=form, user=user, error=error, confirm=ConfirmForm()), status


def _act(user_id: int, call, *args, done: str):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    result, error = attempt(None, call, db.session(), me(), user, *args, ip=ip())
    if error:
        flash(error, "error")
        return redirect(url_for("admin.user_edit", user_id=user_id), 303)
    db.commit()
    flash(_(done, user=user.username), "success")
    return result


@bp.post("/users/<int:user_id>/deactivate")
def user_deactivate(user_id: int):
    _act(user_id, accounts.set_user_active, False, done=N_("Đã khóa tài khoản %(user)s; mọi phiên đăng nhập của tài khoản đã kết thúc."))
    return redirect(url_for("admin.user_edit", user_id=user_id), 303)


@bp.post("/users/<int:user_id>/activate")
def user_activate(user_id: int):
    _act(user_id, accounts.set_user_active, True, done=N_("Đã mở khóa tài khoản %(user)s."))
    return redirect(url_for("admin.user_edit", user_id=user_id), 303)


@bp.post("/users/<int:user_id>/force-password-change")
def user_force_password_change(user_id: int):
    _act(user_id, accounts.force_password_change, done=N_("Tài khoản %(user)s phải đổi mật khẩu ở lần đăng nhập tới."))
    return redirect(url_for("admin.user_edit", user_id=user_id), 303)


@bp.post("/users/<int:user_id>/reset-password")
def user_reset_password(user_id: int):
    result = _act(user_id, accounts.reset_password, done=N_("Đã đặt lại mật khẩu cho %(user)s."))
    if not isinstance(result, str):
        return result
    return no_store(make_response(render_template(
        "admin/user_password.html", user=_user_or_404(user_id), password=result, created=False)))
