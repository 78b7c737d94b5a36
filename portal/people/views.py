"""The people of a congress (issue 19): the elected BCH, BTV and UBKT and the delegates to the higher congress,
entered one person at a time (each a card that stacks on a phone); the reviewer's quorum resolution and
recognition decision; the superior's delegate allocation and consolidated delegate list.

Every write goes through shared.reports.save_draft with the whole list as it should stand (rows carry their
ids; a person's id comes from the URL and must be one of this report's rows): the same rules, versions and
audit as the report form and the API. A person whose row has a contradiction (votes not above half of the
valid ballots, a second chair, delegates over the allocation) is refused here, not only at sending.
"""
from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from portal import db, files
from portal.access import me, visible_unit_or_404
from portal.actions import run
from portal.campaigns import selected_as_of, selected_campaign
from shared import people, review, stored_files, workflow
from shared.errors import Conflict, DomainError
from shared.i18n import _
from shared.models import CongressReport, Unit
from shared.reports import get_report, snapshot, save_draft
from shared.text import fold, parse_id
from shared.units import children_of
from shared.vocabulary import (
    BODY_LABELS,
    CHAIR_ELECTED_LABELS,
    DELEGATE_COLUMN_LABELS,
    DELEGATE_KIND_LABELS,
    FIELD_LABELS,
    GENDER_LABELS,
    LEVEL_LABELS,
    MEMBER_COLUMN_LABELS,
    POSITION_LABELS,
)

bp = Blueprint("people", __name__, template_folder="templates")

LABELS = dict(
    POSITION_LABELS=POSITION_LABELS, CHAIR_ELECTED_LABELS=CHAIR_ELECTED_LABELS, GENDER_LABELS=GENDER_LABELS,
    DELEGATE_KIND_LABELS=DELEGATE_KIND_LABELS, MEMBER_COLUMN_LABELS=MEMBER_COLUMN_LABELS, BODY_LABELS=BODY_LABELS,
    DELEGATE_COLUMN_LABELS=DELEGATE_COLUMN_LABELS, FIELD_LABELS=FIELD_LABELS, LEVEL_LABELS=LEVEL_LABELS,
    MEMBER_FLAGS=people.MEMBER_FLAGS,
)
KINDS = {"members": people.MEMBER_KEYS, "delegates": people.DELEGATE_KEYS}


@bp.app_context_processor
def _panel():
    """What the review page's one include line (people/_review_panel.html) reads."""
    return {"people_summary": people.personnel, "people_decision_text": people.decision_text, "people_labels": LABELS}


# ---- one unit's lists ----------------------------------------------------------------------------------------


def _load(unit_id: int):
    unit = visible_unit_or_404(unit_id)  # 404 outside the user's subtree: personal data stays in scope
    campaign = selected_campaign()
    return unit, campaign, get_report(db.session(), campaign, unit)


def _may_edit(unit, campaign, report) -> bool:
    return workflow.may_edit(me(), campaign, unit, report)


def _typed(kind: str, form) -> dict[str, Any]:
    """A person as typed on the card's form (what a failed save shows again)."""
    if kind == "members":
        row = {name: form.get(name, "") for name in ("full_name", "gender", "birth_year", "chair_elected", "votes")}
        row.update({flag: form.get(flag) == "on" for flag in people.MEMBER_FLAGS})
        row["positions"] = form.getlist("positions")
        return row
    row = {name: form.get(name, "") for name in ("full_name", "gender", "birth_year", "title", "kind")}
    row["ex_officio"] = form.get("ex_officio") == "on"
    return row


def _page(kind: str, unit, campaign, report, *, typed=None, editing=None, errors=None, message=None, status=200):
    data = snapshot(report) if report is not None else {"members": [], "delegates": []}
    body = request.args.get("body") if request.args.get("body") in BODY_LABELS else None
    rows = data[kind]
    if kind == "members" and body:
        test = {"executive": people.in_executive, "standing": people.in_standing, "inspection": people.in_inspection}[body]
        rows = [r for r in rows if test(r["positions"])]
    allocation = people.allocation_of(db.session(), campaign.id, unit.id) if kind == "delegates" else None
    template = "people/members.html" if kind == "members" else "people/delegates.html"
    return render_template(
        template, unit=unit, campaign=campaign, report=report, rows=rows, body=body, kind=kind,
        can_edit=_may_edit(unit, campaign, report), personnel=people.personnel(report) if report else None,
        typed=typed or {}, editing=editing, errors=errors or {}, message=message, allocation=allocation,
        version=report.version if report is not None else "", quorum_short=bool(report) and people.quorum_short(
            report.summoned, report.present), **LABELS,
    ), status


@bp.get("/units/<int:unit_id>/people")
def members(unit_id: int):
    return _page("members", *_load(unit_id))


@bp.get("/units/<int:unit_id>/people/delegates")
def delegates(unit_id: int):
    return _page("delegates", *_load(unit_id))


@bp.get("/units/<int:unit_id>/people/<kind>/<int:person_id>/edit")
def edit(unit_id: int, kind: str, person_id: int):
    if kind not in KINDS:
        abort(404)
    unit, campaign, report = _load(unit_id)
    row = _row_or_404(report, kind, person_id)
    return _page(kind, unit, campaign, report, typed=row, editing=person_id)


