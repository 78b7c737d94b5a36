"""Bulk entry from a spreadsheet: the pre-filled template, every row checked by the form's rules before any is
written, row-numbered errors, dry run, all-or-nothing or only the valid rows, sent reports never overwritten."""
from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from shared import workflow
from shared.errors import DomainError, Forbidden, NotFound
from shared.imports import Limits
from shared.models import AuditLog, CongressReport, Officer, Unit
from shared.reports import get_report, save_and_submit, save_draft
from shared.result_imports import COLUMNS, header, import_results, template_workbook
from tests.conftest import csrf_token
from tests.onbehalf.conftest import HEADERS, fingerprint, results, row, xlsx


def run(db, w, rows, *, user=None, scope=None, **options):
    data = rows if isinstance(rows, bytes) else xlsx(rows)
    return import_results(db, io.BytesIO(data), filename="ket-qua.xlsx", user=user or w.dist1,
                          scope=scope or w.d1, campaign=w.campaign, **options)


def errors_by_row(result) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for e in result.errors:
        out.setdefault(e.row, []).append(e.message)
    return out


def _report(db, w, unit):
    db.expire_all()
    return get_report(db, w.campaign, unit)


@pytest.fixture
def more(w, factory):
    """Three more account-less unions in Rạch Giá (40 members each)."""
    return [factory.unit(f"Công đoàn cơ sở Trường Mầm non Vĩnh Thanh {i}", "grassroots", w.d1, code=f"G1{i}",
                         members_count=40) for i in (3, 4, 5)]


# ---- the template --------------------------------------------------------------------------------------


def test_the_template_lists_the_districts_unions_with_what_their_reports_hold(db, w, more):
    save_draft(db, w.campaign, w.g12, w.dist1, {**results(w.g12), "officers-present": "1"}, None)
    db.commit()
    wb = load_workbook(io.BytesIO(template_workbook(db, w.dist1, w.d1, w.campaign)))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [header(c) for c in COLUMNS]
    by_code = {r[0]: dict(zip(COLUMNS, r)) for r in rows[1:]}
    assert set(by_code) == {"G11", "G12", "G13", "G14", "G15"}  # not G21 (Giồng Riềng), not the district itself
    assert by_code["G11"]["account"] == "có" and by_code["G12"]["account"] == "chưa có"
    assert by_code["G13"]["members_total"] == 40 and by_code["G13"]["held_date"] is None
    g12 = by_code["G12"]
    assert g12["status"] == "Bản nháp" and g12["form"] == "Đại hội đại biểu" and g12["held_date"] == dt.datetime(2023, 3, 10)
    assert g12["chair_name"] == "Nguyễn Thị Lan" and g12["chair_vote_pct"] == 92.5 and g12["executive_size"] == 5
    assert wb.worksheets[1].title == "Hướng dẫn"
    # Read back as it is, the template changes nothing
    result = run(db, w, template_workbook(db, w.dist1, w.d1, w.campaign))
    assert result.error_count == 0 and not result.planned and result.unchanged == 1 and result.blank == 4


def test_a_template_downloaded_in_english_reads_back(db, w, more):
    from shared import i18n

    with i18n.language("en"):
        data = template_workbook(db, w.dist1, w.d1, w.campaign)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert ws.cell(1, 1).value == "Unit code"
    ws.cell(3, COLUMNS.index("held_date") + 1).value = dt.datetime(2023, 3, 10)  # G12, a union without account
    out = io.BytesIO()
    wb.save(out)
    result = run(db, w, out.getvalue(), dry_run=True)
    assert result.error_count == 0 and [p.code for p in result.planned] == ["G12"]


def test_only_district_and_federation_accounts_get_the_template_or_import(db, w):
    for user in (w.rep11, w.observer):
        with pytest.raises(Forbidden):
            template_workbook(db, user, w.d1, w.campaign)
        with pytest.raises(Forbidden):
            run(db, w, [row("G12")], user=user)
    with pytest.raises(NotFound):
        template_workbook(db, w.dist1, w.d2, w.campaign)
    with pytest.raises(NotFound):
        run(db, w, [row("G21")], scope=w.d2)


# ---- importing -----------------------------------------------------------------------------------------


def test_good_rows_become_drafts_entered_on_behalf(db, w, more):
    result = run(db, w, [row("G13", vote=Decimal("0.925")), row("G14", pilot="có", form="toàn thể"), row("G15")])
    db.commit()
    assert result.applied and result.error_count == 0 and result.created == 3 and result.sent == 0
    for unit in more:
        report = _report(db, w, unit)
        assert report.status == "draft" and report.entered_by_id == w.dist1.id
        assert report.held_date == dt.date(2023, 3, 10) and report.present == 38 and report.form == "toan_the"
        assert [(o.role, o.full_name, o.vote_pct) for o in report.officers] == [("chair", "Nguyễn Văn An", Decimal("92.50"))]
    assert _report(db, w, more[1]).is_pilot
    summary = db.scalars(select(AuditLog).where(AuditLog.action == "results.import")).one()
    assert summary.changes["saved"] == 3 and summary.unit_id == w.d1.id
    assert db.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "report.save")) == 3


