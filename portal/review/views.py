"""Routes of the review workflow. Reviewers act; coordinators and observers only watch the queue."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from jinja2_fragments.flask import render_block

from portal import db
from portal.actions import attempt, run
from portal.access import me, safe_next
from portal.campaigns import selected_campaign
from portal.pilots.panels import pilot_panel
from portal.review.forms import ApproveForm, BulkApproveForm, ReasonForm, ReminderForm
from shared import history, reminders, review, workflow
from shared.attachments import KIND_LABELS
from shared.errors import Conflict, InvalidTransition
from shared.i18n import _
from shared.models import SECTOR_LABELS, STATUS_LABELS, CongressReport
from shared.reports import EDITABLE_FIELDS, snapshot
from shared.text import clean_text, parse_id

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")

# The history is the unit's too (it reads why its report came back); everything else is the queue's.
OPEN_TO_THE_UNIT = {"review.history"}


@bp.before_request
def _queue_roles():
    if request.endpoint not in OPEN_TO_THE_UNIT and not review.can_open_queue(me()):
        abort(403)


def _report_or_404(report_id: int) -> CongressReport:
    return review.get_report_for_review(db.session(), me(), report_id)  # NotFound: the 404 page (portal/errors.py)


def _may_act(report: CongressReport) -> bool:
    user = me()
    return review.can_act(user) and workflow.is_reviewer(user, report)


# ---- queue --------------------------------------------------------------------------------


def _filters() -> review.QueueFilters:
    args = request.args
    status = args.get("status", "submitted")
    flagged = {"1": True, "0": False}.get(args.get("flagged", ""))
    sector = args.get("sector") or None
    try:
        q = clean_text(args.get("q", ""), 100)
    except ValueError:
        q = ""
    return review.QueueFilters(
        status=status if status in (*review.QUEUE_STATUSES, "all") else "submitted",
        district_id=args.get("district", type=parse_id),
        sector=sector if sector in SECTOR_LABELS else None,
        flagged=flagged,
        q=q,
    )


def _filter_args(f: review.QueueFilters, campaign_id: int) -> dict:
    args = {"campaign": campaign_id, "status": f.status, "district": f.district_id, "sector": f.sector, "q": f.q or None}
    if f.flagged is not None:
        args["flagged"] = "1" if f.flagged else "0"
    return {k: v for k, v in args.items() if v is not None}


@bp.get("")
def queue():
    user = me()
    campaign = selected_campaign()
    filters = _filters()
    page = max(1, request.args.get("page", 1, type=parse_id) or 1)
    session = db.session()
    result = review.review_queue(session, user, campaign, filters, page=page, size=current_app.config["PAGE_SIZE"])
    context = dict(
        campaign=campaign, filters=filters, result=result, filter_args=_filter_args(filters, campaign.id),
        districts=review.district_choices(session, user), can_act=review.can_act(user),
        bulk_form=BulkApproveForm(next=request.full_path), STATUS_LABELS=STATUS_LABELS,
        can_remind=user.role in reminders.REMINDING_ROLES,
    )
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "queue":
        return render_block("review/queue.html", "queue", **context)
    return render_template("review/queue.html", **context)


@bp.post("/bulk-approve")
def bulk_approve():
    form = BulkApproveForm()
    back = safe_next(form.next.data) if form.next.data else url_for(".queue")
    if not review.can_act(me()):
        abort(403)
    if not form.validate_on_submit():
        abort(400)
    pairs = []
    for raw in request.form.getlist("report"):
        report_id, _sep, version = raw.partition(":")
        if parse_id(report_id) is not None:
            pairs.append((parse_id(report_id), parse_id(version)))
    if not pairs:
        flash(_("Hãy chọn ít nhất một báo cáo để phê duyệt."), "error")
        return redirect(back, 303)
    result, error = attempt(None, review.bulk_approve, db.session(), pairs, me(), confirm_warnings=form.confirm_warnings.data)
    if error is not None:
        flash(error, "error")
        return redirect(back, 303)
    db.commit()
    if result.approved:
        flash(_("Đã phê duyệt %(count)s báo cáo.", count=len(result.approved)), "success")
    for issue in result.not_approved:
        label = issue.unit_name or _("Báo cáo số %(id)s", id=issue.report_id)
        flash(_("Chưa duyệt %(unit)s: %(reason)s", unit=label, reason=issue.message), "warning")
    return redirect(back, 303)


# ---- one report ---------------------------------------------------------------------------


def _page(report: CongressReport, *, status: int = 200, error: str | None = None, **forms):
    data = snapshot(report)
    names = (*EDITABLE_FIELDS, "officers", "recommendations")
    fields = [(name, history.FIELD_LABELS.get(name, name), history.display(name, data.get(name))) for name in names]
    acts = _may_act(report)
    forms.setdefault("approve_form", ApproveForm(formdata=None, version=report.version))
    forms.setdefault("return_form", ReasonForm(formdata=None, version=report.version))
    forms.setdefault("reopen_form", ReasonForm(formdata=None, version=report.version))
    return render_template(
        "review/show.html", report=report, fields=fields, flags=review.report_flags(report),
        acts=acts, error=error, pilot=pilot_panel(db.session(), me(), report), attachment_kinds=KIND_LABELS,
        **forms,
    ), status


@bp.get("/<int:report_id>")
def show(report_id: int):
    return _page(_report_or_404(report_id))


def _act(report: CongressReport, form, form_name: str, action: Callable[[], object], done: str):
    """Run one transition: 403 for a non-reviewer, the form again (422/409) on a refusal."""
    if not _may_act(report):
        abort(403)
    if not form.validate_on_submit():
        return _page(report, status=422, **{form_name: form})
    _result, refusal = run(action, form=form)
    if refusal is not None:
        if isinstance(refusal, (Conflict, InvalidTransition)):
            # Show what the report is now; a retry must be made against this version.
            form.version.data = report.version
        return _page(report, status=refusal.http_status, error=refusal.message, **{form_name: form})
    db.commit()
    flash(done, "success")
    return redirect(url_for(".queue"), 303)


@bp.post("/<int:report_id>/return")
def return_report(report_id: int):
    report = _report_or_404(report_id)
    form = ReasonForm()
    return _act(
        report, form, "return_form",
        lambda: workflow.return_report(db.session(), report, me(), form.reason.data, form.version.data),
        _("Đã trả lại báo cáo của %(unit)s; đơn vị sẽ thấy lý do.", unit=report.unit.name),
    )


@bp.post("/<int:report_id>/approve")
def approve(report_id: int):
    report = _report_or_404(report_id)
    form = ApproveForm()
    return _act(
        report, form, "approve_form",
        lambda: workflow.approve(db.session(), report, me(), form.version.data),
        _("Đã phê duyệt báo cáo của %(unit)s.", unit=report.unit.name),
    )


@bp.post("/<int:report_id>/reopen")
def reopen(report_id: int):
    report = _report_or_404(report_id)
    form = ReasonForm()
    return _act(
        report, form, "reopen_form",
        lambda: workflow.reopen(db.session(), report, me(), form.reason.data, form.version.data),
        _("Đã mở lại báo cáo của %(unit)s để đơn vị sửa.", unit=report.unit.name),
    )


@bp.get("/<int:report_id>/history", endpoint="history")
def history_page(report_id: int):
    report = _report_or_404(report_id)
    session = db.session()
    versions = history.versions(session, report)
    numbers = [v.version for v in versions]
    old, new = request.args.get("old", type=parse_id), request.args.get("new", type=parse_id)
    if old not in numbers or new not in numbers:
        pair = history.default_pair(session, report)
        old, new = pair if pair else (None, None)
    changes = history.compare(session, report, old, new) if old is not None else []
    context = dict(
        report=report, transitions=history.transitions(session, report), versions=versions,
        old=old, new=new, changes=changes, STATUS_LABELS=STATUS_LABELS,
        may_review=review.can_open_queue(me()),
    )
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "diff":
        return render_block("review/history.html", "diff", **context)
    return render_template("review/history.html", **context)


# ---- reminders ----------------------------------------------------------------------------


def _reminder_context(form: ReminderForm, campaign, page: int):
    user = me()
    days = form.days.data if form.days.data is not None and not form.days.errors else 7
    session = db.session()
    size = current_app.config["PAGE_SIZE"]
    rows = reminders.laggards(
        session, campaign, days=days, scope=user.unit, limit=size, offset=(page - 1) * size
    )
    total = reminders.count_laggards(session, campaign, days=days, scope=user.unit)
    return dict(form=form, campaign=campaign, rows=rows, total=total, page=page, size=size, days=days)


@bp.route("/reminders", methods=["GET", "POST"])
def reminders_page():
    user = me()
    if user.role not in reminders.REMINDING_ROLES:
        abort(403)
    campaign = selected_campaign()
    page = max(1, request.args.get("page", 1, type=parse_id) or 1)
    if request.method == "GET":
        form = ReminderForm(request.args, meta={"csrf": False})
        if "days" in request.args:  # a first open shows the default (7 days) and no "enter a number" error
            form.validate()
        return render_template("review/reminders.html", **_reminder_context(form, campaign, page))
    form = ReminderForm()
    unit_ids = [n for n in map(parse_id, request.form.getlist("unit")) if n is not None]
    valid = form.validate_on_submit()
    if not valid or not unit_ids:
        error = None if not valid else _("Hãy chọn ít nhất một đơn vị để nhắc.")
        context = _reminder_context(form, campaign, page)
        return render_template("review/reminders.html", error=error, **context), 422
    result = reminders.send_reminders(db.session(), campaign, days=form.days.data, user=user, unit_ids=unit_ids)
    db.commit()
    if result.sent:
        flash(_("Đã gửi nhắc việc tới %(count)s đơn vị.", count=len(result.sent)), "success")
    if result.already_today:
        names = ", ".join(u.name for u in result.already_today)
        flash(_("Không nhắc lại trong ngày: %(units)s đã được nhắc hôm nay.", units=names), "warning")
    if result.not_laggard:
        flash(_("Bỏ qua %(count)s đơn vị không thuộc diện cần nhắc.", count=len(result.not_laggard)), "warning")
    return redirect(url_for(".reminders_page", campaign=campaign.id, days=form.days.data), 303)
