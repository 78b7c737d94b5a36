"""Level reports of party bodies to Ban Dân vận: scope, workflow, checklist, DOCX pre-fill."""
from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document as Docx
from sqlalchemy import func, select

from shared import level_reports
from shared.models import CongressReport, LevelReport, Notification, PartyBody, Unit, User
from shared.progress import progress_by_level
from shared.text import format_number
from tests.party.conftest import PDF_BYTES, PNG_BYTES


def _url(body, suffix=""):
    return f"/party/level-reports/{body.id}{suffix}"


def _version(db, campaign, body) -> int:
    db.expire_all()
    return level_reports.get_report(db, campaign, body).version


def _write_and_submit(c, db, party, body):
    assert c.post_form(_url(body, "/start")).status_code == 303
    v = _version(db, party.campaign, body)
    assert c.post_form(_url(body, "/narrative"), {"version": v, "assessment": "Đại hội thành công.\n\nĐúng tiến độ."}).status_code == 303
    resp = c.post_form(_url(body, "/scan"), {"file": (io.BytesIO(PDF_BYTES), "bao-cao.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 303
    return c.post_form(_url(body, "/submit"), {"version": _version(db, party.campaign, body)})


def test_party_committee_writes_attaches_and_submits_its_level_report(party, as_user, db):
    c = as_user(party.pc1)
    assert c.get("/party/level-reports").headers["Location"].startswith(_url(party.bodies.d1))
    resp = _write_and_submit(c, db, party, party.bodies.d1)
    assert resp.status_code == 303
    db.expire_all()
    report = level_reports.get_report(db, party.campaign, party.bodies.d1)
    assert report.status == "submitted" and report.submitted_by_id == party.pc1.id
    assert report.assessment == "Đại hội thành công.\n\nĐúng tiến độ."  # paragraphs kept
    coordinators = db.scalars(select(Notification.user_id)).all()
    assert party.coordinator.id in coordinators


def test_a_party_committee_cannot_see_or_submit_another_districts_report(party, as_user, db, factory):
    own = as_user(party.pc1)
    _write_and_submit(own, db, party, party.bodies.d1)
    other = as_user(party.pc2)
    body = party.bodies.d1
    for url in (_url(body), _url(body, "/draft.docx"), _url(body, "/scan")):
        assert other.get(url).status_code == 404, url
    for url in (_url(body, "/start"), _url(body, "/narrative"), _url(body, "/submit"), _url(body, "/acknowledge")):
        assert other.post_form(url, {"version": 1, "assessment": "x"}).status_code == 404, url
    # The federation's delegation sees its own report only, not the districts'.
    assert as_user(party.delegation).get(_url(body)).status_code == 404
    # A union account has no level-report pages at all.
    district = as_user(factory.user("district", party.t.d1))
    assert district.get(_url(body)).status_code == 404
    assert district.get("/party/level-reports").status_code == 403


def test_submission_needs_the_assessment_and_the_signed_scan(party, as_user, db):
    c = as_user(party.pc1)
    c.post_form(_url(party.bodies.d1, "/start"))
    resp = c.post_form(_url(party.bodies.d1, "/submit"), {"version": _version(db, party.campaign, party.bodies.d1)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Hãy viết phần đánh giá chung" in html
    assert level_reports.get_report(db, party.campaign, party.bodies.d1).status == "draft"


def test_the_scan_must_really_be_a_pdf(party, as_user, db):
    c = as_user(party.pc1)
    c.post_form(_url(party.bodies.d1, "/start"))
    resp = c.post_form(_url(party.bodies.d1, "/scan"), {"file": (io.BytesIO(PNG_BYTES), "scan.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "Chỉ nhận tệp PDF" in resp.get_data(as_text=True)
    db.expire_all()
    assert level_reports.get_report(db, party.campaign, party.bodies.d1).scan_file_id is None


def test_coordinator_asks_for_a_correction_then_acknowledges(party, as_user, db):
    author = as_user(party.pc1)
    _write_and_submit(author, db, party, party.bodies.d1)
    coord = as_user(party.coordinator)
    body = party.bodies.d1
    v = _version(db, party.campaign, body)
    resp = coord.post_form(_url(body, "/return"), {"version": v, "reason": "  "})
    assert resp.status_code == 422 and "Hãy ghi lý do" in resp.get_data(as_text=True)
    assert coord.post_form(_url(body, "/return"), {"version": v, "reason": "Bổ sung số liệu đại hội điểm."}).status_code == 303
    db.expire_all()
    report = level_reports.get_report(db, party.campaign, body)
    assert report.status == "returned" and report.return_reason == "Bổ sung số liệu đại hội điểm."
    note = db.scalar(select(Notification).where(Notification.user_id == party.pc1.id))
    assert "Bổ sung số liệu" in note.text
    assert "Bổ sung số liệu đại hội điểm." in author.get(_url(body)).get_data(as_text=True)
    # The author corrects and resubmits; a stale version is refused, the current one goes through.
    assert author.post_form(_url(body, "/submit"), {"version": v}).status_code == 409
    assert author.post_form(_url(body, "/submit"), {"version": _version(db, party.campaign, body)}).status_code == 303
    assert coord.post_form(_url(body, "/acknowledge"), {"version": _version(db, party.campaign, body)}).status_code == 303
    db.expire_all()
    assert level_reports.get_report(db, party.campaign, body).status == "acknowledged"
    # The signed scan is downloadable by Ban Dân vận, as an attachment.
    resp = coord.get(_url(body, "/scan"))
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert resp.headers["Content-Disposition"].startswith("attachment")


def test_checklist_counts_each_status_and_shows_received_over_expected(party, as_user, db, today):
    today(dt.date(2023, 8, 5))
    b = party.bodies
    now = dt.datetime(2023, 8, 3, 9, 0)
    db.add_all([
        LevelReport(campaign_id=party.campaign.id, party_body_id=b.d1.id, status="submitted", submitted_at=now),
        LevelReport(campaign_id=party.campaign.id, party_body_id=b.province.id, status="draft"),
    ])
    extra = PartyBody(unit_id=party.t.g11.id, name="Đảng ủy Khối", kind="district_committee")
    db.add(extra)
    db.flush()
    db.add(LevelReport(campaign_id=party.campaign.id, party_body_id=extra.id, status="acknowledged", submitted_at=now))
    db.commit()
    counts = level_reports.checklist_counts(db, party.campaign, party.t.province)
    assert (counts.expected, counts.not_started, counts.draft, counts.submitted, counts.acknowledged) == (4, 1, 1, 1, 1)
    assert counts.received == 2
    coord = as_user(party.coordinator)
    html = coord.get("/party/level-reports").get_data(as_text=True)
    assert "Báo cáo cấp ủy đã nhận: 2/4" in html
    assert re.search(rf'data-body="{b.d2.id}" data-status="not_started"', html)
    assert "Báo cáo cấp ủy đã nhận: 2/4" in coord.get("/").get_data(as_text=True)  # the home page count
    # A district's checklist counts its own subtree only.
    assert level_reports.checklist_counts(db, party.campaign, party.t.d1).phrase == "Báo cáo cấp ủy đã nhận: 2/2"


def test_due_date_is_the_level_deadline_plus_the_grace_period(party, db, today):
    party.campaign.level_report_grace_days = 10
    db.commit()
    assert level_reports.due_date(party.campaign, party.bodies.d1) == dt.date(2023, 8, 10)
    assert level_reports.due_date(party.campaign, party.bodies.province) == dt.date(2023, 11, 10)
    today(dt.date(2023, 8, 11))
    rows = {r.body.id: r for r in level_reports.checklist(db, party.campaign, party.coordinator)}
    assert rows[party.bodies.d1.id].late and not rows[party.bodies.province.id].late


def _docx_tables(data: bytes):
    """The gridded tables of figures (the header and signature blocks are borderless layout tables)."""
    doc = Docx(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables if t.style.name == "Table Grid"]


def test_docx_draft_carries_the_live_progress_figures_of_the_scope(demo, db, client, login_as):
    login_as("thanhuy_rachgia", "demo1234")
    user = db.scalar(select(User).where(User.username == "thanhuy_rachgia"))
    body = db.scalar(select(PartyBody).where(PartyBody.unit_id == user.unit_id))
    campaign = db.scalar(select(CongressReport.campaign_id).limit(1))
    resp = client.get(f"/party/level-reports/{body.id}/draft.docx")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    tables = _docx_tables(resp.data)
    progress = tables[0]
    from shared.models import Campaign

    expected = progress_by_level(db, db.get(Campaign, campaign), user.unit)
    rows = {r[0]: r for r in progress[1:]}
    from shared.models import LEVEL_LABELS
    for level in ("grassroots", "district"):
        c = expected[level]
        row = rows[str(LEVEL_LABELS[level])]
        assert row[1:9] == [format_number(getattr(c, f)) for f, _ in level_reports.PROGRESS_COLUMNS]
    assert int(rows[str(LEVEL_LABELS["grassroots"])][2].replace(".", "")) > 100  # Rạch Giá held many congresses
    # The personnel table equals a direct sum over the scope's held congresses.
    rg = user.unit
    women = db.scalar(
        select(func.sum(CongressReport.executive_women)).join(Unit, Unit.id == CongressReport.unit_id)
        .where(Unit.path.startswith(rg.path), Unit.level == "grassroots", CongressReport.held_date.is_not(None))
    )
    personnel = {r[0]: r for r in tables[1]}
    assert personnel["Nữ"][1].startswith(format_number(women) + " (")


def test_docx_draft_includes_the_narrative_written_in_the_portal(party, as_user, db):
    c = as_user(party.pc1)
    c.post_form(_url(party.bodies.d1, "/start"))
    c.post_form(_url(party.bodies.d1, "/narrative"), {"version": _version(db, party.campaign, party.bodies.d1), "lessons": "Chọn đại hội điểm sớm."})
    doc = Docx(io.BytesIO(c.get(_url(party.bodies.d1, "/draft.docx")).data))
    text = "\n".join(p.text for p in doc.paragraphs)
    header = "\n".join(cell.text for cell in doc.tables[0].rows[0].cells)
    assert "Chọn đại hội điểm sớm." in text
    # The Party layout's header: the superior organisation, the body, the Party's name, the place and date.
    assert "ĐẢNG BỘ TỈNH THỬ NGHIỆM\nTHÀNH ỦY RẠCH GIÁ\n*" in header and "ĐẢNG CỘNG SẢN VIỆT NAM" in header
    assert "Rạch Giá, ngày " in header


def test_a_refused_submission_keeps_the_saved_narrative_on_screen(party, as_user, db):
    c = as_user(party.pc1)
    c.post_form(_url(party.bodies.d1, "/start"))
    c.post_form(_url(party.bodies.d1, "/narrative"), {"version": _version(db, party.campaign, party.bodies.d1), "assessment": "Hoàn thành 100 % đại hội."})
    resp = c.post_form(_url(party.bodies.d1, "/submit"), {"version": _version(db, party.campaign, party.bodies.d1)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Hãy đính kèm bản scan" in html
    assert "Hoàn thành 100 % đại hội." in html


def test_the_draft_counts_emulation_by_the_dashboards_rule(party, db, today):
    """G11 itemised 2 works in the register, G12 only reported 5 in its results: the draft says 7 works,
    as the dashboard does (shared.emulation.totals), not the register's 2."""
    import datetime as dt

    from shared.level_reports import prefill
    from shared.models import CongressReport, CongressWork

    today(dt.date(2023, 8, 1))
    t = party.t
    for unit, works in ((t.g11, 0), (t.g12, 5)):
        db.add(CongressReport(campaign_id=party.campaign.id, unit_id=unit.id, held_date=dt.date(2023, 4, 1),
                              status="draft", works_count=works))
    for i in range(2):
        db.add(CongressWork(campaign_id=party.campaign.id, unit_id=t.g11.id, name=f"Công trình {i}",
                            value_vnd=1_000_000, completed_on=dt.date(2023, 3, 1)))
    db.commit()
    data = prefill(db, party.campaign, party.bodies.d1, dt.date(2023, 8, 1))
    assert data.emulation.works == 7 and data.emulation.units_itemised == 1 and data.emulation.units_reported == 1


def test_the_narrative_autosaves_through_the_same_save_and_a_stale_autosave_overwrites_nothing(party, as_user, db):
    """js/autosave.js posts the narrative as it is typed: the same save as "Lưu nội dung", its version check."""
    c = as_user(party.pc1)
    body = party.bodies.d1
    c.post_form(_url(body, "/start"))
    page = c.get(_url(body)).get_data(as_text=True)
    assert f'data-autosave="{_url(body, "/narrative/autosave")}' in page and 'id="autosave-status"' in page
    v = _version(db, party.campaign, body)
    resp = c.post_form(_url(body, "/narrative/autosave"), {"version": v, "assessment": "Đang viết dở"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "saved"
    assert resp.get_json()["version"] == _version(db, party.campaign, body) == v + 1
    assert level_reports.get_report(db, party.campaign, body).assessment == "Đang viết dở"
    resp = c.post_form(_url(body, "/narrative/autosave"), {"version": v, "assessment": "Bản cũ hơn"})
    assert resp.status_code == 409 and resp.get_json()["status"] == "conflict"
    db.expire_all()
    assert level_reports.get_report(db, party.campaign, body).assessment == "Đang viết dở"
    resp = c.post_form(_url(body, "/narrative/autosave"), {"version": v + 1, "lessons": "x" * 20_001})
    assert resp.status_code == 422 and "lessons" in resp.get_json()["fields"]
    assert "Bài học kinh nghiệm" in resp.get_json()["message"]
