"""Recommendations routed and answered: the list (an addressee's own, or a router's scope with bulk routing),
one recommendation (routing, answer, history), the register of addressee bodies with their accounts, the
list forwarded to a body (XLSX, DOCX letter) and the per-addressee counts of the dashboard. Every rule and
every scope is shared.answers'."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, send_file, url_for
from jinja2_fragments.flask import render_block
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal import db
from portal.access import me, visible_unit_or_404
from portal.actions import attempt, run
from portal.campaigns import all_campaigns, selected_as_of, selected_campaign
from portal.recs.forms import AccountForm, AddresseeForm, AnswerForm, RouteForm
from portal.filters import query_args
from shared import answers, forwarding
from shared.dashboard import DASHBOARD_ROLES
from shared.errors import Conflict
from shared.i18n import _
from shared.models import Unit
from shared.text import clean_text, parse_id
from shared.units import in_subtree

bp = Blueprint("recs", __name__, url_prefix="/recommendations", template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50
# Pages of the routers' side (the register is read by them and kept by its managers: checked in the views).
ROUTER_PAGES = {"recs.route_many", "recs.route_one", "recs.register", "recs.addressee_new", "recs.addressee_edit",
                "recs.account_new"}


@bp.before_request
def _who():
    user = me()
    if request.endpoint == "recs.by_addressee":
        if user.role not in DASHBOARD_ROLES:
            abort(403)
    elif not answers.can_use(user) or (request.endpoint in ROUTER_PAGES and not answers.can_route(user)):
        abort(403)


def _page() -> int:
    return max(1, request.args.get("page", 1, type=parse_id) or 1)


def _filters(campaign) -> answers.ListFilters:
    try:
        q = clean_text(request.args.get("q"), 100)
    except ValueError:
        q = ""
    state = request.args.get("state", "")
    topic = request.args.get("topic", "")
    return answers.ListFilters(
        campaign_id=campaign.id, addressee_id=parse_id(request.args.get("addressee", "")),
        state=state if state in answers.ANSWER_STATE_LABELS else None,
        topic=topic if topic in answers.TOPIC_LABELS else None, q=q,
    )


def _route_form(user) -> RouteForm:
    form = RouteForm()
    bodies = db.session().scalars(answers.addressees_visible_to(user, active_only=True)).all()
    form.addressee_id.choices = [SelectChoice("", _("— chọn cơ quan —"))] + [SelectChoice(str(b.id), b.name) for b in bodies]
    if request.method == "GET" and form.due_date.data is None:
        form.due_date.data = answers.due_date_default()
    return form


# ---- the list ---------------------------------------------------------------------------------------


def _list_page(form: RouteForm | None = None, error: str | None = None, status: int = 200):
    session = db.session()
    user = me()
    campaign = selected_campaign()
    filters = _filters(campaign)
    rows, total = answers.recommendation_page(session, user, filters, _page(), PAGE_SIZE)
    can_route = answers.can_route(user)
    context = dict(
        campaign=campaign, campaigns=all_campaigns(), rows=rows, total=total, filters=filters, page=_page(),
        page_size=PAGE_SIZE, args=query_args, answers=answers, can_route=can_route,
        bodies=session.scalars(answers.addressees_visible_to(user)).all(),
        form=form or (_route_form(user) if can_route else None), error=error, selected=set(request.form.getlist("ids")),
    )
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "rec-list":
        return render_block("recs/index.html", "rec_list", **context), status
    return render_template("recs/index.html", **context), status


@bp.get("")
def index():
    return _list_page()


@bp.post("/route")
def route_many():
    """Bulk routing: the ticked recommendations to one body with one due date (all or none)."""
    user = me()
    form = _route_form(user)
    if form.validate_on_submit():
        ids = request.form.getlist("ids")
        result, error = attempt(form, answers.route, db.session(), user, ids, addressee_id=form.addressee_id.data,
                                due_date=form.due_date.data)
        if result is not None:
            db.commit()
            flash(_("Đã chuyển %(n)s kiến nghị.", n=len(result)), "success")
            return redirect(url_for("recs.index", **query_args()), code=303)
        return _list_page(form, error, 422)
    return _list_page(form, _("Chưa chuyển được kiến nghị; hãy xem các lỗi bên dưới."), 422)


# ---- one recommendation -------------------------------------------------------------------------------


def _rec_or_404(rec_id: int):
    rec = answers.get_visible_recommendation(db.session(), me(), rec_id)
    if rec is None:
        abort(404)
    return rec


def _show(rec, *, route_form=None, answer_form=None, error=None, status=200):
    user = me()
    session = db.session()
    if route_form is None and answers.can_route(user):
        route_form = _route_form(user)
        route_form.version.data = rec.version
        if rec.addressee_id and request.method == "GET":
            route_form.addressee_id.data = str(rec.addressee_id)
            route_form.due_date.data = rec.due_date or route_form.due_date.data
    if answer_form is None and answers.can_answer(user, rec) and rec.addressee_id is not None:
        answer_form = AnswerForm(obj=rec if rec.answered_on else None)
        if rec.status not in answers.ANSWER_STATUSES:
            answer_form.status.data = "in_progress"
        answer_form.version.data = rec.version
    return render_template(
        "recs/show.html", rec=rec, unit=session.get(Unit, rec.unit_id), answers=answers,
        history=answers.history(session, rec), route_form=route_form, answer_form=answer_form, error=error,
        state=answers.answer_state(rec),
    ), status


@bp.get("/<int:rec_id>")
def show(rec_id: int):
    return _show(_rec_or_404(rec_id))


@bp.post("/<int:rec_id>/route")
def route_one(rec_id: int):
    rec = _rec_or_404(rec_id)
    user = me()
    form = _route_form(user)
    if form.validate_on_submit():
        result, refusal = run(answers.route, db.session(), user, [rec.id], addressee_id=form.addressee_id.data,
                              due_date=form.due_date.data, expected_version=form.version.data, form=form)
        if result is not None:
            db.commit()
            flash(_("Đã chuyển kiến nghị đến %(body)s.", body=rec.addressee.name), "success")
            return redirect(url_for("recs.show", rec_id=rec.id), code=303)
        rec = _rec_or_404(rec_id)
        form.version.data = rec.version
        return _show(rec, route_form=form, error=refusal.message, status=409 if isinstance(refusal, Conflict) else 422)
    return _show(rec, route_form=form, status=422)


@bp.post("/<int:rec_id>/answer")
def answer(rec_id: int):
    rec = _rec_or_404(rec_id)
    user = me()
    if not answers.can_answer(user, rec):
        abort(403)
    form = AnswerForm()
    if form.validate_on_submit():
        result, refusal = run(answers.answer, db.session(), user, rec, status=form.status.data,
                              text=form.answer_text.data, answered_on=form.answered_on.data,
                              number=form.answer_number.data, expected_version=form.version.data, form=form)
        if refusal is None:
            db.commit()
            flash(_("Đã ghi nhận trả lời kiến nghị."), "success")
            return redirect(url_for("recs.show", rec_id=rec.id), code=303)
        rec = _rec_or_404(rec_id)
        form.version.data = rec.version if isinstance(refusal, Conflict) else form.version.data
        return _show(rec, answer_form=form, error=refusal.message, status=409 if isinstance(refusal, Conflict) else 422)
    return _show(rec, answer_form=form, status=422)


# ---- the register ---------------------------------------------------------------------------------


def _unit_choices(user) -> list[tuple[str, str]]:
    """The province and the district-level units of the user's subtree: where a body can sit."""
    units = db.session().execute(
        select(Unit.id, Unit.name)
        .where(in_subtree(user.unit.path), Unit.level != "grassroots", Unit.active.is_(True)).order_by(Unit.path)
    ).all()
    return [SelectChoice(str(i), name) for i, name in units]


