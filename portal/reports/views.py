"""A unit's congress report: plan, results, submit, attachments, print view, audit trail."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from portal import db, files
from portal.access import me, visible_unit_or_404
from portal.campaigns import selected_campaign
from portal.onbehalf.views import report_page_context as on_behalf_context
from portal.reports.forms import AttachmentForm, apply_row_action, report_display, report_input
from shared import attachments as attachment_store
from shared import workflow
from shared.audit import describe_value
from shared.errors import Conflict, DomainError, Forbidden, InvalidTransition
from shared.history import report_trail
from shared.i18n import _, ngettext
from shared.models import Attachment, CongressReport, Unit, User
from shared.reports import (
    get_or_create_report,
    get_report,
    report_problems,
    report_warnings,
    save_and_submit,
    save_draft,
)
from shared.text import parse_id
from shared.validation import (
    FIELD_LABELS,
    FUNDING_PARTS,
    GENDER_LABELS,
    MEETING_MODE_LABELS,
    OFFICER_KEYS,
    OFFICER_ROLE_LABELS,
    RECOMMENDATION_KEYS,
    REC_STATUS_LABELS,
    TOPIC_LABELS,
    compact_rows,
    problem_list,
    suggested_form,
    validate_report,
)

bp = Blueprint("reports", __name__, url_prefix="/units/<int:unit_id>/report", template_folder="templates")

LABELS = dict(
    FIELD_LABELS=FIELD_LABELS, GENDER_LABELS=GENDER_LABELS, MEETING_MODE_LABELS=MEETING_MODE_LABELS,
    OFFICER_ROLE_LABELS=OFFICER_ROLE_LABELS, REC_STATUS_LABELS=REC_STATUS_LABELS, TOPIC_LABELS=TOPIC_LABELS,
    KIND_LABELS=attachment_store.KIND_LABELS,
    FUNDING_PARTS=FUNDING_PARTS,  # reports/_funding.html
)




def _load(unit_id: int):
    """(unit, campaign, report or None) within the user's scope; 404 outside it."""
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    return unit, campaign, get_report(db.session(), campaign, unit)


def _context(unit, campaign, report, raw, errors=None, warnings=None, message=None, problems=None, unsaved=False):
    """`problems`: (key, label, message) listed above the form: what was not saved (`unsaved`), or what a
    saved draft must fix before it can be sent."""
    user = me()
    if warnings is None:
        warnings = report_warnings(report) if report is not None else []
    return dict(
        unit=unit, campaign=campaign, report=report, raw=raw, errors=errors or {}, warnings=warnings,
        message=message, problems=problems or [], unsaved=unsaved,
        editable=workflow.may_edit(user, campaign, unit, report), suggested=suggested_form(campaign, unit),
        trail=report_trail(db.session(), report), upload_form=AttachmentForm(), **LABELS,
        **on_behalf_context(user, campaign, unit, report),
    )


@bp.url_defaults
def _keep_campaign(endpoint: str, values: dict) -> None:
    """Links, form actions and redirects stay on the campaign the page was opened for."""
    if has_request_context() and request.args.get("campaign"):
        values.setdefault("campaign", request.args["campaign"])