def test_sending_makes_sent_reports_and_keeps_the_chairs_colleagues(db, w, more):
    save_draft(db, w.campaign, more[0], w.dist1, {"officers": [
        {"role": "vice_chair", "full_name": "Trần Văn Bình", "vote_pct": "80"}]}, None)
    db.commit()
    result = run(db, w, [row("G13"), row("G14")], send=True)
    db.commit()
    assert result.applied and result.sent == 2
    report = _report(db, w, more[0])
    assert report.status == "submitted" and report.entered_by_id == w.dist1.id
    assert sorted(o.role for o in report.officers) == ["chair", "vice_chair"]


def test_bad_rows_are_row_numbered_and_nothing_is_written(db, w, more, factory):
    factory.unit("Công đoàn cơ sở Chợ Rạch Sỏi", "grassroots", w.d1, code="G16", members_count=40)
    save_and_submit(db, w.campaign, w.g12, w.dist1, results(w.g12), None)  # a report already sent
    db.commit()
    before = fingerprint(db)
    rows = [
        row("G13"),                                        # 2: good, but G13 is on row 12 too
        row("G99"),                                        # 3: no such unit
        row("G21"),                                        # 4: another district's union
        row("G12", members=300, form="Đại hội đại biểu"),  # 5: its report was sent: listed, not overwritten
        row("G14", present=45),                            # 6: more present than summoned
        row("G16", size="năm"),                            # 7: cannot be stored
        row("G15"),                                        # 8: G15 twice
        row("G15"),                                        # 9
        row("G11"),                                        # 10: has its own account
        row("D1"),                                         # 11: not a grassroots union
        row("G13", form="hội nghị"),                       # 12: an unknown form
    ]
    result = run(db, w, rows)
    assert not result.applied and result.error_rows == 10
    errors = errors_by_row(result)
    assert sorted(errors) == [2, 3, 4, 6, 7, 8, 9, 10, 11, 12]
    assert "Không có công đoàn cơ sở mã “G99”" in errors[3][0]
    assert errors[4] == ["Không có công đoàn cơ sở mã “G21” thuộc Liên đoàn Lao động thành phố Rạch Giá."]  # no hint of where it is
    assert errors[6] == ["Số có mặt: Không được lớn hơn “Số được triệu tập” (40)."]
    assert errors[7] == ["Số ủy viên BCH: Phải là số nguyên không âm."]
    assert "có ở nhiều dòng (8, 9)" in errors[8][0] and "có ở nhiều dòng (8, 9)" in errors[9][0]
    assert "Đơn vị đã có tài khoản" in errors[10][0]
    assert "Không có công đoàn cơ sở mã “D1”" in errors[11][0]
    assert "có ở nhiều dòng (2, 12)" in errors[2][0]
    assert any("Hình thức đại hội: “hội nghị” không hợp lệ" in e for e in errors[12])
    assert [(n.row, n.code, n.status) for n in result.not_overwritten] == [(5, "G12", "submitted")]
    db.rollback()
    assert fingerprint(db) == before


def test_contradictions_and_the_send_check_are_the_forms(db, w, more):
    result = run(db, w, [row("G13", reelected=4, new=2), row("G14", vote="50"), row("G15", held="15/05/2024")],
                 dry_run=True)
    errors = errors_by_row(result)
    assert any("Tái cử (4) cộng tham gia lần đầu (2) phải bằng số ủy viên BCH (5)" in e for e in errors[2])
    assert errors[3] == ["Chủ tịch: tỷ lệ phiếu bầu: Người trúng cử phải đạt trên 50 % số phiếu hợp lệ."]
    assert any("Ngày tổ chức đại hội: Phải trong thời gian của đợt đại hội" in e for e in errors[4])
    # A draft may lack what sending needs; sending may not
    partial = [row("G13", delegates=None, inspection=None)]
    assert run(db, w, partial, dry_run=True).error_count == 0
    sent = run(db, w, partial, dry_run=True, send=True)
    assert sorted(errors_by_row(sent)[2]) == sorted([
        "Đại biểu chính thức dự đại hội cấp trên: Bắt buộc nhập trước khi gửi báo cáo.",
        "Số ủy viên UBKT: Bắt buộc nhập trước khi gửi báo cáo."])


