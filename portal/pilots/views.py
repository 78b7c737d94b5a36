"""Pilot congresses per level: the list of the scope's pilots, naming and un-naming them (the campaign's
coordinators and the federation; a district for its grassroots unions where the campaign lets it), and
the lessons a reviewer records on a pilot's review page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from portal import db
from portal.access import me
from portal.actions import run
from portal.campaigns import all_campaigns, selected_campaign
from shared import pilots, review
from shared.i18n import _
from shared.models import LEVEL_LABELS
from shared.text import clean_text
from shared.units import get_visible_unit

bp = Blueprint("pilots", __name__, url_prefix="/pilots", template_folder="templates")


class ConfirmForm(FlaskForm):
    """A CSRF token for the naming buttons."""


class LessonForm(FlaskForm):
    lesson = TextAreaField()


@bp.before_request
def _roles():
    if request.endpoint != "pilots.lesson" and me().role not in pilots.VIEW_ROLES:
        abort(403)


def _query() -> str:
    try:
        return clean_text(request.args.get("q"), 100)
    except ValueError:
        return ""


@bp.get("")
def index():
    session = db.session()
    campaign = selected_campaign()
    user = me()
    q = _query()
    rows = pilots.pilots(session, campaign, user.unit)
    by_level = {level: [r for r in rows if r.level == level] for level in pilots.PILOT_LEVELS}
    levels = pilots.levels_named_by(user, campaign)
    return render_template(
        "pilots/index.html", campaign=campaign, campaigns=all_campaigns(), by_level=by_level, levels=levels,
        q=q, found=pilots.candidates(session, user, campaign, q) if levels and not campaign.closed else [],
        form=ConfirmForm(), LEVEL_LABELS=LEVEL_LABELS,
    )


def _change(unit_id: int, action, done: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    campaign = selected_campaign()
    user = me()
    unit = get_visible_unit(session, user, unit_id)
    _result, refusal = run(action, session, user, campaign, unit)  # NotFound/Forbidden: the 404/403 pages
    if refusal is not None:
        flash(refusal.message, "error")
    else:
        db.commit()
        flash(done % {"unit": unit.name}, "success")
    return redirect(url_for("pilots.index", campaign=campaign.id), 303)


@bp.post("/<int:unit_id>/designate")
def designate(unit_id: int):
    return _change(unit_id, pilots.designate, _("Đã chọn %(unit)s làm đại hội điểm."))


@bp.post("/<int:unit_id>/withdraw")
def withdraw(unit_id: int):
    return _change(unit_id, pilots.withdraw, _("Đã bỏ chọn đại hội điểm %(unit)s."))


@bp.post("/lesson/<int:report_id>")
def lesson(report_id: int):
    """From the review page of a pilot's report: its reviewer records the lessons drawn."""
    session = db.session()
    report = review.get_report_for_review(session, me(), report_id)  # 404 out of scope
    form = LessonForm()
    if not form.validate_on_submit():
        abort(400)
    _result, refusal = run(pilots.record_lesson, session, me(), report, form.lesson.data)
    if refusal is not None:
        flash(refusal.message, "error")
    else:
        db.commit()
        flash(_("Đã lưu bài học rút kinh nghiệm của đại hội điểm."), "success")
    return redirect(url_for("review.show", report_id=report.id) + "#pilot-lesson", 303)