def _register_page(form=None, error=None, status=200):
    user = me()
    session = db.session()
    if form is None and answers.can_manage_register(user):
        form = AddresseeForm()
        form.unit_id.choices = _unit_choices(user)
    campaign = selected_campaign()
    counts = {c.addressee.id: c for c in answers.addressee_counts(session, campaign, user.unit, user=user)}
    return render_template("recs/register.html", rows=answers.register(session, user), form=form, error=error,
                           answers=answers, campaign=campaign, counts=counts), status


@bp.get("/addressees")
def register():
    return _register_page()


@bp.post("/addressees")
def addressee_new():
    user = me()
    if not answers.can_manage_register(user):
        abort(403)
    form = AddresseeForm()
    form.unit_id.choices = _unit_choices(user)
    if form.validate_on_submit():
        unit_id = parse_id(form.unit_id.data or "")
        unit = visible_unit_or_404(unit_id) if unit_id else None
        result, error = attempt(form, answers.create_addressee, db.session(), user, name=form.name.data,
                                kind=form.kind.data, unit=unit)
        if result is not None:
            db.commit()
            flash(_("Đã thêm %(name)s.", name=result.name), "success")
            return redirect(url_for("recs.register"), code=303)
        return _register_page(form, error, 422)
    return _register_page(form, None, 422)


