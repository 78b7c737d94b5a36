"""Every DOCX and XLSX the project produces, opened as the offices open them: converted by LibreOffice
headless to PDF and read back. Pages are A4; no date or figure is broken across lines ("31/05/2" / "023",
as the summary's level table showed) and no number shows as "###"; the documents carry the administrative
layout (header, place and date, signature). LibreOffice missing fails these tests (see tests/office.py)."""
from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from shared import exports, form_templates, level_reports, people, steering
from shared.imports import template_workbook
from shared.models import (CongressReport, Delegate, ElectedMember, PartyBody, Recommendation, SteeringCommittee,
                           SteeringMember)
from tests import office

pytestmark = pytest.mark.office  # LibreOffice renders what the domain wrote: the same on either engine
from tui.export import write_xlsx as tui_write_xlsx

TODAY = AS_OF = dt.date(2025, 11, 20)  # long after the deadlines: "quá hạn 904 ngày" in the tables


_RENDERED: dict = {}  # built by the first test that asks, reused by the others (LibreOffice takes seconds)


@pytest.fixture
def documents(db, factory, today, tmp_path):
    """{file name: (path, PDF pages)}: every document built from the small tree with congresses held on time,
    late and not at all, converted by LibreOffice."""
    if not _RENDERED:
        _RENDERED.update(_render(db, factory, today, tmp_path))
    return _RENDERED


def _render(db, factory, today, tmp_path):
    today(TODAY)
    t = factory.tree()
    campaign = factory.campaign()
    for unit, held, funding in ((t.g11, dt.date(2023, 5, 20), 15_000_000), (t.g12, dt.date(2023, 6, 2), 2_500_000),
                                (t.d1, dt.date(2023, 6, 10), 120_000_000)):
        report = CongressReport(campaign_id=campaign.id, unit_id=unit.id, planned_date=held, planned_at=dt.datetime(2023, 2, 1, 9),
                                held_date=held, status="draft", executive_size=9, executive_women=3, executive_young=2,
                                executive_party=6, executive_reelected=5, executive_new=4, funding_vnd=funding,
                                works_count=2, works_value_vnd=1_234_567_000)
        db.add(report)
        db.flush()
        db.add(Recommendation(report_id=report.id, campaign_id=campaign.id, unit_id=unit.id, topic="housing",
                              text="Đề nghị hỗ trợ nhà ở cho công nhân", addressed_to="UBND tỉnh"))
        if unit is t.g11:  # issue 19: named people, for the recognition decision and the delegate list
            report.members = [
                ElectedMember(position=0, full_name="Nguyễn Thị Hồng Nhung", gender="female", birth_year=1979,
                              positions="chair,standing", chair_elected="congress", votes=120),
                ElectedMember(position=1, full_name="Thạch Văn Sa Rát", gender="male", birth_year=1990,
                              positions="vice_chair,standing", votes=101),
                ElectedMember(position=2, full_name="Lê Hoàng Phúc", gender="male", birth_year=1968,
                              positions="executive,inspection_head", votes=99),
            ]
            report.delegates = [Delegate(position=0, full_name="Nguyễn Thị Hồng Nhung", gender="female",
                                         birth_year=1979, title="Chủ tịch công đoàn cơ sở", kind="official")]
            decided = report
    body = PartyBody(unit_id=t.d1.id, name="Thành ủy Rạch Giá", kind="district_committee")
    committee = SteeringCommittee(campaign_id=campaign.id, unit_id=t.d1.id, decision_number="15-QĐ/TU",
                                  decision_date=dt.date(2023, 1, 12), updated_at=dt.datetime(2023, 1, 12, 8))
    committee.members.append(SteeringMember(full_name="Lê Văn Hùng", title="Trưởng Ban Dân vận", agency="Thành ủy",
                                            agency_kind="mass_mobilization", role="head"))
    db.add_all([body, committee])
    db.commit()

    files = {}

    def save(name: str, data: bytes):
        files[name] = tmp_path / name
        files[name].write_bytes(data)

    for name, scope, kind in (("tom-tat-dang.docx", t.province, "party"), ("tom-tat-cong-doan.docx", t.d1, "union")):
        out = io.BytesIO()
        exports.write_docx(db, campaign, scope, AS_OF, out, body=kind, issued_on=dt.date(2023, 6, 20))
        save(name, out.getvalue())
    save("quyet-dinh-cong-nhan.docx", people.decision_docx(decided))
    save("danh-sach-dai-bieu.docx", people.delegates_docx(campaign, t.d1, people.consolidated_delegates(db, campaign, t.d1),
                                                          dt.date(2023, 6, 20)))
    save("bao-cao-cap-uy.docx", level_reports.draft_docx(level_reports.prefill(db, campaign, body, as_of=AS_OF), None))
    for key in form_templates.TEMPLATES:
        save(f"{key}.docx", form_templates.build(key, campaign.term))
    out = io.BytesIO()
    exports.write_xlsx(db, campaign, t.province, AS_OF, out)
    save("theo-doi.xlsx", out.getvalue())
    save("ban-chi-dao.xlsx", steering.export_xlsx(steering.committees_in_scope(db, campaign, t.province)))
    save("mau-nhap.xlsx", template_workbook())
    tui = tui_write_xlsx(tmp_path / "tui.xlsx", "Tiến độ", ["Mã", "Đơn vị", "Dự kiến", "Đã tổ chức"],
                         [["D1", t.d1.name, 1_234_567, 1_000_000], ["D2", t.d2.name, 3, 0]])
    files["tui.xlsx"] = tui
    office.convert(list(files.values()), "pdf", tmp_path / "pdf", tmp_path / "lo-profile")
    return {name: (path, office.pdf_pages(tmp_path / "pdf" / (path.stem + ".pdf"))) for name, path in files.items()}


