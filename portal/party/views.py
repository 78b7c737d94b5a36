"""What the directive asks of party bodies: level reports to Ban Dân vận, steering committees,
guidance documents and announcements, and the emulation movement of each unit."""
from __future__ import annotations

import io
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from portal import autosave, db, files
from portal.actions import run
from portal.access import me, roles_required, visible_unit_or_404
from portal.campaigns import selected_as_of, selected_campaign
from portal.party import forms
from shared import clock, documents, emulation, form_templates, level_reports, steering, stored_files
from shared.errors import Conflict, DomainError
from shared.i18n import _, ngettext
from shared.models import CongressWork, ExemplaryEntry, StoredFile, Unit
from shared.progress import progress_by_level
from shared.text import fold, parse_date, parse_id
from shared.units import children_of, units_visible_to

bp = Blueprint("party", __name__, url_prefix="/party", template_folder="templates")

LEVEL_REPORT_ROLES = level_reports.AUTHOR_ROLES + level_reports.RECEIVER_ROLES


def _send_stored(stored: StoredFile):
    """Always as an attachment, with the type we checked on upload; never rendered inline."""
    return files.send(db.session(), key=stored.storage_key, filename=stored.filename,
                      content_type=stored.content_type, size=stored.size)


def _date_field(form_field, errors: dict) -> object:
    try:
        return parse_date(form_field.data)
    except ValueError as exc:
        errors[form_field.name] = str(exc)
        return None


def _act(action: Callable[[], object], done: str | Callable[[object], str], back: str,
         again: Callable[[DomainError], object] | None = None):
    """Run a form's domain action (portal.actions.run). Done: commit, flash `done` (or `done(result)`),
    go `back` (303). Refused: with `again` the page is shown again with what was typed (`again(exc)`),
    else flash why and answer the refusal's status; out of scope or role: its error page."""
    result, refusal = run(action)
    if refusal is not None:
        flash(refusal.message, "error")
        if again is None:
            abort(refusal.http_status)
        return again(refusal)
    db.commit()
    flash(done(result) if callable(done) else done, "success")
    return redirect(back, 303)


# ---- level reports ------------------------------------------------------------------------


@bp.get("/level-reports")
@roles_required(*LEVEL_REPORT_ROLES)
def level_report_list():
    user = me()
    campaign = selected_campaign()
    if user.role in level_reports.AUTHOR_ROLES:
        body = level_reports.own_body(db.session(), user)
        if body is None:
            abort(404)
        return redirect(url_for("party.level_report", body_id=body.id, campaign=campaign.id))
    rows = level_reports.checklist(db.session(), campaign, user)
    counts = level_reports.checklist_counts(db.session(), campaign, user.unit)
    return render_template("party/level_reports.html", campaign=campaign, rows=rows, counts=counts)


def _body_or_404(body_id: int):
    body = level_reports.get_visible_body(db.session(), me(), body_id)
    if body is None:
        abort(404)
    return body


def _render_level_report(body, campaign, *, narrative=None, return_form=None, errors=None, status=200):
    session = db.session()
    user = me()
    report = level_reports.get_report(session, campaign, body)
    if narrative is None:
        narrative = forms.NarrativeForm(formdata=None, obj=report, version=report.version if report else "")
    context = dict(
        body=body, campaign=campaign, report=report, narrative=narrative,
        return_form=return_form or forms.ReturnForm(formdata=None, version=report.version if report else ""),
        scan_form=forms.ScanForm(formdata=None), errors=errors or {},
        due=level_reports.due_date(campaign, body),
        is_author=user.role in level_reports.AUTHOR_ROLES,
        is_receiver=user.role in level_reports.RECEIVER_ROLES,
        editable=report is not None and report.status in ("draft", "returned"),
        counts=progress_by_level(session, campaign, body.unit),
        labels=level_reports.NARRATIVE_LABELS,
    )
    return render_template("party/level_report.html", **context), status


@bp.get("/level-reports/<int:body_id>")
def level_report(body_id: int):
    body = _body_or_404(body_id)
    return _render_level_report(body, selected_campaign())


