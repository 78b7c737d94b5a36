"""XLSX and DOCX exports of the dashboard (web and CLI): sheets, totals and figures equal
independent SQL; a district user's export holds only its subtree."""
import datetime as dt
import io

import docx
import openpyxl
from click.testing import CliRunner
from sqlalchemy import text

from portal.cli import main
from tests.test_dashboard import (
    DEMO_PASSWORD, GRASSROOTS_DEADLINE, MID_APRIL, MID_JUNE, sql_level, sql_personnel, sql_recs, unit_by_code, vn,
)


def _xlsx(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(resp.data))


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _rows(ws):
    return [r for r in ws.iter_rows(values_only=True)]


def _row(ws, label):
    return next(r for r in ws.iter_rows(values_only=True) if r and r[0] == label)


def test_coordinator_xlsx_has_the_sheets_and_totals_of_sql(client, db, demo, login_as):
    login_as("dieuphoi", DEMO_PASSWORD)
    province = unit_by_code(db, "KG")
    for day in (MID_APRIL, MID_JUNE):
        wb = _xlsx(client.get(f"/dashboard/export.xlsx?as_of={day:%d/%m/%Y}"))
        assert wb.sheetnames == ["Tổng hợp", "Đơn vị", "Kiến nghị", "Nhân sự", "Nhân sự (từng người)"]
        want = sql_level(db, province.path, "grassroots", day, GRASSROOTS_DEADLINE)
        summary = wb["Tổng hợp"]
        headers = _rows(summary)[0]
        level_row = dict(zip(headers, _row(summary, "Công đoàn cơ sở")))
        total_row = dict(zip(headers, _row(summary, "Tổng cộng")))
        for field, header in [("expected", "Phải tổ chức"), ("held", "Đã đại hội"), ("on_time", "Đúng hạn"),
                              ("late", "Trễ hạn"), ("overdue", "Quá hạn chưa tổ chức"), ("approved", "Báo cáo đã duyệt")]:
            assert level_row[header] == want[field], (day, field)
            assert total_row[header] == want[field], (day, field)
        assert isinstance(level_row["Hạn chót"], dt.datetime)  # a real date, not text
        assert summary.freeze_panes == "A2" and summary.auto_filter.ref.startswith("A1:")

        units = wb["Đơn vị"]
        rows = _rows(units)
        n_units = db.scalar(text("SELECT COUNT(*) FROM units WHERE active"))
        assert len(rows) - 1 == n_units
        head = rows[0]
        held_col = head.index("Ngày đại hội")
        assert sum(1 for r in rows[1:] if r[2] == "Công đoàn cơ sở" and r[held_col] is not None) == want["held"]
        assert sum(1 for r in rows[1:] if r[head.index("Tình hình đại hội")] == "Quá hạn chưa tổ chức"
                   and r[2] == "Công đoàn cơ sở") == want["overdue"]
        assert units.freeze_panes == "A2"

        recs = sql_recs(db, province.path, day)
        assert len(_rows(wb["Kiến nghị"])) - 1 == sum(recs.values())
        people = wb["Nhân sự"]
        p_head = _rows(people)[0]
        p_row = dict(zip(p_head, _row(people, "Công đoàn cơ sở")))
        p_want = sql_personnel(db, province.path, day)
        assert p_row["Tổng số ủy viên"] == p_want["seats"] and p_row["Nữ"] == p_want["women"]
        # Issue 19: one row per named person of the congresses held by the day, with the unit and its level.
        named = _rows(wb["Nhân sự (từng người)"])
        assert len(named) - 1 == db.scalar(text(
            "SELECT COUNT(*) FROM elected_members m JOIN congress_reports r ON r.id = m.report_id "
            "WHERE r.held_date <= :day"), {"day": day})
        assert named[0][:3] == ("Mã đơn vị", "Đơn vị", "Cấp") and named[1][2] in ("Công đoàn cơ sở", "Cấp huyện và tương đương", "Cấp tỉnh")
        p_total = dict(zip(p_head, _row(people, "Tổng cộng")))
        assert p_total["Kinh phí hỗ trợ (đồng)"] == sql_personnel(db, province.path, day, "grassroots")["funding"] + \
            sql_personnel(db, province.path, day, "district")["funding"]


