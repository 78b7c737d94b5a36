"""Entry on behalf of units ("nhập thay"): a district's list of its grassroots unions (those without an
account of their own first), the results import from a spreadsheet (template, dry run, confirmation), and
the take-over of the report of a unit that has an account. Every rule is shared/'s: who writes a report
(shared.workflow.reports_for), the take-over (workflow.take_over), the import (shared.result_imports)."""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
from types import SimpleNamespace

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from portal import db
from portal.actions import attempt, run
from portal.access import me, visible_unit_or_404
from portal.campaigns import selected_campaign
from portal.onbehalf.forms import ResultsConfirmForm, ResultsUploadForm, TakeOverForm
from shared import result_imports, workflow
from shared.errors import Conflict
from shared.i18n import _
from shared.imports import Limits
from shared.models import CongressReport, Unit, User
from shared.reports import get_report
from shared.text import parse_id

bp = Blueprint("onbehalf", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500
# The pages of the district's side; the take-over is checked on its own (its unit's scope first: 404).
DISTRICT_PAGES = {"onbehalf.index", "onbehalf.template", "onbehalf.import_page", "onbehalf.import_upload",
                  "onbehalf.import_confirm"}


@bp.before_request
def _entering_roles():
    if request.endpoint in DISTRICT_PAGES and me().role not in workflow.ON_BEHALF_ROLES:
        abort(403)


def _scope() -> Unit:
    """The unit whose grassroots unions the page is about: the user's own, or one of its districts
    (`?unit=ID`, a federation account's choice); 404 outside the user's subtree."""
    raw = (request.values.get("unit") or "").strip()
    if not raw:
        return me().unit
    unit_id = parse_id(raw)
    if unit_id is None:
        abort(404)
    unit = visible_unit_or_404(unit_id)
    if unit.level == "grassroots":
        abort(404)
    return unit


# ---- the units to enter for -------------------------------------------------------------------


@bp.get("/on-behalf")
def index():
    campaign = selected_campaign()
    scope = _scope()
    account = request.args.get("account", "none")
    account = account if account in result_imports.ACCOUNT_FILTERS else "none"
    report = request.args.get("report", "")
    report = report if report in result_imports.REPORT_FILTERS else ""
    page = max(1, request.args.get("page", 1, type=parse_id) or 1)
    size = current_app.config["PAGE_SIZE"]
    session = db.session()
    rows, total = result_imports.entry_page(session, campaign, scope, account=account, report=report, page=page,
                                            size=size)
    return render_template(
        "onbehalf/index.html", campaign=campaign, scope=scope, scopes=result_imports.scope_choices(session, me()),
        account=account, report=report, rows=rows, total=total, page=page, size=size,
    )


@bp.get("/on-behalf/template.xlsx")
def template():
    scope = _scope()  # the role is checked before the request, the scope here: nothing left to refuse
    data = result_imports.template_workbook(db.session(), me(), scope, selected_campaign())
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{result_imports.template_filename(scope)}"'})


# ---- the import: upload (a dry run), then confirmation ------------------------------------------


def _limits() -> Limits:
    return Limits.from_config(current_app.config)


def _run(raw: bytes, filename: str, scope: Unit, *, dry_run: bool, send: bool, valid_only: bool):
    """(result, error message): the import of `raw` (a dry run or for real), committed when applied."""
    session = db.session()
    result, error = attempt(
        None, result_imports.import_results,
        session, io.BytesIO(raw), filename=filename, user=me(), scope=scope, campaign=selected_campaign(),
        dry_run=dry_run, send=send, valid_only=valid_only, limits=_limits(), ip=request.remote_addr,
    )
    if error is not None:
        return None, error
    if result.applied:
        db.commit()
    else:
        session.rollback()
    return result, None


def _page(form, scope: Unit, *, result=None, error: str | None = None, confirm=None, status: int = 200):
    return render_template(
        "onbehalf/import.html", form=form, scope=scope, result=result, error=error, confirm=confirm,
        campaign=selected_campaign(), scopes=result_imports.scope_choices(db.session(), me()),
        errors_shown=ERRORS_SHOWN,
    ), status


@bp.get("/on-behalf/import")
def import_page():
    scope = _scope()
    form = ResultsUploadForm(unit=str(scope.id))
    return _page(form, scope)[0]


@bp.post("/on-behalf/import")
def import_upload():
    """An uploaded file is only checked (a dry run); the page then offers to import it as checked."""
    scope = _scope()
    form = ResultsUploadForm()
    if not form.validate_on_submit():
        return _page(form, scope, status=422)
    upload = form.file.data
    raw = upload.stream.read()  # bounded by MAX_CONTENT_LENGTH; the import's own caps run before parsing
    filename = (upload.filename or "ket-qua.xlsx")[-255:]
    send, valid_only = form.send.data == "send", bool(form.valid_only.data)
    result, error = _run(raw, filename, scope, dry_run=True, send=send, valid_only=valid_only)
    confirm = None
    if result is not None and result.planned and (not result.error_count or valid_only):
        payload = base64.b64encode(raw).decode("ascii")
        if len(payload) < int(current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000):
            confirm = ResultsConfirmForm(formdata=None, payload=payload, filename=filename, send="1" if send else "",
                                         valid_only="1" if valid_only else "", unit=str(scope.id))
            confirm.digest = hashlib.sha256(raw).hexdigest()[:12]
        else:
            error = _("Tệp lớn quá để xác nhận trên trang: hãy nhập bằng lệnh daihoi import-results.")
    failed = error or (result is not None and result.error_count and not valid_only)
    return _page(form, scope, result=result, error=error, confirm=confirm, status=422 if failed else 200)


@bp.post("/on-behalf/import/confirm")
def import_confirm():
    """Import the file the dry run checked: every row is checked again, against the data as it is now."""
    scope = _scope()
    form = ResultsConfirmForm()
    upload_form = ResultsUploadForm(formdata=None, unit=str(scope.id))
    if not form.validate_on_submit():
        return _page(upload_form, scope, error=_("Hãy tải tệp lên và kiểm tra lại trước khi nhập."), status=422)
    try:
        raw = base64.b64decode(form.payload.data, validate=True)
    except (binascii.Error, ValueError):
        return _page(upload_form, scope, error=_("Hãy tải tệp lên và kiểm tra lại trước khi nhập."), status=422)
    send, valid_only = form.send.data == "1", form.valid_only.data == "1"
    upload_form.send.data = "send" if send else "draft"
    upload_form.valid_only.data = valid_only
    result, error = _run(raw, form.filename.data, scope, dry_run=False, send=send, valid_only=valid_only)
    if result is None or not result.applied:
        return _page(upload_form, scope, result=result, error=error, status=422)
    flash(_("Đã nhập %(count)s báo cáo từ tệp %(file)s (đã gửi %(sent)s), đánh dấu nhập thay.",
            count=len(result.planned), file=result.filename, sent=result.sent), "success")
    if result.not_overwritten:
        flash(_("Không ghi đè %(count)s báo cáo đã gửi hoặc đã duyệt.", count=len(result.not_overwritten)), "warning")
    if result.error_rows:
        flash(_("Bỏ qua %(count)s dòng có lỗi.", count=result.error_rows), "warning")
    return redirect(url_for(".index", unit=scope.id if scope.id != me().unit_id else None, account="all",
                            report="entered", campaign=request.args.get("campaign")), 303)


# ---- take-over of a unit's report ---------------------------------------------------------------


def report_page_context(user: User, campaign, unit: Unit, report: CongressReport | None) -> dict:
    """What the report page shows about entry on the unit's behalf (`on_behalf`, None when the user is not
    of the level that may enter for it): whether the user is entering it now, and the take-over form."""
    if not workflow.enters_for(user, unit):
        return {"on_behalf": None}
    has_account = workflow.has_own_account(db.session(), unit.id)
    refusal = workflow.takeover_refusal(user, campaign, unit, report, has_account=has_account)
    entering = workflow.edit_refusal(user, campaign, unit, report, has_account=has_account) is None
    form = TakeOverForm(formdata=None, version=report.version if report else "") if refusal is None else None
    return {"on_behalf": SimpleNamespace(has_account=has_account, entering=entering, take_over_form=form)}


@bp.post("/units/<int:unit_id>/report/take-over")
def take_over(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    user = me()
    if not workflow.enters_for(user, unit):
        abort(403)
    campaign = selected_campaign()
    form = TakeOverForm()
    session = db.session()
    error, status = None, 422
    if form.validate_on_submit():
        _taken, refusal = run(workflow.take_over, session, campaign, unit, user, form.reason.data,
                              parse_id(form.version.data or ""), form=form)
        if refusal is not None:
            error, status = refusal.message, refusal.http_status
            if isinstance(refusal, Conflict):
                report = get_report(session, campaign, unit)
                form.version.data = report.version if report else ""
        else:
            db.commit()
            flash(_("Đã tiếp nhận nhập thay báo cáo của %(unit)s; đơn vị đã được thông báo.", unit=unit.name), "success")
            return redirect(url_for("reports.show", unit_id=unit.id, campaign=request.args.get("campaign")), 303)
    report = get_report(session, campaign, unit)
    return render_template("onbehalf/take_over.html", unit=unit, campaign=campaign, report=report, form=form,
                           error=error), status