def test_only_the_valid_rows_when_asked(db, w, more):
    result = run(db, w, [row("G13"), row("G14", present=99), row("G15")], valid_only=True)
    db.commit()
    assert result.applied and result.error_rows == 1 and [p.code for p in result.planned] == ["G13", "G15"]
    assert _report(db, w, more[0]) is not None and _report(db, w, more[1]) is None and _report(db, w, more[2]) is not None


def test_a_dry_run_changes_nothing(db, w, more):
    before = fingerprint(db)
    result = run(db, w, [row("G13"), row("G14"), row("G15")], dry_run=True, send=True)
    assert result.dry_run and not result.applied and result.created == 3 and result.sent == 3
    db.rollback()
    assert fingerprint(db) == before


def test_empty_rows_and_rows_equal_to_the_report_are_skipped(db, w, more):
    run(db, w, [row("G13")])
    db.commit()
    result = run(db, w, [row("G13"), ["G14", "", 40] + [None] * 17, row("G15")])
    assert result.unchanged == 1 and result.blank == 1 and [p.code for p in result.planned] == ["G15"]
    # A row left as it was is not sent either: "send" applies to what the file enters
    db.commit()
    result = run(db, w, [row("G13"), row("G14", present=36)], send=True)
    db.commit()
    assert result.unchanged == 1 and [(p.code, p.sends) for p in result.planned] == [("G14", True)]
    assert _report(db, w, more[0]).status == "draft" and _report(db, w, more[1]).status == "submitted"


def test_the_federation_imports_for_a_district_and_a_district_only_its_own(db, w):
    result = run(db, w, [row("G21", members=25, summoned=25, present=23)], user=w.fed, scope=w.d2)
    db.commit()
    assert result.applied and _report(db, w, w.g21).entered_by_id == w.fed.id
    result = run(db, w, [row("G21", members=25)], user=w.dist1, scope=w.d1, dry_run=True)
    assert result.error_count == 1


def test_a_closed_campaign_takes_no_import(db, w):
    w.campaign.closed = True
    db.flush()
    with pytest.raises(DomainError, match="Đợt đại hội đã kết thúc"):
        run(db, w, [row("G12", members=300)])


def test_the_caps_refuse_a_file_before_parsing_it(db, w):
    big = xlsx([row(f"G{i}") for i in range(30)])
    with pytest.raises(DomainError, match="quá nhiều dòng"):
        run(db, w, big, limits=Limits(max_rows=10))
    with pytest.raises(DomainError, match="Tệp quá lớn"):
        run(db, w, big, limits=Limits(max_bytes=1000))
    with pytest.raises(DomainError, match="Không đọc được tệp Excel"):
        run(db, w, b"PK\x03\x04 not really a workbook")
    with pytest.raises(DomainError, match="thiếu cột “Mã đơn vị”"):
        run(db, w, xlsx([["x", "y"]], headers=["Tên", "Ngày"]))


def test_a_csv_typed_by_hand_imports_too(db, w, more):
    text = ";".join(HEADERS) + "\n" + ";".join(
        "" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime) else str(v)) for v in row("G13")) + "\n"
    result = import_results(db, io.BytesIO(text.encode("utf-8")), filename="ket-qua.csv", user=w.dist1, scope=w.d1,
                            campaign=w.campaign)
    assert result.applied and [p.code for p in result.planned] == ["G13"]


def test_five_hundred_unions_in_a_few_seconds_without_a_query_per_row(db, w, factory):
    """A district of 500 unions: the check reads the district's reports in one query whatever their number,
    and the whole import (500 reports created and saved, one transaction) takes a few seconds."""
    from shared.units import create_unit

    for i in range(500):
        create_unit(db, code=f"RG-{i:04d}", name=f"Công đoàn cơ sở Công ty {i}", level="grassroots", parent=w.d1,
                    members_count=40)
    db.commit()
    for unit in db.scalars(select(Unit).where(Unit.code.like("RG-%")).limit(100)):
        save_draft(db, w.campaign, unit, w.dist1, {"planned_date": "10/03/2023"}, None)  # some reports exist
    db.commit()
    data = xlsx([row(f"RG-{i:04d}") for i in range(500)])
    statements: list[str] = []
    listen = lambda *a: statements.append(a[2])  # noqa: E731 - (conn, cursor, statement, ...)
    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        result = run(db, w, data, dry_run=True)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert result.error_count == 0 and len(result.planned) == 500
    assert len(statements) <= 10, "\n".join(s[:80] for s in statements)
    started = time.perf_counter()
    result = run(db, w, data, send=True)
    db.commit()
    elapsed = time.perf_counter() - started
    assert result.applied and result.sent == 500
    assert db.scalar(select(func.count()).select_from(CongressReport).where(
        CongressReport.status == "submitted", CongressReport.entered_by_id == w.dist1.id)) == 500
    print(f"import of 500 rows: {elapsed:.2f} s")  # the time is the README's and the benchmark's, not a test's


