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
    session as web_session,
    url_for,
)
from sqlalchemy import select

from portal import actions, db, files
from portal import autosave as autosave_answer
from portal.access import me, visible_unit_or_404
from portal.campaigns import selected_campaign
from portal.onbehalf.views import report_page_context as on_behalf_context
from portal.reports.forms import AttachmentForm, apply_row_action, report_display, report_input
from shared import attachments as attachment_store
from shared import workflow
from shared.audit import describe_value
from shared.errors import Conflict, DomainError, InvalidTransition
from shared.history import report_trail
from shared.i18n import _, ngettext
from shared.models import Attachment, CongressReport, Unit, User
from shared.reports import (
    Saved,
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
    context["upload_errors"] = web_session.pop("upload_errors", None)  # a refused upload (see upload)
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
    use_case = save_and_submit if action == "submit" else save_draft
    saved, refusal = actions.run(use_case, db.session(), campaign, unit, user, data, _posted_version())
    if refusal is not None:
        return _refused(unit, campaign, data, refusal)
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


def _posted_version() -> int | None:
    return parse_id(request.form.get("version", ""))


def _refused(unit, campaign, data, refusal: DomainError, upload_error: str | None = None):
    """A save the domain refused (a Forbidden one has already become the 403 page): a stale version shows
    both versions; a transition that no longer applies goes back to the report with why; input that cannot
    be stored re-renders everything typed, marked, with nothing saved (422)."""
    if isinstance(refusal, Conflict):
        return _conflict(unit, campaign, data)
    if isinstance(refusal, InvalidTransition):
        flash(refusal.message, "error")
        return redirect(url_for("reports.show", unit_id=unit.id), code=303)
    report = get_report(db.session(), campaign, unit)
    errors, warnings = validate_report(data, campaign, unit, full=False)
    errors.update(refusal.fields)
    context = _context(unit, campaign, report, data, errors, warnings, refusal.message,
                       problems=problem_list(refusal.fields), unsaved=True)
    context["posted_version"] = request.form.get("version", "")
    if upload_error:
        context["upload_errors"] = {"file": upload_error}
    return render_template("reports/edit.html", **context), 422


@bp.post("/autosave")
def autosave(unit_id: int):
    """With JavaScript (js/autosave.js): the draft saved as it is typed, by the same shared save as "Lưu nháp"
    (same rules, same version check). JSON for the script's status line: `saved` with the new version, the
    time, the number of contradictions (they block sending, not saving) and the stored ids of the rows by
    their index on the page; `conflict` (409) when someone saved since; `unsaved` (422) with the fields
    that cannot be stored. A refusal to edit at all is the 403 page."""
    unit, campaign, _report = _load(unit_id)
    typed = report_input(request.form, compact=False)
    data = report_input(request.form)
    saved, refusal = actions.run(save_draft, db.session(), campaign, unit, me(), data, _posted_version())
    if refusal is not None:
        return autosave_answer.refused(refusal)
    db.commit()
    return autosave_answer.saved(saved.report.version, saved.report.updated_at, problems=saved.errors,
                                 rows=_row_ids_on_page(typed, saved))


def _row_ids_on_page(typed: dict, saved: Saved) -> dict[str, dict[str, int]]:
    """The stored id of each non-empty row, keyed by the row's index on the page (empty rows are not saved)."""
    out = {}
    for key, ids in saved.row_ids.items():
        keys = OFFICER_KEYS if key == "officers" else RECOMMENDATION_KEYS
        on_page = [i for i, row in enumerate(typed.get(key) or []) if compact_rows([row], keys)]
        out[key] = {str(i): row_id for i, row_id in zip(on_page, ids)}
    return out


def _save_typed_first(campaign, unit, user) -> tuple[bool, DomainError | None]:
    """Upload and delete post the whole report form (their buttons sit in it): what was typed is saved as the
    draft first, and committed, so that a refused file costs nothing typed. (False, None) when the post
    carries no report form (a client posting the file alone)."""
    if "version" not in request.form:
        return False, None
    _saved, refusal = actions.run(save_draft, db.session(), campaign, unit, user, report_input(request.form),
                                  _posted_version())
    if refusal is None:
        db.commit()
    return True, refusal


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
    section = "officers" if "officer" in action else "recommendations"
    errors, warnings = _check_typed(data, campaign, unit)
    context = _context(unit, campaign, report, data, errors, warnings)
    return render_template(f"reports/_{section}.html", **context)


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
    """"Lưu và tải lên": the typed fields are saved first (see _save_typed_first), then the file is stored.
    Either way the answer is a redirect to the form (nothing to resubmit on reload); a refused file's
    message waits in the session for the form. Only when the typed fields cannot be stored is the form
    shown again as typed (422), without the upload."""
    unit, campaign, report = _load(unit_id)
    user = me()
    if not workflow.may_edit(user, campaign, unit, report):
        abort(403)
    form = AttachmentForm()
    typed, refusal = _save_typed_first(campaign, unit, user)
    if refusal is not None:
        return _refused(unit, campaign, report_input(request.form), refusal,
                        upload_error=_("Tệp chưa được tải lên: hãy sửa các ô chưa lưu được rồi tải lại."))
    session = db.session()
    if form.validate_on_submit():
        stored, refusal = actions.run(_store_attachment, session, campaign, unit, user, form.file.data,
                                      form.kind.data)
        if refusal is None:
            db.commit()
            flash(_("Đã tải lên tài liệu."), "success")
            return redirect(url_for("reports.show", unit_id=unit.id) + "#attachments", code=303)
        errors = refusal.fields or {"file": refusal.message}
    else:
        errors = {name: messages[0] for name, messages in form.errors.items()}
    if not typed:  # a client posting the file alone: its form is the upload, shown again with the error
        report = get_report(session, campaign, unit)
        context = _context(unit, campaign, report, report_display(report))
        context.update(upload_form=form, upload_errors=errors)
        return render_template("reports/edit.html", **context), 422
    web_session["upload_errors"] = errors
    flash(_("Đã lưu bản nháp, nhưng tệp chưa được tải lên."), "error")
    return redirect(url_for("reports.show", unit_id=unit.id) + "#attachments", code=303)


def _store_attachment(session, campaign, unit, user, upload, kind):
    """Store the file on the unit's report (a new draft if none)."""
    report = get_or_create_report(session, campaign, unit, user)
    return attachment_store.store(
        session, report, user, upload.stream, upload.filename, kind,
        current_app.config.get("MAX_ATTACHMENT_BYTES", attachment_store.DEFAULT_MAX_BYTES),
    )


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
    """"Xóa" a document: like an upload, the typed fields are saved first; a Forbidden is the 403 page."""
    unit, attachment = _attachment_or_404(unit_id, attachment_id)
    campaign = selected_campaign()
    user = me()
    _typed, refusal = _save_typed_first(campaign, unit, user)
    if refusal is not None:
        return _refused(unit, campaign, report_input(request.form), refusal)
    _done, refusal = actions.run(attachment_store.delete, db.session(), attachment, user)
    if refusal is not None:
        flash(refusal.message, "error")
        return redirect(url_for("reports.show", unit_id=unit.id) + "#attachments", code=303)
    db.commit()
    flash(_("Đã xóa tài liệu."), "success")
    return redirect(url_for("reports.show", unit_id=unit.id) + "#attachments", code=303)


def own_report(user: User, campaign) -> CongressReport | None:
    """The report of the user's own unit (home page card)."""
    if campaign is None:
        return None
    return get_report(db.session(), campaign, user.unit)