@bp.post("/level-reports/<int:body_id>/start")
def level_report_start(body_id: int):
    body = _body_or_404(body_id)
    campaign = selected_campaign()
    return _act(
        lambda: level_reports.start(db.session(), me(), campaign, body),
        _("Đã tạo bản dự thảo báo cáo. Tải bản DOCX đã điền sẵn số liệu để hoàn thiện."),
        url_for("party.level_report", body_id=body.id, campaign=campaign.id),
    )


def _report_or_404(body, campaign):
    report = level_reports.get_report(db.session(), campaign, body)
    if report is None:
        abort(404)
    return report


@bp.post("/level-reports/<int:body_id>/narrative")
def level_report_narrative(body_id: int):
    body = _body_or_404(body_id)
    campaign = selected_campaign()
    report = _report_or_404(body, campaign)
    form = forms.NarrativeForm()
    return _act(
        lambda: level_reports.save_narrative(db.session(), me(), report, form.data, form.version.data or None),
        _("Đã lưu nội dung báo cáo."),
        url_for("party.level_report", body_id=body.id, campaign=campaign.id),
        lambda exc: _render_level_report(body, campaign, narrative=form, errors=exc.fields, status=exc.http_status),
    )


@bp.post("/level-reports/<int:body_id>/narrative/autosave")
def level_report_narrative_autosave(body_id: int):
    """With JavaScript: the narrative saved as it is typed, by the same save (and version check) as
    "Lưu nội dung"; JSON for js/autosave.js (portal.autosave)."""
    body = _body_or_404(body_id)
    campaign = selected_campaign()
    report = _report_or_404(body, campaign)
    form = forms.NarrativeForm()
    _done, refusal = run(lambda: level_reports.save_narrative(db.session(), me(), report, form.data,
                                                              form.version.data or None))
    if refusal is not None:
        return autosave.refused(refusal, form=form)
    db.commit()
    return autosave.saved(report.version, clock.now())


@bp.post("/level-reports/<int:body_id>/scan")
def level_report_scan(body_id: int):
    body = _body_or_404(body_id)
    campaign = selected_campaign()
    report = _report_or_404(body, campaign)
    form = forms.ScanForm()
    upload = form.file.data
    session = db.session()
    if me().role not in level_reports.AUTHOR_ROLES or body.unit_id != me().unit_id:
        abort(404)

    def attach():
        if upload is None or not getattr(upload, "filename", ""):
            raise DomainError(_("Hãy chọn tệp PDF."), fields={"scan": _("Hãy chọn tệp PDF.")})
        stored = stored_files.store(session, filename=upload.filename, data=upload.read(), allowed=(stored_files.PDF,), user=me())
        level_reports.attach_scan(session, me(), report, stored)

    _result, refusal = run(attach)
    if refusal is not None:
        flash(refusal.message, "error")
        errors = {"scan": refusal.fields.get("file") or refusal.fields.get("scan") or refusal.message}
        return _render_level_report(body, campaign, errors=errors, status=refusal.http_status)
    db.commit()
    flash(_("Đã đính kèm bản scan."), "success")
    return redirect(url_for("party.level_report", body_id=body.id, campaign=campaign.id), 303)


def _transition(body_id: int, action: str):
    body = _body_or_404(body_id)
    campaign = selected_campaign()
    report = _report_or_404(body, campaign)
    form = forms.ReturnForm()
    session = db.session()
    version = form.version.data or None
    step, done = {
        "submit": (lambda: level_reports.submit(session, me(), report, version),
                   _("Đã gửi báo cáo đến Ban Dân vận Tỉnh ủy.")),
        "acknowledge": (lambda: level_reports.acknowledge(session, me(), report, version), _("Đã tiếp nhận báo cáo.")),
        "return": (lambda: level_reports.request_correction(session, me(), report, form.reason.data, version),
                   _("Đã yêu cầu chỉnh sửa báo cáo.")),
    }[action]
    return _act(
        step, done, url_for("party.level_report", body_id=body.id, campaign=campaign.id),
        lambda exc: _render_level_report(body, campaign, return_form=form, errors=exc.fields, status=exc.http_status),
    )