def test_district_export_holds_only_its_subtree(client, db, demo, login_as):
    rach_gia = unit_by_code(db, "RG")
    login_as("rachgia", DEMO_PASSWORD)
    wb = _xlsx(client.get(f"/dashboard/export.xlsx?as_of={MID_JUNE:%d/%m/%Y}"))
    codes = [r[0] for r in _rows(wb["Đơn vị"])[1:]]
    in_subtree = db.scalar(text("SELECT COUNT(*) FROM units WHERE path LIKE :p AND active"), {"p": rach_gia.path + "%"})
    assert len(codes) == in_subtree and all(c == "RG" or c.startswith("RG-") for c in codes)
    assert all(r[0].startswith("RG-") for r in _rows(wb["Kiến nghị"])[1:])
    assert len(_rows(wb["Kiến nghị"])) - 1 == sum(sql_recs(db, rach_gia.path, MID_JUNE).values())
    want = sql_level(db, rach_gia.path, "grassroots", MID_JUNE, GRASSROOTS_DEADLINE)
    headers = _rows(wb["Tổng hợp"])[0]
    total = dict(zip(headers, _row(wb["Tổng hợp"], "Tổng cộng")))
    assert total["Đã đại hội"] == want["held"] and total["Phải tổ chức"] == want["expected"]

    resp = client.get(f"/dashboard/export.docx?as_of={MID_JUNE:%d/%m/%Y}")
    body = _docx_text(resp.data)
    assert f"đã tổ chức {vn(want['held'])}/{vn(want['expected'])} đại hội" in body
    assert "Giồng Riềng" not in body and "Phú Quốc" not in body
    # A union body writes in the State layout.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body and "Độc lập - Tự do - Hạnh phúc" in body
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in body


def test_coordinator_docx_uses_the_party_layout_and_holds_the_figures(client, db, demo, login_as):
    login_as("dieuphoi", DEMO_PASSWORD)
    province = unit_by_code(db, "KG")
    resp = client.get(f"/dashboard/export.docx?as_of={MID_JUNE:%d/%m/%Y}")
    assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")
    body = _docx_text(resp.data)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in body and "BAN DÂN VẬN" in body and "TỈNH ỦY KIÊN GIANG" in body
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in body
    assert "Số liệu tính đến ngày 15/06/2023" in body
    want = sql_level(db, province.path, "grassroots", MID_JUNE, GRASSROOTS_DEADLINE)
    assert f"đã tổ chức {vn(want['held'])}/{vn(want['expected'])} đại hội" in body
    assert f"trễ hạn {vn(want['late'])}; quá hạn chưa tổ chức {vn(want['overdue'])}" in body
    assert f"Còn {vn(want['overdue'] + 0)} đơn vị quá hạn" in body or want["overdue"] == 0
    people = sql_personnel(db, province.path, MID_JUNE)
    assert f"{vn(people['committees'])} ban chấp hành với {vn(people['seats'])} ủy viên" in body
    recs = sql_recs(db, province.path, MID_JUNE)
    assert f"tổng hợp {vn(sum(recs.values()))} kiến nghị; đã giải quyết {vn(recs['resolved'])}" in body


def test_cli_export_writes_both_formats(database_url, db, factory, monkeypatch, tmp_path):
    from shared.models import CongressReport

    t = factory.tree()
    campaign = factory.campaign()
    db.add(CongressReport(campaign_id=campaign.id, unit_id=t.g11.id, planned_date=dt.date(2023, 3, 1), planned_at=dt.datetime(2023, 2, 1, 9),
                          held_date=dt.date(2023, 3, 1), status="draft", executive_size=5, executive_women=2))
    db.commit()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    runner = CliRunner()
    xlsx = tmp_path / "tinh.xlsx"
    result = runner.invoke(main, ["export", "--format", "xlsx", "--as-of", "15/04/2023", "-o", str(xlsx)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(xlsx)
    level = _row(wb["Tổng hợp"], "Công đoàn cơ sở")
    assert level[1:4] == (3, 1, 1)  # expected, planned, held
    docx_path = tmp_path / "rg.docx"
    result = runner.invoke(main, ["export", "--format", "docx", "--unit", "d1", "--body", "union", "-o", str(docx_path)])
    assert result.exit_code == 0, result.output
    body = _docx_text(docx_path.read_bytes())
    assert "đã tổ chức 1/2 đại hội" in body and "Độc lập - Tự do - Hạnh phúc" in body
    result = runner.invoke(main, ["export", "--format", "xlsx", "--unit", "khong-co", "-o", str(xlsx)])
    assert result.exit_code != 0 and "Không tìm thấy đơn vị" in result.output