def _body_or_404(addressee_id: int):
    body = answers.get_visible_addressee(db.session(), me(), addressee_id)
    if body is None:
        abort(404)
    return body


def _body_page(body, form=None, account_form=None, error=None, status=200, created=None):
    user = me()
    if form is None and answers.can_manage_register(user):
        form = AddresseeForm(obj=body)
    if account_form is None and user.role in answers.ACCOUNT_MAKERS:
        account_form = AccountForm()
    response = make_response(render_template(
        "recs/addressee.html", body=body, form=form, account_form=account_form, error=error, created=created,
        accounts=answers.accounts_of(db.session(), body), answers=answers, campaign=selected_campaign(),
    ), status)
    if created:  # a one-time password is on the page: never kept by a cache
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/addressees/<int:addressee_id>", methods=["GET", "POST"])
def addressee_edit(addressee_id: int):
    body = _body_or_404(addressee_id)
    user = me()
    if request.method == "GET":
        return _body_page(body)
    if not answers.can_manage_register(user):
        abort(403)
    form = AddresseeForm()
    if form.validate_on_submit():
        result, error = attempt(form, answers.update_addressee, db.session(), user, body, name=form.name.data,
                                kind=form.kind.data, active=form.active.data)
        if result is not None:
            db.commit()
            flash(_("Đã lưu %(name)s.", name=result.name), "success")
            return redirect(url_for("recs.addressee_edit", addressee_id=body.id), code=303)
        return _body_page(_body_or_404(addressee_id), form=form, error=error, status=422)
    return _body_page(body, form=form, status=422)


@bp.post("/addressees/<int:addressee_id>/accounts")
def account_new(addressee_id: int):
    body = _body_or_404(addressee_id)
    user = me()
    if user.role not in answers.ACCOUNT_MAKERS:
        abort(403)
    form = AccountForm()
    if form.validate_on_submit():
        result, error = attempt(form, answers.create_addressee_account, db.session(), user, body,
                                username=form.username.data, full_name=form.full_name.data, email=form.email.data,
                                ip=request.remote_addr)
        if result is not None:
            account, password = result
            db.commit()
            return _body_page(body, created=(account, password))
        return _body_page(_body_or_404(addressee_id), account_form=form, error=error, status=422)
    return _body_page(body, account_form=form, status=422)


# ---- the list forwarded to a body ------------------------------------------------------------------


def _forward_args(addressee_id: int):
    body = _body_or_404(addressee_id)
    campaign = selected_campaign()
    rows = answers.forward_list(db.session(), me(), campaign, body)
    return body, campaign, rows


def _forward_name(body, campaign, ext: str) -> str:
    return f"kien-nghi-{campaign.term}-{body.id}.{ext}"


@bp.get("/addressees/<int:addressee_id>/list.xlsx")
def forward_xlsx(addressee_id: int):
    body, campaign, rows = _forward_args(addressee_id)
    out = io.BytesIO(forwarding.xlsx_bytes(campaign, body, rows))
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=_forward_name(body, campaign, "xlsx"))


@bp.get("/addressees/<int:addressee_id>/letter.docx")
def forward_docx(addressee_id: int):
    body, campaign, rows = _forward_args(addressee_id)
    sender = me().unit if not answers.is_addressee(me()) else body.unit
    out = io.BytesIO(forwarding.docx_bytes(db.session(), campaign, body, rows, sender=sender,
                                           party=me().role == "coordinator"))
    return send_file(out, mimetype=DOCX, as_attachment=True, download_name=_forward_name(body, campaign, "docx"))


# ---- the dashboard's per-addressee panel -------------------------------------------------------------


@bp.get("/by-addressee")
def by_addressee():
    """Per addressee: received, answered, overdue as of a day, for a scope (the dashboard includes its block)."""
    campaign = selected_campaign()
    as_of, date_error = selected_as_of()
    raw = request.args.get("unit", "").strip()
    scope = me().unit
    if raw:
        unit_id = parse_id(raw)
        if unit_id is None:
            abort(404)
        scope = visible_unit_or_404(unit_id)
    rows = answers.addressee_counts(db.session(), campaign, scope, as_of)
    context = dict(campaign=campaign, campaigns=all_campaigns(), as_of=as_of, date_error=date_error, scope=scope,
                   rows=rows)
    if request.headers.get("HX-Request"):
        return render_block("recs/by_addressee.html", "panel", **context)
    return render_template("recs/by_addressee.html", **context)