def test_every_document_prints_on_a4_with_its_figures_whole(documents):
    for name, (path, pages) in documents.items():
        assert pages, name
        assert all(office.is_a4(w, h) for w, h, _text in pages), (name, [(w, h) for w, h, _t in pages])
        text = "\n".join(page for _w, _h, page in pages)
        if path.suffix == ".docx":
            assert office.broken_figures(office.docx_text(path), text) == {}, name
        else:
            assert "###" not in text, name  # a number or date wider than its column


def test_the_docx_pages_have_the_administrative_margins_and_font(documents):
    for name, (path, _pages) in documents.items():
        if path.suffix != ".docx":
            continue
        document = docx.Document(str(path))
        for section in document.sections:
            measures = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                        section.left_margin, section.right_margin)
            assert [round(m.cm, 2) for m in measures] == [21, 29.7, 2, 2, 3, 1.5], name
        normal = document.styles["Normal"].font
        assert normal.name == "Times New Roman" and normal.size.pt == 13, name


def test_the_summary_keeps_its_level_table_dates_whole_and_signs_as_the_commission_head(documents):
    path, pages = documents["tom-tat-dang.docx"]
    text = "\n".join(page for _w, _h, page in pages)
    # Each deadline is in the table and in the paragraph above it: both whole.
    assert text.count("31/05/2023") >= 2 and text.count("31/07/2023") >= 2
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Thử nghiệm, ngày 20 tháng 06 năm 2023" in text
    assert "TRƯỞNG BAN" in text and "T/M BAN DÂN VẬN" not in text
    union = "\n".join(page for _w, _h, page in documents["tom-tat-cong-doan.docx"][1])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in union and "Độc lập - Tự do - Hạnh phúc" in union
    assert "Rạch Giá, ngày 20 tháng 06 năm 2023" in union and "TM. BAN THƯỜNG VỤ" in union


def test_the_level_report_draft_has_the_party_header_and_its_place(documents):
    text = "\n".join(page for _w, _h, page in documents["bao-cao-cap-uy.docx"][1])
    lines = [line.strip() for line in text.splitlines()]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in lines and "THÀNH ỦY RẠCH GIÁ" in lines and "*" in lines
    assert "Rạch Giá, ngày 20 tháng 11 năm 2025" in text
    assert "T/M BAN THƯỜNG VỤ" in lines and "BÍ THƯ" in lines


def test_the_spreadsheets_show_amounts_grouped_and_dates_as_dates(documents):
    text = "\n".join(page for _w, _h, page in documents["theo-doi.xlsx"][1])
    assert "31/05/2023" in text and "20/05/2023" in text  # the deadline, a congress date
    # Amounts with thousands separators (the separator is the converting machine's locale's).
    assert any(f"120{sep}000{sep}000" in text for sep in ".,") and any(f"1{sep}234{sep}567{sep}000" in text for sep in ".,")
    steering_text = "\n".join(page for _w, _h, page in documents["ban-chi-dao.xlsx"][1])
    assert "12/01/2023" in steering_text and "Lê Văn Hùng" in steering_text
    tui_text = "\n".join(page for _w, _h, page in documents["tui.xlsx"][1])
    assert any(f"1{sep}234{sep}567" in tui_text for sep in ".,")


def test_the_recognition_decision_prints_with_the_motto_and_every_name(documents):
    text = "\n".join(page for _w, _h, page in documents["quyet-dinh-cong-nhan.docx"][1])
    assert "Độc lập - Tự do - Hạnh phúc" in text and "QUYẾT ĐỊNH" in text and "Nơi nhận" in text
    for name in ("Nguyễn Thị Hồng Nhung", "Thạch Văn Sa Rát", "Lê Hoàng Phúc"):
        assert name in text
    listing = "\n".join(page for _w, _h, page in documents["danh-sach-dai-bieu.docx"][1])
    assert "DANH SÁCH ĐẠI BIỂU" in listing and "Nguyễn Thị Hồng Nhung" in listing