def _row_or_404(report: CongressReport | None, kind: str, person_id: int) -> dict[str, Any]:
    """A person of this report: an id of another report's row (edited into a URL or a field) is a 404."""
    for row in (snapshot(report)[kind] if report is not None else []):
        if row["id"] == person_id:
            return row
    abort(404)


def _write(unit_id: int, kind: str, person_id: int | None = None, *, delete: bool = False):
    if kind not in KINDS:
        abort(404)
    unit, campaign, report = _load(unit_id)
    form = request.form
    version = parse_id(form.get("version"))
    rows = [dict(r) for r in snapshot(report)[kind]] if report is not None else []
    typed = None if delete else _typed(kind, form)
    index = None
    if person_id is not None:
        _row_or_404(report, kind, person_id)
        index = next(i for i, r in enumerate(rows) if r["id"] == person_id)
        if delete:
            del rows[index]
        else:
            rows[index] = {**typed, "id": person_id}
    else:
        rows.append(typed)
        index = len(rows) - 1

    def save():
        saved = save_draft(db.session(), campaign, unit, me(), {kind: rows}, version)
        if not delete:  # this person's own contradictions, and the list's (a second chair, over the allocation)
            mine = {k: v for k, v in saved.errors.items() if k == kind or k.startswith(f"{kind}-{index}-")}
            if mine:
                raise DomainError(_("Chưa lưu: có ô cần sửa, hãy xem các ô được đánh dấu."), fields=mine)
        return saved

    _saved, refusal = run(save)
    if refusal is not None:
        fresh = get_report(db.session(), campaign, unit)
        errors = {k.rsplit("-", 1)[-1] if k.startswith(f"{kind}-") else k: v for k, v in refusal.fields.items()}
        if isinstance(refusal, Conflict):
            message = _("Danh sách đã được người khác thay đổi sau khi bạn mở. Đây là danh sách hiện tại; "
                        "những gì bạn nhập vẫn còn trong ô, hãy lưu lại nếu vẫn đúng.")
        else:
            message = refusal.message
        return _page(kind, unit, campaign, fresh, typed=typed, editing=person_id, errors=errors, message=message,
                     status=refusal.http_status)
    db.commit()
    flash(_("Đã xóa.") if delete else _("Đã lưu."), "success")
    endpoint = "people.members" if kind == "members" else "people.delegates"
    return redirect(url_for(endpoint, unit_id=unit.id, campaign=campaign.id), 303)


@bp.post("/units/<int:unit_id>/people/<kind>")
def add(unit_id: int, kind: str):
    return _write(unit_id, kind)


@bp.post("/units/<int:unit_id>/people/<kind>/<int:person_id>")
def update(unit_id: int, kind: str, person_id: int):
    return _write(unit_id, kind, person_id)


@bp.post("/units/<int:unit_id>/people/<kind>/<int:person_id>/delete")
def delete(unit_id: int, kind: str, person_id: int):
    return _write(unit_id, kind, person_id, delete=True)


@bp.post("/units/<int:unit_id>/people/ballots")
def ballots(unit_id: int):
    unit, campaign, report = _load(unit_id)
    form = request.form
    data = {name: form.get(name, "") for name in ("ballots_issued", "ballots_valid", "quorum_reason")}
    _saved, refusal = run(save_draft, db.session(), campaign, unit, me(), data, parse_id(form.get("version")))
    if refusal is not None:
        fresh = get_report(db.session(), campaign, unit)
        return _page("members", unit, campaign, fresh, typed={"ballots": data}, errors=refusal.fields,
                     message=refusal.message, status=refusal.http_status)
    db.commit()
    flash(_("Đã lưu."), "success")
    return redirect(url_for("people.members", unit_id=unit.id, campaign=campaign.id), 303)


# ---- the reviewer: quorum resolution, recognition decision -------------------------------------------------------


def _report_or_404(report_id: int) -> CongressReport:
    return review.get_report_for_review(db.session(), me(), report_id)  # NotFound outside the scope


def _decision_page(report: CongressReport, *, errors=None, typed=None, message=None, status=200):
    user = me()
    return render_template(
        "people/decision.html", report=report, data=snapshot(report), personnel=people.personnel(report),
        reviewer=workflow.is_reviewer(user, report), refusal=people.decision_refusal(user, report),
        quorum_short=people.quorum_short(report.summoned, report.present), errors=errors or {}, typed=typed or {},
        message=message, **LABELS,
    ), status


@bp.get("/review/<int:report_id>/decision")
def decision(report_id: int):
    return _decision_page(_report_or_404(report_id))


@bp.post("/review/<int:report_id>/quorum")
def quorum(report_id: int):
    report = _report_or_404(report_id)
    text = request.form.get("quorum_resolution", "")
    _result, refusal = run(people.record_quorum_resolution, db.session(), me(), report, text,
                           parse_id(request.form.get("version")))
    if refusal is not None:
        report = _report_or_404(report_id)
        return _decision_page(report, errors=refusal.fields, typed={"quorum_resolution": text},
                              message=refusal.message, status=refusal.http_status)
    db.commit()
    flash(_("Đã ghi cách xử lý; báo cáo có thể được phê duyệt."), "success")
    return redirect(url_for("people.decision", report_id=report.id), 303)


