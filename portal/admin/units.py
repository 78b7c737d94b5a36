"""Unit tree administration: browse and search, create, edit, move, deactivate."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from jinja2_fragments.flask import render_block
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal import db
from portal.access import me, visible_unit_or_404
from portal.actions import attempt
from portal.admin import bp, ip
from portal.admin.forms import ConfirmForm, MoveForm, UnitForm
from shared import admin as unit_admin
from shared.i18n import _
from shared.models import Unit
from shared.units import ancestors, in_subtree, is_within, search_filter, units_visible_to
from shared.text import parse_id

PAGE = 50


def _child_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session().execute(
        select(Unit.parent_id, func.count(Unit.id)).where(Unit.parent_id.in_(ids)).group_by(Unit.parent_id)
    )
    return dict(rows.all())


def _children_page(parent: Unit, page: int) -> tuple[list[Unit], int]:
    session = db.session()
    total = session.scalar(select(func.count(Unit.id)).where(Unit.parent_id == parent.id))
    children = list(session.scalars(
        select(Unit).where(Unit.parent_id == parent.id)
        .order_by(Unit.active.desc(), Unit.name_sort, Unit.id).limit(PAGE).offset((page - 1) * PAGE)
    ))
    return children, total


def _page() -> int:
    return max(1, request.args.get("page", 1, type=parse_id) or 1)


@bp.get("/")
def index():
    return render_template("admin/index.html")


@bp.get("/units")
def units():
    user = me()
    session = db.session()
    q = (request.args.get("q") or "").strip()
    page = _page()
    raw_node = request.args.get("unit", type=parse_id)
    node = visible_unit_or_404(raw_node) if raw_node else user.unit
    context = dict(q=q, page=page, page_size=PAGE, node=node, confirm=ConfirmForm())
    if q:
        parent = aliased(Unit)
        stmt = units_visible_to(user).where(search_filter(q, session, user.unit.path))
        context["total"] = session.scalar(select(func.count()).select_from(stmt.subquery()))
        context["results"] = session.execute(
            stmt.add_columns(parent.name).outerjoin(parent, parent.id == Unit.parent_id)
            .order_by(Unit.name_sort, Unit.id).limit(PAGE).offset((page - 1) * PAGE)
        ).all()
    else:
        children, total = _children_page(node, page)
        context.update(children=children, total=total, counts=_child_counts([c.id for c in children]),
                       breadcrumbs=[a for a in ancestors(session, node) if is_within(a, user.unit)])
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "unit-list":
        return render_block("admin/units.html", "unit_list", **context)
    return render_template("admin/units.html", **context)


@bp.get("/units/<int:unit_id>/children")
def unit_children(unit_id: int):
    """One level of the tree, for a node expanded in place (htmx) or opened as a page."""
    node = visible_unit_or_404(unit_id)
    children, total = _children_page(node, _page())
    return render_template("admin/_unit_children.html", node=node, children=children, total=total,
                           counts=_child_counts([c.id for c in children]), page=_page(), page_size=PAGE)


@bp.route("/units/<int:parent_id>/new", methods=["GET", "POST"])
def unit_new(parent_id: int):
    parent = visible_unit_or_404(parent_id)
    if parent.level not in unit_admin.CHILD_LEVEL:
        abort(404)
    form = UnitForm()
    error = None
    if form.validate_on_submit():
        unit, error = attempt(form, unit_admin.create_child_unit, db.session(), me(), parent, form.data, ip=ip())
        if unit is not None:
            db.commit()
            flash(_("Đã tạo đơn vị %(name)s.", name=unit.name), "success")
            return redirect(url_for("admin.units", unit=parent.id), 303)
    status = 422 if form.errors or error else 200
    return render_template("admin/unit_form.html", form=form, parent=parent, unit=None, error=error,
                           level=unit_admin.CHILD_LEVEL[parent.level]), status


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    form = UnitForm(obj=unit)
    error = None
    if form.validate_on_submit():
        changes, error = attempt(form, unit_admin.update_unit, db.session(), me(), unit, form.data, ip=ip())
        if error is None:
            db.commit()
            flash(_("Đã lưu thông tin đơn vị.") if changes else _("Không có thay đổi."), "success")
            return redirect(url_for("admin.units", unit=unit.parent_id or unit.id), 303)
    status = 422 if form.errors or error else 200
    return render_template("admin/unit_form.html", form=form, parent=unit.parent, unit=unit, error=error,
                           level=unit.level, confirm=ConfirmForm()), status


def _move_choices(unit: Unit) -> list[tuple[int, str]]:
    wanted = unit_admin.PARENT_LEVEL.get(unit.level)
    if wanted is None:
        return []
    rows = db.session().execute(
        select(Unit.id, Unit.code, Unit.name).where(
            in_subtree(me().unit.path), Unit.level == wanted, Unit.active.is_(True), Unit.id != unit.parent_id,
        ).order_by(Unit.name_sort).limit(1000)
    )
    return [(r.id, f"{r.name} ({r.code})") for r in rows]


@bp.route("/units/<int:unit_id>/move", methods=["GET", "POST"])
def unit_move(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    if unit.id == me().unit_id or unit.parent_id is None:
        abort(404)
    form = MoveForm()
    form.parent.choices = _move_choices(unit)
    error = None
    if form.validate_on_submit():
        # The new parent goes through the same scope lookup as any id typed in a URL.
        new_parent = visible_unit_or_404(form.parent.data) if form.parent.data else abort(404)
        moved, error = attempt(form, unit_admin.move_unit, db.session(), me(), unit, new_parent, ip=ip())
        if error is None:
            db.commit()
            flash(_("Đã chuyển %(name)s (%(count)s đơn vị) sang %(parent)s.", name=unit.name, count=moved, parent=new_parent.name),
                  "success")
            return redirect(url_for("admin.units", unit=new_parent.id), 303)
    status = 422 if form.errors or error else 200
    return render_template("admin/unit_move.html", form=form, unit=unit, error=error), status


@bp.post("/units/<int:unit_id>/deactivate")
def unit_deactivate(unit_id: int):
    return _set_active(unit_id, False)


@bp.post("/units/<int:unit_id>/activate")
def unit_activate(unit_id: int):
    return _set_active(unit_id, True)


def _set_active(unit_id: int, active: bool):
    unit = visible_unit_or_404(unit_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    parent_id, name = unit.parent_id, unit.name
    count, error = attempt(None, unit_admin.set_unit_active, db.session(), me(), unit, active, ip=ip())
    if error:
        flash(error, "error")
    else:
        db.commit()
        done = _("Đã kích hoạt lại %(name)s (%(count)s đơn vị).") if active else _("Đã ngừng hoạt động %(name)s (%(count)s đơn vị).")
        flash(done % {"name": name, "count": count}, "success")
    return redirect(url_for("admin.units", unit=parent_id or unit_id), 303)