@bp.post("/level-reports/<int:body_id>/submit")
def level_report_submit(body_id: int):
    return _transition(body_id, "submit")


@bp.post("/level-reports/<int:body_id>/acknowledge")
def level_report_acknowledge(body_id: int):
    return _transition(body_id, "acknowledge")


@bp.post("/level-reports/<int:body_id>/return")
def level_report_return(body_id: int):
    return _transition(body_id, "return")


@bp.get("/level-reports/<int:body_id>/draft.docx")
def level_report_docx(body_id: int):
    body = _body_or_404(body_id)
    campaign = selected_campaign()
    as_of, _error = selected_as_of()
    session = db.session()
    data = level_reports.prefill(session, campaign, body, as_of)
    payload = level_reports.draft_docx(data, level_reports.get_report(session, campaign, body))
    name = f"bao-cao-ket-qua-dai-hoi-{fold(body.name).replace(' ', '-')}.docx"
    return send_file(io.BytesIO(payload), mimetype=stored_files.DOCX, as_attachment=True, download_name=name, max_age=0)


@bp.get("/level-reports/<int:body_id>/scan")
def level_report_scan_file(body_id: int):
    body = _body_or_404(body_id)
    report = _report_or_404(body, selected_campaign())
    if report.scan is None:
        abort(404)
    return _send_stored(report.scan)


# ---- steering committees -------------------------------------------------------------------


@bp.get("/steering")
def steering_list():
    campaign = selected_campaign()
    session = db.session()
    scope = me().unit
    units = list(session.scalars(
        units_visible_to(me()).where(Unit.level.in_(steering.LEVELS), Unit.active.is_(True)).order_by(Unit.level.desc(), Unit.path)
    ))
    committees = {c.unit_id: c for c in steering.committees_in_scope(session, campaign, scope)}
    rows = [(u, committees.get(u.id), steering.warnings(committees.get(u.id))) for u in units]
    return render_template("party/steering_list.html", campaign=campaign, rows=rows)


@bp.get("/steering/export.xlsx")
def steering_export_all():
    campaign = selected_campaign()
    committees = steering.committees_in_scope(db.session(), campaign, me().unit)
    return send_file(io.BytesIO(steering.export_xlsx(committees)), mimetype=stored_files.XLSX, as_attachment=True,
                     download_name="ban-chi-dao-dai-hoi.xlsx", max_age=0)


def _steering_unit(unit_id: int) -> Unit:
    unit = visible_unit_or_404(unit_id)
    if not steering.has_committee(unit):
        abort(404)
    return unit


def _render_steering(unit, campaign, *, decision=None, member=None, errors=None, status=200, conflict=False):
    """The committee's page. `conflict`: the decision form posted was stale: the page shows the decision as
    stored (above) and the form as typed, on the current version, without autosave: saving it again is the
    user's choice to keep what they typed."""
    committee = steering.get(db.session(), campaign, unit)
    if decision is None:
        decision = forms.DecisionForm(formdata=None, obj=committee)
        if committee and committee.decision_date:
            decision.decision_date.data = committee.decision_date.strftime("%d/%m/%Y")
    if decision.version.data in (None, "") or conflict:
        decision.version.data = committee.version if committee else 0  # 0: opened before there was a committee
    return render_template(
        "party/steering.html", unit=unit, campaign=campaign, committee=committee,
        warnings=steering.warnings(committee), can_edit=steering.can_edit(me(), unit),
        decision=decision, member=member or forms.MemberForm(formdata=None), errors=errors or {}, conflict=conflict,
    ), status


@bp.get("/units/<int:unit_id>/steering")
def steering_show(unit_id: int):
    return _render_steering(_steering_unit(unit_id), selected_campaign())


