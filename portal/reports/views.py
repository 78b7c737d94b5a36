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
from sqlalchemy.exc import IntegrityError

from portal import db, files
from portal.access import me, visible_unit_or_404
from portal.campaigns import selected_campaign
from portal.reports.forms import AttachmentForm, apply_row_action, report_display, report_input
from shared import attachments as attachment_store
from shared import workflow
from shared.errors import Conflict, DomainError, Forbidden, InvalidTransition
from shared.i18n import _, lazy_gettext
from shared.models import FORM_LABELS, STATUS_LABELS, Attachment, AuditLog, CongressReport, Unit, User
from shared.reports import get_or_create_report, get_report, report_warnings, update_report
from shared.text import format_date, format_number, parse_date, parse_id
from shared.validation import (
    DATE_FIELDS,
    FIELD_LABELS,
    INT_FIELDS,
    GENDER_LABELS,
    MEETING_MODE_LABELS,
    OFFICER_KEYS,
    OFFICER_ROLE_LABELS,
    RECOMMENDATION_KEYS,
    REC_STATUS_LABELS,
    TOPIC_LABELS,
    compact_rows,
    suggested_form,
    validate_report,
)

bp = Blueprint("reports", __name__, url_prefix="/units/<int:unit_id>/report", template_folder="templates")

LABELS = dict(
    FIELD_LABELS=FIELD_LABELS, GENDER_LABELS=GENDER_LABELS, MEETING_MODE_LABELS=MEETING_MODE_LABELS,
    OFFICER_ROLE_LABELS=OFFICER_ROLE_LABELS, REC_STATUS_LABELS=REC_STATUS_LABELS, TOPIC_LABELS=TOPIC_LABELS,
    KIND_LABELS=attachment_store.KIND_LABELS,
)
ACTION_LABELS = {
    "report.save": lazy_gettext("Lưu báo cáo"),
    "report.submit": lazy_gettext("Gửi báo cáo"),
    "report.return": lazy_gettext("Trả lại"),
    "report.approve": lazy_gettext("Phê duyệt"),
    "report.reopen": lazy_gettext("Mở lại"),
    "attachment.add": lazy_gettext("Thêm tài liệu"),
    "attachment.delete": lazy_gettext("Xóa tài liệu"),
}


def _may_edit(user: User, unit: Unit, report: CongressReport | None, campaign=None) -> bool:
    if campaign is not None and campaign.closed:
        return False
    if report is not None:
        return workflow.can_edit(user, report)
    return user.role in workflow.REPORTING_ROLES and unit.id == user.unit_id


def _load(unit_id: int):
    """(unit, campaign, report or None) within the user's scope; 404 outside it."""
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    return unit, campaign, get_report(db.session(), campaign, unit)


CHOICE_LABELS = {"form": FORM_LABELS, "meeting_mode": MEETING_MODE_LABELS, "status": STATUS_LABELS}


def _describe(key: str, value) -> str:
    """A stored or typed value as a user reads it: dd/mm/yyyy, labels instead of codes."""
    if value is None or value == "":
        return _("(trống)")
    if isinstance(value, list):
        return _("%(count)s dòng", count=len(value))
    if isinstance(value, bool) or key == "is_pilot":
        return _("có") if value in (True, "on") else _("không")
    if key in CHOICE_LABELS:
        return CHOICE_LABELS[key].get(value, str(value))
    if key in DATE_FIELDS and isinstance(value, str):
        try:
            return format_date(parse_date(value))
        except ValueError:
            return value
    if key in INT_FIELDS and isinstance(value, int):
        return format_number(value)
    return str(value)


def _trail(report: CongressReport | None) -> list[dict]:
    """The last audit entries of the report: who, when, what, and each changed field old -> new."""
    if report is None:
        return []
    rows = db.session().execute(
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.object_type == "congress_report", AuditLog.object_id == report.id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(30)
    ).all()
    trail = []
    for entry, who in rows:
        changes = []
        for key, change in (entry.changes or {}).items():
            label = FIELD_LABELS.get(key, _("Lý do") if key == "reason" else _("Tài liệu") if key == "attachment" else key)
            if isinstance(change, list) and len(change) == 2:
                changes.append(f"{label}: {_describe(key, change[0])} → {_describe(key, change[1])}")
            else:
                changes.append(f"{label}: {_describe(key, change)}")
        trail.append(dict(
            at=entry.at, action=entry.action, action_label=ACTION_LABELS.get(entry.action, entry.action),
            who=(who.full_name or who.username) if who else "", changes=changes,
        ))
    return trail


def _context(unit, campaign, report, raw, errors=None, warnings=None, message=None):
    user = me()
    if warnings is None:
        warnings = report_warnings(report) if report is not None else []
    return dict(
        unit=unit, campaign=campaign, report=report, raw=raw, errors=errors or {}, warnings=warnings,
        message=message, editable=_may_edit(user, unit, report, campaign), suggested=suggested_form(campaign, unit),
        trail=_trail(report), upload_form=AttachmentForm(), **LABELS,
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
    return render_template("reports/edit.html", **_context(unit, campaign, report, raw))


@bp.post("")
def save(unit_id: int):
    unit, campaign, report = _load(unit_id)
    user = me()
    if not _may_edit(user, unit, report, campaign):
        abort(403)
    action = request.form.get("action", "save")
    typed = report_input(request.form, compact=False)
    if apply_row_action(typed, action):  # without JavaScript: a row added or removed, nothing saved yet
        errors, warnings = _check_typed(typed, campaign, unit)
        return render_template("reports/edit.html", **_context(unit, campaign, report, typed, errors, warnings))
    data = report_input(request.form)
    version = request.form.get("version", "")
    # A form opened before the report existed carries no version: if it exists now, that is a conflict.
    expected = parse_id(version) if parse_id(version) is not None else (0 if report is not None else None)
    session = db.session()
    try:
        if report is None:
            report = get_or_create_report(session, campaign, unit, user)
            expected = 1  # as in the API: a draft created by another request since our read is a conflict
        update_report(session, report, user, data, expected)
        if action == "submit":
            workflow.submit(session, report, user, expected_version=report.version)
    except (Conflict, IntegrityError):  # IntegrityError: another browser created the report meanwhile
        session.rollback()
        return _conflict(unit, campaign, data)
    except (Forbidden, InvalidTransition) as exc:
        session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("reports.show", unit_id=unit.id), code=303)
    except DomainError as exc:
        session.rollback()
        report = get_report(session, campaign, unit)
        _errors, warnings = validate_report(data, campaign, unit, full=False)
        context = _context(unit, campaign, report, data, exc.fields, warnings, exc.message)
        context["posted_version"] = version
        return render_template("reports/edit.html", **context), 422
    db.commit()
    if action == "submit":
        flash(_("Đã gửi báo cáo lên công đoàn cấp trên."), "success")
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
                rows.append((name, _describe(name, mine), _describe(name, theirs), mine != theirs))
    rows.sort(key=lambda row: not row[3])  # what differs first
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
            names.extend(f"{key}-{i}-{field}" for field in row)
    return render_template(
        "reports/_validation.html", names=names, errors=errors, warnings=warnings, unit=unit, report=report
    )


@bp.post("/rows")
def rows(unit_id: int):
    """htmx: add or remove an officer or recommendation row; returns the re-rendered table."""
    unit, campaign, report = _load(unit_id)
    if not _may_edit(me(), unit, report, campaign):
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
    if not _may_edit(user, unit, report, campaign):
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