@bp.app_errorhandler(413)
def too_large(_e):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("Tệp hoặc biểu mẫu quá lớn (tối đa %(size)s MB). Hãy chọn tệp nhỏ hơn.", size=limit // (1024 * 1024))
    return render_template("errors/error.html", code=413, message=message), 413


@bp.get("")
def show(unit_id: int):
    unit, campaign, report = _load(unit_id)
    raw = report_display(report)
    if not raw.get("form"):
        raw["form"] = suggested_form(campaign, unit)  # preselected; another choice needs a reason
    context = _context(unit, campaign, report, raw)
    if report is not None and context["editable"]:
        # A saved draft may hold contradictions: marked on the form and listed, since they block sending.
        # After a send that could not go (?check=send), the full check: what the send needs.
        errors, warnings = report_problems(report, full=request.args.get("check") == "send")
        context.update(errors=errors, warnings=warnings, problems=problem_list(errors))
    return render_template("reports/edit.html", **context)


@bp.post("")
def save(unit_id: int):
    """"Lưu nháp" and "Gửi báo cáo" (and the no-JavaScript row buttons, which save nothing): every rule
    is shared.reports.save_draft's (and save_and_submit's); this view maps its answers to pages."""
    unit, campaign, report = _load(unit_id)
    user = me()
    action = request.form.get("action", "save")
    typed = report_input(request.form, compact=False)
    if apply_row_action(typed, action):  # without JavaScript: a row added or removed, nothing saved yet
        if not workflow.may_edit(user, campaign, unit, report):
            abort(403)
        errors, warnings = _check_typed(typed, campaign, unit)
        return render_template("reports/edit.html", **_context(unit, campaign, report, typed, errors, warnings))
    data = report_input(request.form)
    version = request.form.get("version", "")
    use_case = save_and_submit if action == "submit" else save_draft
    session = db.session()
    try:
        saved = use_case(session, campaign, unit, user, data, parse_id(version))
    except Conflict:
        session.rollback()
        return _conflict(unit, campaign, data)
    except Forbidden as exc:
        session.rollback()
        return render_template("errors/error.html", code=403, message=exc.message), 403
    except InvalidTransition as exc:
        session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("reports.show", unit_id=unit.id), code=303)
    except DomainError as exc:  # input that cannot be stored: nothing saved, everything typed shown again
        session.rollback()
        report = get_report(session, campaign, unit)
        errors, warnings = validate_report(data, campaign, unit, full=False)
        errors.update(exc.fields)
        context = _context(unit, campaign, report, data, errors, warnings, exc.message,
                           problems=problem_list(exc.fields), unsaved=True)
        context["posted_version"] = version
        return render_template("reports/edit.html", **context), 422
    db.commit()
    if saved.sent:
        flash(_("Đã gửi báo cáo lên công đoàn cấp trên."), "success")
    elif action == "submit":
        flash(_("Đã lưu bản nháp nhưng chưa gửi được: hãy sửa các mục được liệt kê rồi gửi lại."), "error")
        return redirect(url_for("reports.show", unit_id=unit.id, check="send"), code=303)
    elif saved.errors:
        flash(ngettext("Đã lưu bản nháp. Còn %(num)s lỗi phải sửa trước khi gửi báo cáo.",
                       "Đã lưu bản nháp. Còn %(num)s lỗi phải sửa trước khi gửi báo cáo.", len(saved.errors)),
              "warning")
    else:
        flash(_("Đã lưu báo cáo (bản nháp)."), "success")
    return redirect(url_for("reports.show", unit_id=unit.id), code=303)


def _conflict(unit, campaign, data):
    """Someone saved since this user opened the form: show both versions and let them choose."""
    session = db.session()
    report = get_report(session, campaign, unit)
    if report is None:
        abort(404)
    current = report_display(report)
    rows = []
    for name in FIELD_LABELS:
        if name in data and name not in ("officers", "recommendations", "status"):
            mine, theirs = str(data.get(name) or "").strip(), str(current.get(name) or "").strip()
            if mine or theirs:
                rows.append((name, describe_value(name, mine), describe_value(name, theirs), mine != theirs))
    rows.sort(key=lambda row: not row[3])  # what differs first
    # "Keep mine" re-posts the user's rows; a row the other save deleted goes back in as a new row.
    for key in ("officers", "recommendations"):
        kept = {str(row["id"]) for row in current[key]}
        for row in data.get(key) or []:
            if str(row.get("id") or "") not in kept:
                row.pop("id", None)
    context = _context(unit, campaign, report, data)
    context.update(rows=rows, current=current, current_version=report.version)
    return render_template("reports/conflict.html", **context), 409


def _check_typed(typed: dict, campaign, unit) -> tuple[dict[str, str], list[str]]:
    """Draft check of rows as they stand on the page (empty rows included), errors keyed by page index."""
    data = dict(typed)
    kept: dict[str, list[int]] = {}  # the on-page index of each non-empty row
    for key, keys in (("officers", OFFICER_KEYS), ("recommendations", RECOMMENDATION_KEYS)):
        rows = typed.get(key) or []
        kept[key] = [i for i, row in enumerate(rows) if compact_rows([row], keys)]
        data[key] = [rows[i] for i in kept[key]]
    checked, warnings = validate_report(data, campaign, unit, full=False)
    errors = {}
    for name, message in checked.items():
        key, _sep, rest = name.partition("-")
        if rest and key in kept:
            index, _sep, field = rest.partition("-")
            name = f"{key}-{kept[key][int(index)]}-{field}"
        errors[name] = message
    return errors, warnings