@bp.post("/review/<int:report_id>/decision")
def decision_record(report_id: int):
    report = _report_or_404(report_id)
    form = request.form
    upload = request.files.get("scan")
    session = db.session()

    def record():
        scan = None
        if upload is not None and getattr(upload, "filename", ""):
            if people.decision_refusal(me(), report) is None:
                scan = stored_files.store(session, filename=upload.filename, data=upload.read(),
                                          allowed=(stored_files.PDF,), user=me())
        return people.record_decision(session, me(), report, number=form.get("decision_number"),
                                      signed_on=form.get("decision_date"), scan=scan,
                                      expected_version=parse_id(form.get("decision_version")))

    _result, refusal = run(record)
    if refusal is not None:
        report = _report_or_404(report_id)
        errors = dict(refusal.fields)
        if "file" in errors:
            errors["scan"] = errors.pop("file")
        return _decision_page(report, errors=errors, typed={k: form.get(k, "") for k in ("decision_number", "decision_date")},
                              message=refusal.message, status=refusal.http_status)
    db.commit()
    flash(_("Đã ghi quyết định công nhận."), "success")
    return redirect(url_for("people.decision", report_id=report.id), 303)


@bp.get("/review/<int:report_id>/decision.docx")
def decision_docx(report_id: int):
    report = _report_or_404(report_id)
    if not workflow.is_reviewer(me(), report) or report.status != "approved" or not report.members:
        abort(404)
    name = f"quyet-dinh-cong-nhan-{fold(report.unit.code).replace(' ', '-')}.docx"
    return send_file(io.BytesIO(people.decision_docx(report)), mimetype=stored_files.DOCX, as_attachment=True,
                     download_name=name, max_age=0)


@bp.get("/units/<int:unit_id>/people/decision-scan")
def decision_scan(unit_id: int):
    """The signed decision: the unit and everyone above it read it."""
    unit, campaign, report = _load(unit_id)
    if report is None or report.decision is None or report.decision.scan is None:
        abort(404)
    scan = report.decision.scan
    return files.send(db.session(), key=scan.storage_key, filename=scan.filename, content_type=scan.content_type,
                      size=scan.size)


# ---- the superior: allocations and the consolidated delegate list ------------------------------------------------


def _superior() -> Unit:
    unit_id = request.args.get("unit", type=parse_id)
    unit = visible_unit_or_404(unit_id) if unit_id else me().unit
    if unit.level == "grassroots":
        abort(404)
    return unit


@bp.get("/people/delegates")
def consolidated():
    superior = _superior()
    campaign = selected_campaign()
    session = db.session()
    children = children_of(session, superior)
    allocations = people.allocations_for_children(session, campaign, superior)
    rows = people.consolidated_delegates(session, campaign, superior)
    elected: dict[int, dict[str, int]] = {}
    for r in rows:
        counts = elected.setdefault(r.unit.id, {"official": 0, "alternate": 0})
        counts[r.delegate.kind] += 1
    as_of, _error = selected_as_of()
    return render_template(
        "people/consolidated.html", superior=superior, campaign=campaign, children=children, rows=rows,
        allocations=allocations, elected=elected, may_allocate=any(people.may_allocate(me(), c) for c in children[:1]),
        recognised=people.recognised_by_level(session, campaign, superior, as_of), as_of=as_of, **LABELS,
    )


@bp.post("/people/allocations/<int:unit_id>")
def allocate(unit_id: int):
    unit = visible_unit_or_404(unit_id)
    campaign = selected_campaign()
    form = request.form
    _row, refusal = run(people.set_allocation, db.session(), me(), campaign, unit, form.get("official"),
                        form.get("alternate"))
    if refusal is not None:
        flash(f"{unit.name}: {' '.join(refusal.fields.values()) or refusal.message}", "error")
        return redirect(url_for("people.consolidated", unit=unit.parent_id, campaign=campaign.id), 303)
    db.commit()
    flash(_("Đã lưu phân bổ đại biểu của %(unit)s.", unit=unit.name), "success")
    return redirect(url_for("people.consolidated", unit=unit.parent_id, campaign=campaign.id), 303)


@bp.get("/people/delegates.<fmt>")
def consolidated_export(fmt: str):
    if fmt not in ("xlsx", "docx"):
        abort(404)
    superior = _superior()
    campaign = selected_campaign()
    rows = people.consolidated_delegates(db.session(), campaign, superior)
    if fmt == "xlsx":
        payload, mimetype = people.delegates_xlsx(campaign, superior, rows), stored_files.XLSX
    else:
        payload, mimetype = people.delegates_docx(campaign, superior, rows), stored_files.DOCX
    return send_file(io.BytesIO(payload), mimetype=mimetype, as_attachment=True,
                     download_name=f"danh-sach-dai-bieu-{fold(superior.code).replace(' ', '-')}.{fmt}", max_age=0)