@bp.get("/units/<int:unit_id>/steering.xlsx")
def steering_export(unit_id: int):
    unit = _steering_unit(unit_id)
    committee = steering.get(db.session(), selected_campaign(), unit)
    payload = steering.export_xlsx([committee] if committee else [])
    return send_file(io.BytesIO(payload), mimetype=stored_files.XLSX, as_attachment=True,
                     download_name=f"ban-chi-dao-{unit.code.lower()}.xlsx", max_age=0)


def _save_decision(unit, campaign, form, version):
    """The decision form's save, for its button and its autosave alike (the date is read by the domain)."""
    return lambda: steering.save_decision(db.session(), me(), campaign, unit, number=form.decision_number.data,
                                          date=form.decision_date.data, expected_version=version)


@bp.post("/units/<int:unit_id>/steering/decision")
def steering_decision(unit_id: int):
    unit = _steering_unit(unit_id)
    campaign = selected_campaign()
    form = forms.DecisionForm()
    return _act(
        _save_decision(unit, campaign, form, form.version.data), _("Đã lưu quyết định thành lập Ban Chỉ đạo."),
        url_for("party.steering_show", unit_id=unit.id, campaign=campaign.id),
        lambda exc: _render_steering(unit, campaign, decision=form, errors=exc.fields, status=exc.http_status,
                                     conflict=isinstance(exc, Conflict)),
    )


@bp.post("/units/<int:unit_id>/steering/decision/autosave")
def steering_decision_autosave(unit_id: int):
    """With JavaScript: the decision saved as it is typed, by the same save (and version check) as "Lưu";
    JSON for js/autosave.js (portal.autosave)."""
    unit = _steering_unit(unit_id)
    campaign = selected_campaign()
    form = forms.DecisionForm()
    # The page always posts the version it holds; a post without one compares nothing, so it counts as stale
    # (-1: no committee has it) rather than as a save that may overwrite anyone's.
    committee, refusal = run(_save_decision(unit, campaign, form, form.version.data or -1))
    if refusal is not None:
        return autosave.refused(refusal, form=form)
    db.commit()
    return autosave.saved(committee.version, clock.now())


@bp.post("/units/<int:unit_id>/steering/members")
def steering_member_add(unit_id: int):
    unit = _steering_unit(unit_id)
    campaign = selected_campaign()
    form = forms.MemberForm()
    return _act(
        lambda: steering.add_member(
            db.session(), me(), campaign, unit, full_name=form.full_name.data, title=form.title.data,
            agency=form.agency.data, agency_kind=form.agency_kind.data, role=form.role.data,
        ),
        _("Đã thêm thành viên Ban Chỉ đạo."),
        url_for("party.steering_show", unit_id=unit.id, campaign=campaign.id),
        lambda exc: _render_steering(unit, campaign, member=form, errors=exc.fields, status=exc.http_status),
    )


@bp.post("/units/<int:unit_id>/steering/members/<int:member_id>/delete")
def steering_member_delete(unit_id: int, member_id: int):
    unit = _steering_unit(unit_id)
    campaign = selected_campaign()
    return _act(
        lambda: steering.remove_member(db.session(), me(), campaign, unit, member_id),
        _("Đã xóa thành viên."), url_for("party.steering_show", unit_id=unit.id, campaign=campaign.id),
    )


# ---- emulation: works and exemplary people -------------------------------------------------


def _render_emulation(unit, campaign, *, work=None, exemplary=None, errors=None, status=200):
    session = db.session()
    children = children_of(session, unit)[:200] if unit.level != "grassroots" else []
    return render_template(
        "party/emulation.html", unit=unit, campaign=campaign,
        works=emulation.works_of(session, campaign, unit), exemplary_rows=emulation.exemplary_of(session, campaign, unit),
        summary=emulation.summary(session, campaign, unit),
        by_child=emulation.summary_by_child(session, campaign, unit) if children else {}, children=children,
        can_edit=emulation.can_edit(me(), unit), work=work or forms.WorkForm(formdata=None),
        exemplary=exemplary or forms.ExemplaryForm(formdata=None),
        errors=errors or {},
    ), status