@bp.post("/validate")
def validate_fields(unit_id: int):
    """htmx: errors of every field typed so far and the warning banner, as out-of-band swaps."""
    unit, campaign, report = _load(unit_id)
    typed = report_input(request.form, compact=False)
    errors, warnings = _check_typed(typed, campaign, unit)
    names = [n for n in typed if n not in ("officers", "recommendations")]
    for key in ("officers", "recommendations"):
        names.append(key)
        for i, row in enumerate(typed.get(key) or []):
            names.extend(f"{key}-{i}-{field}" for field in row if field != "id")
    return render_template(
        "reports/_validation.html", names=names, errors=errors, warnings=warnings, unit=unit, report=report
    )


@bp.post("/rows")
def rows(unit_id: int):
    """htmx: add or remove an officer or recommendation row; returns the re-rendered table."""
    unit, campaign, report = _load(unit_id)
    if not workflow.may_edit(me(), campaign, unit, report):
        abort(403)
    data = report_input(request.form, compact=False)
    action = request.form.get("action", "")
    if not apply_row_action(data, action):
        abort(400)
    block = "officers" if "officer" in action else "recommendations"
    errors, warnings = _check_typed(data, campaign, unit)
    context = _context(unit, campaign, report, data, errors, warnings)
    return render_block("reports/edit.html", block, **context)


@bp.get("/print")
def print_view(unit_id: int):
    unit, campaign, report = _load(unit_id)
    if report is None:
        abort(404)
    return render_template(
        "reports/print.html", unit=unit, campaign=campaign, report=report, warnings=report_warnings(report),
        **LABELS,
    )


@bp.post("/attachments")
def upload(unit_id: int):
    unit, campaign, report = _load(unit_id)
    user = me()
    if not workflow.may_edit(user, campaign, unit, report):
        abort(403)
    form = AttachmentForm()
    session = db.session()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            if report is None:
                report = get_or_create_report(session, campaign, unit, user)
            attachment_store.store(
                session, report, user, form.file.data.stream, form.file.data.filename, form.kind.data,
                current_app.config.get("MAX_ATTACHMENT_BYTES", attachment_store.DEFAULT_MAX_BYTES),
            )
        except DomainError as exc:
            session.rollback()
            errors = exc.fields or {"file": exc.message}
        else:
            db.commit()
            flash(_("Đã tải lên tài liệu."), "success")
            return redirect(url_for("reports.show", unit_id=unit.id) + "#attachments", code=303)
    else:
        errors = {name: messages[0] for name, messages in form.errors.items()}
    report = get_report(session, campaign, unit)
    context = _context(unit, campaign, report, report_display(report))
    context["upload_form"] = form
    context["upload_errors"] = errors
    return render_template("reports/edit.html", **context), 422


def _attachment_or_404(unit_id: int, attachment_id: int) -> tuple[Unit, Attachment]:
    unit, _campaign, _report = _load(unit_id)
    attachment = db.session().scalar(
        select(Attachment)
        .join(CongressReport, CongressReport.id == Attachment.report_id)
        .where(Attachment.id == attachment_id, CongressReport.unit_id == unit.id)
    )
    if attachment is None:
        abort(404)
    return unit, attachment


@bp.get("/attachments/<int:attachment_id>")
def download(unit_id: int, attachment_id: int):
    _unit, attachment = _attachment_or_404(unit_id, attachment_id)
    return files.send(db.session(), key=attachment.storage_key, filename=attachment.filename,
                      content_type=attachment.content_type, size=attachment.size)


@bp.post("/attachments/<int:attachment_id>/delete")
def delete_attachment(unit_id: int, attachment_id: int):
    unit, attachment = _attachment_or_404(unit_id, attachment_id)
    try:
        attachment_store.delete(db.session(), attachment, me())
    except Forbidden:
        abort(403)
    db.commit()
    flash(_("Đã xóa tài liệu."), "success")
    return redirect(url_for("reports.show", unit_id=unit.id) + "#attachments", code=303)


def own_report(user: User, campaign) -> CongressReport | None:
    """The report of the user's own unit (home page card)."""
    if campaign is None:
        return None
    return get_report(db.session(), campaign, user.unit)