# ---- the pages -----------------------------------------------------------------------------------------


def test_upload_shows_the_dry_run_and_the_confirmation_imports(db, w, more, client, login_as):
    login_as(w.dist1)
    page = client.get("/on-behalf/import").get_data(as_text=True)
    assert 'id="template-link"' in page
    template = client.get("/on-behalf/template.xlsx")
    assert template.status_code == 200 and template.mimetype.endswith("spreadsheetml.sheet")
    token = csrf_token(client, "/on-behalf/import")
    before = fingerprint(db)
    resp = client.post("/on-behalf/import", content_type="multipart/form-data", data={
        "csrf_token": token, "send": "send", "file": (io.BytesIO(xlsx([row("G13"), row("G14")])), "ket-qua.xlsx")})
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Kết quả kiểm tra (chưa ghi gì)" in page and 'id="confirm-import"' in page
    db.rollback()
    assert fingerprint(db) == before
    import re

    fields = dict(re.findall(r'<input id="(\w+)" name="\1" type="hidden" value="([^"]*)"', page))
    resp = client.post("/on-behalf/import/confirm", data={"csrf_token": token, **{k: fields[k] for k in (
        "payload", "filename", "send", "valid_only", "unit")}})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    listing = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 2 báo cáo" in listing and listing.count("Nhập thay bởi LĐLĐ thành phố Rạch Giá") == 2
    assert _report(db, w, more[0]).status == "submitted"


def test_a_file_with_errors_is_a_422_that_offers_no_import(db, w, more, client, login_as):
    login_as(w.dist1)
    token = csrf_token(client, "/on-behalf/import")
    resp = client.post("/on-behalf/import", content_type="multipart/form-data", data={
        "csrf_token": token, "send": "draft", "file": (io.BytesIO(xlsx([row("G13"), row("G21")])), "ket-qua.xlsx")})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert 'id="import-errors"' in page and 'id="confirm-import"' not in page
    resp = client.post("/on-behalf/import", content_type="multipart/form-data", data={
        "csrf_token": token, "send": "draft", "file": (io.BytesIO(b"not a workbook"), "ket-qua.xlsx")})
    assert resp.status_code == 422 and "Không đọc được tệp Excel" in resp.get_data(as_text=True)
    resp = client.post("/on-behalf/import", content_type="multipart/form-data", data={"csrf_token": token})
    assert resp.status_code == 422 and "Hãy chọn tệp." in resp.get_data(as_text=True)


def test_a_confirmation_rechecks_the_file_against_the_data_as_it_is_now(db, w, more, client, login_as):
    login_as(w.dist1)
    token = csrf_token(client, "/on-behalf/import")
    import base64

    payload = base64.b64encode(xlsx([row("G13")])).decode()
    save_and_submit(db, w.campaign, more[0], w.dist1, {**results(more[0])}, None)  # sent in the meantime
    db.commit()
    resp = client.post("/on-behalf/import/confirm", data={"csrf_token": token, "payload": payload,
                                                          "filename": "ket-qua.xlsx", "unit": str(w.d1.id)})
    assert resp.status_code == 303  # nothing to write: the sent report is listed, not overwritten
    assert "Không ghi đè 1 báo cáo" in client.get(resp.headers["Location"]).get_data(as_text=True)
    resp = client.post("/on-behalf/import/confirm", data={"csrf_token": token, "payload": "%%%", "filename": "x.xlsx"})
    assert resp.status_code == 422


def test_reporters_and_other_districts_cannot_import(db, w, client, login_as):
    login_as(w.rep11)
    token = csrf_token(client, "/notifications")
    for url in ("/on-behalf/import", "/on-behalf/template.xlsx", "/on-behalf"):
        assert client.get(url).status_code == 403
    resp = client.post("/on-behalf/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(xlsx([row("G11")])), "ket-qua.xlsx")})
    assert resp.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login_as(w.dist1)
    assert client.get(f"/on-behalf/template.xlsx?unit={w.d2.id}").status_code == 404
    token = csrf_token(client, "/on-behalf/import")
    resp = client.post("/on-behalf/import", content_type="multipart/form-data", data={
        "csrf_token": token, "unit": str(w.d2.id), "file": (io.BytesIO(xlsx([row("G21")])), "ket-qua.xlsx")})
    assert resp.status_code == 404
    assert _report(db, w, w.g21) is None
