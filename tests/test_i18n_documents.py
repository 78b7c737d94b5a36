"""Documents in English: XLSX/DOCX exports, the unit import (its template round trip and its errors), the
blank form templates and the party committees' level reports follow the requesting user's language."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select

from shared import clock, exports, form_templates, i18n, level_reports
from shared.errors import DomainError
from shared.imports import import_units, template_workbook
from shared.models import CongressReport, Notification, Unit
from tests.admin.helpers import csv_bytes
from tests.conftest import csrf_token
from tests.test_exports import _docx_text, _rows
from tests.party.conftest import as_user, party  # noqa: F401 (fixtures)
from tests.party.test_level_reports import _url, _version, _write_and_submit
from tests.test_i18n import VIETNAMESE

MID_APRIL = dt.date(2023, 4, 15)
EN_TEMPLATE_HEADER = ["Unit code", "Unit name", "Level", "Parent unit code", "Sector", "Number of union members",
                      "Contact email", "Contact phone"]


def _headers(ws) -> list:
    return list(next(ws.iter_rows(values_only=True)))


@pytest.fixture
def held(factory, db):
    """The small tree, a campaign and one grassroots congress held before the deadline."""
    t = factory.tree()
    campaign = factory.campaign()
    db.add(CongressReport(campaign_id=campaign.id, unit_id=t.g11.id, planned_date=dt.date(2023, 3, 1),
                          planned_at=dt.datetime(2023, 2, 1, 9), held_date=dt.date(2023, 3, 1), status="draft",
                          executive_size=5, executive_women=2))
    db.commit()
    return t, campaign


# ---- exports ---------------------------------------------------------------------------------------


def test_xlsx_export_in_english_has_english_sheets_and_headings(db, held):
    t, campaign = held
    out = io.BytesIO()
    today = clock.today()  # a past day would hide the report (no history of it in this test)
    with i18n.language("en"):
        exports.write_xlsx(db, campaign, t.province, today, out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Summary", "Unit", "Recommendations", "Personnel", "People (one per row)"]
    summary = _headers(wb["Summary"])
    assert summary[:4] == ["Level / unit", "To be held", "With a plan", "Congress held"]
    assert "Deadline" in summary and "Share on time (%)" in summary
    labels = [r[0] for r in _rows(wb["Summary"])]
    assert "Total" in labels and any(str(v).startswith(f"Figures as of {today:%d/%m/%Y}") for v in labels)
    units = _headers(wb["Unit"])
    assert units[:6] == ["Unit code", "Unit name", "Level", "Parent unit", "Sector", "Number of union members"]
    assert "Congress date" in units and "Executive committee: women" in units
    assert _headers(wb["Recommendations"])[:3] == ["Unit code", "Unit", "Parent unit"]
    assert "Women (%)" in _headers(wb["Personnel"])
    # G11's report is not a pilot congress: the yes/no column is in English too.
    g11 = next(r for r in _rows(wb["Unit"]) if r[0] == "G11")
    assert g11[units.index("Pilot congress")] == "No"
    for ws in wb.worksheets:
        assert not [h for h in _headers(ws) if h and VIETNAMESE.search(str(h))], ws.title


def test_xlsx_export_stays_vietnamese_outside_the_english_block(db, held):
    t, campaign = held
    with i18n.language("en"):
        exports.write_xlsx(db, campaign, t.province, MID_APRIL, io.BytesIO())
    out = io.BytesIO()
    exports.write_xlsx(db, campaign, t.province, MID_APRIL, out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Tổng hợp", "Đơn vị", "Kiến nghị", "Nhân sự", "Nhân sự (từng người)"]
    assert _headers(wb["Tổng hợp"])[1] == "Phải tổ chức"


@pytest.mark.parametrize("title", ["Đơn vị", "a/b:c*d?[e]\\f", "x" * 40, "'quoted'"])
def test_sheet_titles_are_always_valid(title):
    name = exports.sheet_title(title)
    assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\") and not name.startswith("'")
    openpyxl.Workbook().create_sheet(name)  # openpyxl itself refuses an invalid title


def test_docx_export_in_english_party_and_state_layouts(db, held):
    t, campaign = held
    with i18n.language("en"):
        party_doc, union_doc = io.BytesIO(), io.BytesIO()
        exports.write_docx(db, campaign, t.province, MID_APRIL, party_doc, body="party", issued_on=dt.date(2023, 4, 20))
        exports.write_docx(db, campaign, t.d1, MID_APRIL, union_doc, body="union", issued_on=dt.date(2023, 4, 20))
    party_text = _docx_text(party_doc.getvalue())
    assert "COMMUNIST PARTY OF VIETNAM" in party_text and "MASS MOBILIZATION COMMISSION" in party_text
    assert "THỬ NGHIỆM PROVINCIAL PARTY COMMITTEE" in party_text  # the place keeps its name
    assert "Thử nghiệm, 20/04/2023" in party_text
    assert "I. CONGRESS PROGRESS BY LEVEL" in party_text and "VII. PROPOSALS" in party_text
    assert "1/3 congresses held" in party_text and "Recipients:" in party_text
    assert "(Figures as of 15/04/2023; scope: Liên đoàn Lao động tỉnh Thử nghiệm)" in party_text
    assert "To be held" in party_text and "Days overdue" not in party_text  # nothing overdue in April
    assert "ĐẢNG CỘNG SẢN" not in party_text and "TIẾN ĐỘ" not in party_text
    union_text = _docx_text(union_doc.getvalue())
    assert "SOCIALIST REPUBLIC OF VIETNAM" in union_text and "Independence - Freedom - Happiness" in union_text
    assert "ON BEHALF OF THE STANDING COMMITTEE" in union_text and "CỘNG HÒA" not in union_text


def test_dashboard_export_follows_the_account_language(client, db, held, factory, login_as):
    t, _campaign = held
    login_as(factory.user("coordinator", t.province, locale="en"))
    resp = client.get(f"/dashboard/export.xlsx?as_of={MID_APRIL:%d/%m/%Y}")
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames[0] == "Summary" and _headers(wb["Summary"])[1] == "To be held"
    resp = client.get(f"/dashboard/export.docx?as_of={MID_APRIL:%d/%m/%Y}")
    assert resp.status_code == 200 and "COMMUNIST PARTY OF VIETNAM" in _docx_text(resp.data)


# ---- the unit import ---------------------------------------------------------------------------------


@pytest.mark.parametrize("template_language, import_language", [("en", "en"), ("en", "vi"), ("vi", "en")])
def test_the_template_imports_back_whatever_the_languages(db, template_language, import_language):
    with i18n.language(template_language):
        data = template_workbook()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    if template_language == "en":
        assert wb.sheetnames == ["Unit", "Guide"]
        assert [c.value for c in wb["Unit"][1]] == EN_TEMPLATE_HEADER
        assert [r[2] for r in _rows(wb["Unit"])[1:]] == ["province", "district", "grassroots"]
        guide = " ".join(str(c.value) for row in wb["Guide"].iter_rows() for c in row if c.value)
        assert "Required" in guide and "province / district / grassroots" in guide
    with i18n.language(import_language):
        report = import_units(db, io.BytesIO(data), filename="template.xlsx")
    assert report.error_count == 0 and report.created == 3, report.errors
    db.commit()
    units = {u.code: u for u in db.scalars(select(Unit))}
    assert units["KG"].level == "province" and units["RG"].level == "district"
    assert units["RG-0001"].level == "grassroots" and units["RG-0001"].sector == "public_service"
    assert units["RG-0001"].members_count == 42 and units["RG"].contact_email == "lienhe@ldldrachgia.vn"


def test_english_headers_levels_and_sectors_are_accepted(db):
    header = ["Code", "Name", "Level", "Parent code", "Sector", "Members", "Email", "Phone"]
    rows = [("P", "Province federation", "Province", "", "state", 0, "", ""),
            ("D", "District federation", "district", "P", "State sector", 0, "", ""),
            ("G1", "Grassroots one", "grassroots", "D", "non-state", 12, "a@b.vn", "0297 111 222"),
            ("G2", "Grassroots two", "Grassroots union", "D", "FDI", 7, "", ""),
            ("G3", "Grassroots three", "grassroots", "D", "Public service", 3, "", "")]
    report = import_units(db, io.BytesIO(csv_bytes(rows, header=header)), filename="units.csv")
    assert report.error_count == 0 and report.created == 5, report.errors
    db.commit()
    sectors = {u.code: u.sector for u in db.scalars(select(Unit))}
    assert sectors == {"P": "state", "D": "state", "G1": "non_state", "G2": "fdi", "G3": "public_service"}


def test_import_errors_are_reported_in_english(db):
    rows = [
        ("P", "Province", "province", "", "state", 0),            # 2: fine
        ("D1", "District", "district", "P", "state", 0),          # 3: fine
        ("", "No code", "grassroots", "D1", "state", 5),          # 4
        ("D1", "District again", "district", "P", "state", 0),    # 5
        ("G1", "Orphan", "grassroots", "NONE", "state", 5),       # 6
        ("G2", "Under the province", "grassroots", "P", "state", 5),  # 7
        ("X1", "Loop one", "district", "X2", "state", 0),         # 8
        ("X2", "Loop two", "district", "X1", "state", 0),         # 9
        ("G3", "Negative", "grassroots", "D1", "state", -3),      # 10
        ("G4", "Words", "grassroots", "D1", "state", "many"),     # 11
        ("G5", "Odd sector", "grassroots", "D1", "hợp tác xã", 5),  # 12
        ("G6", "Odd level", "phường", "D1", "state", 5),          # 13
    ]
    header = ["Unit code", "Unit name", "Level", "Parent unit code", "Sector", "Union members"]
    with i18n.language("en"):
        report = import_units(db, io.BytesIO(csv_bytes(rows, header=header)), filename="units.csv", dry_run=True)
    errors = {e.row: e.message for e in report.errors}
    assert errors[4] == "The unit code is missing."
    assert errors[5] == "Code “D1” duplicates row 3."
    assert errors[6] == "There is no parent unit with code “NONE” (in the file or in the system)."
    assert errors[7] == ("Wrong level: a grassroots-level unit must belong to a district-level unit, "
                         "but “P” is at province level.")
    assert errors[8].startswith("Parent loop") and errors[9].startswith("Parent loop")
    assert errors[10] == "The number of union members cannot be negative."
    assert errors[11] == "Union members “many” is not a number."
    assert errors[12] == "Sector “hợp tác xã” is not valid; accepted: state, non-state, FDI, public service."
    assert errors[13] == "Level “phường” is not valid; accepted: province, district, grassroots."
    with i18n.language("en"), pytest.raises(DomainError, match="missing columns: “Parent unit code”"):
        import_units(db, io.BytesIO(csv_bytes([("P", "x", "province")], header=header[:3])), filename="u.csv")
    with i18n.language("en"), pytest.raises(DomainError, match="Only Excel"):
        import_units(db, io.BytesIO(b"x"), filename="u.pdf")


def test_import_page_reports_errors_in_the_account_language(client, factory, login_as, db):
    t = factory.tree()
    login_as(factory.user("federation", t.province, locale="en"))
    template = client.get("/admin/units/import/template.xlsx")
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(template.data))["Unit"][1]] == EN_TEMPLATE_HEADER
    rows = [("G13", "New union", "grassroots", "D9", "FDI", 5, "", "")]
    resp = client.post("/admin/units/import", data={
        "csrf_token": csrf_token(client, "/admin/units/import"), "mode": "dry_run",
        "file": (io.BytesIO(csv_bytes(rows, header=EN_TEMPLATE_HEADER)), "units.csv"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "There is no parent unit with code “D9”" in resp.get_data(as_text=True)


# ---- form templates and level reports -------------------------------------------------------------------


def test_blank_form_templates_in_english():
    with i18n.language("en"):
        plan = _docx_text(form_templates.build("ke-hoach-dai-hoi", "2023-2028"))
        minutes = _docx_text(form_templates.build("bien-ban-dai-hoi", "2023-2028"))
        titles = [str(t) for t in form_templates.TEMPLATES.values()]
    assert "TRADE UNION CONGRESS PLAN\nTerm 2023-2028" in plan
    assert "Planned congress date" in plan and "Figures / information" in plan and "Nội dung" not in plan
    assert "1. Time, place and meeting mode" in minutes
    assert titles == ["Trade union congress plan", "Trade union congress result report", "Trade union congress minutes"]
    assert str(form_templates.TEMPLATES["ke-hoach-dai-hoi"]) == "Kế hoạch tổ chức đại hội công đoàn"


def test_level_report_draft_in_english(db, party):
    with i18n.language("en"):
        data = level_reports.prefill(db, party.campaign, party.bodies.d1, as_of=MID_APRIL)
        text = _docx_text(level_reports.draft_docx(data, None))
        phrase = level_reports.checklist_counts(db, party.campaign, party.t.province).phrase
    assert "I. Progress of the congresses" in text and "Indicator" in text and "To be held" in text
    assert "VII. General assessment" in text and "(Text written by the party committee in the portal.)" in text
    # The Party layout's header, and the place of the body's scope in the date line.
    assert "COMMUNIST PARTY OF VIETNAM" in text and "Rạch Giá, 15/04/2023" in text and "Kính gửi" not in text
    assert phrase == "Party committee reports received: 0/3"


def test_level_report_notifications_are_in_each_recipients_language(db, party, as_user):
    party.coordinator.locale = "en"
    db.commit()
    author = as_user(party.pc1)
    assert _write_and_submit(author, db, party, party.bodies.d1).status_code == 303
    note = db.scalar(select(Notification).where(Notification.user_id == party.coordinator.id))
    assert note.text == "Thành ủy Rạch Giá has submitted its report on the congresses at its level."
    receiver = as_user(party.coordinator)
    resp = receiver.post_form(_url(party.bodies.d1, "/acknowledge"), {"version": _version(db, party.campaign, party.bodies.d1)})
    assert resp.status_code == 303
    back = db.scalar(select(Notification).where(Notification.user_id == party.pc1.id))
    assert back.text == "Ban Dân vận đã tiếp nhận báo cáo kết quả đại hội cấp mình."  # the author reads Vietnamese