@bp.get("/units/<int:unit_id>/emulation")
def emulation_show(unit_id: int):
    return _render_emulation(visible_unit_or_404(unit_id), selected_campaign())


@bp.post("/units/<int:unit_id>/emulation/works")
def work_add(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    form = forms.WorkForm()
    errors: dict = {}
    if not form.validate():
        errors.update({k: v[0] for k, v in form.errors.items() if k != "csrf_token"})
    day = _date_field(form.completed_on, errors)

    def add():
        if errors:
            raise DomainError(_("Thông tin công trình chưa hợp lệ."), fields=errors)
        emulation.add_work(db.session(), me(), campaign, unit, name=form.name.data, value_vnd=form.value_vnd.data,
                           completed_on=day)

    return _act(
        add, _("Đã thêm công trình, sản phẩm chào mừng đại hội."),
        url_for("party.emulation_show", unit_id=unit.id, campaign=campaign.id),
        lambda exc: _render_emulation(unit, campaign, work=form, errors=exc.fields, status=exc.http_status),
    )


@bp.post("/units/<int:unit_id>/emulation/exemplary")
def exemplary_add(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    form = forms.ExemplaryForm()
    return _act(
        lambda: emulation.add_exemplary(
            db.session(), me(), campaign, unit, kind=form.kind.data, name=form.name.data,
            achievement=form.achievement.data, commendation=form.commendation.data,
        ),
        _("Đã thêm điển hình tiên tiến."),
        url_for("party.emulation_show", unit_id=unit.id, campaign=campaign.id),
        lambda exc: _render_emulation(unit, campaign, exemplary=form, errors=exc.fields, status=exc.http_status),
    )


@bp.post("/units/<int:unit_id>/emulation/<kind>/<int:entry_id>/delete")
def emulation_delete(unit_id: int, kind: str, entry_id: int):
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    model = {"works": CongressWork, "exemplary": ExemplaryEntry}.get(kind)
    if model is None:
        abort(404)
    return _act(
        lambda: emulation.delete_entry(db.session(), me(), unit, model, entry_id),
        _("Đã xóa."), url_for("party.emulation_show", unit_id=unit.id, campaign=campaign.id),
    )


# ---- guidance documents and announcements ---------------------------------------------------


@bp.get("/documents")
def document_list():
    session = db.session()
    user = me()
    kind = request.args.get("kind", "")
    before = request.args.get("before", type=parse_id)
    items = documents.feed(session, user, kind=kind or None, limit=30, before_id=before)
    published = documents.published_by_scope(session, user, limit=30) if not before else []
    return render_template(
        "party/documents.html", items=items, published=published, kind=kind,
        can_publish=user.role in documents.PUBLISH_ROLES,
        next_before=items[-1].document.id if len(items) == 30 else None,
        templates=form_templates.TEMPLATES,
    )


@bp.get("/documents/templates/<key>.docx")
def form_template(key: str):
    if key not in form_templates.TEMPLATES:
        abort(404)
    payload = form_templates.build(key, selected_campaign().term)
    return send_file(io.BytesIO(payload), mimetype=stored_files.DOCX, as_attachment=True, download_name=f"{key}.docx", max_age=0)


def _document_form(form: forms.DocumentForm) -> forms.DocumentForm:
    user = me()
    units = [user.unit] + (children_of(db.session(), user.unit) if user.unit.level != "grassroots" else [])
    form.targets.choices = forms.choices({u.id: u.name for u in units})
    return form


@bp.route("/documents/new", methods=["GET", "POST"])
@roles_required(*documents.PUBLISH_ROLES)
def document_new():
    form = _document_form(forms.DocumentForm())
    if request.method == "GET":
        return render_template("party/document_new.html", form=form, errors={})
    form.validate()
    session = db.session()
    errors: dict = {k: v[0] for k, v in form.errors.items() if k != "csrf_token"}
    ack_by = _date_field(form.ack_by, errors)

    def publish():
        if errors:
            raise DomainError(_("Văn bản chưa hợp lệ."), fields=errors)
        targets = list(session.scalars(units_visible_to(me()).where(Unit.id.in_(form.targets.data or []))))
        upload = form.file.data
        stored = None
        if upload is not None and getattr(upload, "filename", ""):
            stored = stored_files.store(session, filename=upload.filename, data=upload.read(),
                                        allowed=(stored_files.PDF, stored_files.DOCX, stored_files.XLSX), user=me())
        return documents.publish(
            session, me(), kind=form.kind.data, title=form.title.data, body=form.body.data,
            levels=form.levels.data or [], targets=targets, ack_by=ack_by, file=stored,
        )

    doc, refusal = run(publish)
    if refusal is not None:
        flash(refusal.message, "error")
        return render_template("party/document_new.html", form=form, errors=refusal.fields), refusal.http_status
    db.commit()
    flash(_("Đã đăng văn bản."), "success")
    return redirect(url_for("party.document_show", document_id=doc.id), 303)


def _document_or_404(document_id: int):
    doc = documents.get_visible(db.session(), me(), document_id)
    if doc is None:
        abort(404)
    return doc


@bp.get("/documents/<int:document_id>")
def document_show(document_id: int):
    doc = _document_or_404(document_id)
    session = db.session()
    user = me()
    documents.mark_opened(session, user, doc)
    db.commit()
    receipt = session.scalar(select(documents.DocumentReceipt).where(
        documents.DocumentReceipt.document_id == doc.id, documents.DocumentReceipt.user_id == user.id))
    manage = documents.can_manage(user, doc)
    show = request.args.get("show", "")
    page = max(1, request.args.get("page", 1, type=parse_id) or 1)
    return render_template(
        "party/document.html", doc=doc, receipt=receipt, in_audience=documents.in_audience(doc, user.unit),
        manage=manage, show=show, page=page,
        tracking=documents.tracking(session, doc) if manage else None,
        rows=documents.tracking_rows(session, doc, only=show, page=page) if manage else [],
        form=forms.VersionForm(),
    )


@bp.get("/documents/<int:document_id>/file")
def document_file(document_id: int):
    doc = _document_or_404(document_id)
    if doc.file is None:
        abort(404)
    documents.mark_opened(db.session(), me(), doc)
    db.commit()
    return _send_stored(doc.file)


@bp.post("/documents/<int:document_id>/acknowledge")
def document_acknowledge(document_id: int):
    doc = _document_or_404(document_id)
    return _act(
        lambda: documents.acknowledge(db.session(), me(), doc),
        _("Đã xác nhận đã đọc."), url_for("party.document_show", document_id=doc.id),
    )


@bp.post("/documents/<int:document_id>/remind")
def document_remind(document_id: int):
    doc = _document_or_404(document_id)
    back = url_for("party.document_show", document_id=doc.id)
    return _act(
        lambda: documents.remind(db.session(), me(), doc, back),
        lambda n: ngettext("Đã gửi nhắc nhở đến %(num)s tài khoản.", "Đã gửi nhắc nhở đến %(num)s tài khoản.", n),
        back,
    )


# ---- panels other pages include ------------------------------------------------------------


def home_panel(session, user, campaign) -> dict:
    """The home page's feed of documents and, for Ban Dân vận, the level-report checklist count."""
    panel = {"party_feed": documents.feed(session, user, limit=5)}
    if user.role in level_reports.RECEIVER_ROLES:
        panel["level_counts"] = level_reports.checklist_counts(session, campaign, user.unit)
    if user.role in level_reports.AUTHOR_ROLES:
        panel["own_body"] = level_reports.own_body(session, user)
    return panel


def unit_panel(session, campaign, unit) -> dict:
    """A unit's page: its steering committee (members and warnings) and its emulation totals."""
    committee = steering.get(session, campaign, unit) if steering.has_committee(unit) else None
    return {
        "steering_committee": committee,
        "steering_warnings": steering.warnings(committee) if steering.has_committee(unit) else [],
        "emulation_summary": emulation.summary(session, campaign, unit),
    }
