"""The list forwarded to an addressee, as the office opens it: the XLSX and the A4 letter converted by LibreOffice
headless and read back (tests/office.py): A4 pages, no date or figure broken, the body's name and every
recommendation's text in the letter, the Party or State header."""
from __future__ import annotations

import datetime as dt

import docx

from shared import answers, forwarding
from shared.models import Addressee, CongressReport, Recommendation
import pytest

from tests import office

pytestmark = pytest.mark.office  # LibreOffice renders what the domain wrote: the same on either engine


def test_the_forwarded_list_and_letter_print_on_a4(db, factory, today, tmp_path):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    campaign = factory.campaign()
    body = Addressee(name="Ủy ban nhân dân thành phố Rạch Giá", kind="district_committee", unit_id=t.d1.id)
    db.add(body)
    texts = ["Đề nghị hỗ trợ nhà ở xã hội cho công nhân khu công nghiệp Thạnh Lộc",
             "Đề nghị mở thêm tuyến xe buýt đưa đón công nhân", "Đề nghị xây nhà trẻ cho con công nhân"]
    reports = {}
    for unit, text in zip((t.g11, t.g12, t.g12), texts):
        if unit.id not in reports:
            reports[unit.id] = CongressReport(campaign_id=campaign.id, unit_id=unit.id, status="approved",
                                              held_date=dt.date(2023, 3, 1))
            db.add(reports[unit.id])
            db.flush()
        db.add(Recommendation(report_id=reports[unit.id].id, campaign_id=campaign.id, unit_id=unit.id, topic="housing",
                              text=text))
    db.commit()
    coordinator = factory.user("coordinator", t.province)
    district = factory.user("district", t.d1)
    ids = [r.id for r in db.query(Recommendation)]
    answers.route(db, coordinator, ids, addressee_id=body.id, due_date="30/06/2023")
    db.commit()
    files = {}
    for name, user, party in (("cong-van-bdv.docx", coordinator, True), ("cong-van-ldld.docx", district, False)):
        rows = answers.forward_list(db, user, campaign, body)
        files[name] = tmp_path / name
        files[name].write_bytes(forwarding.docx_bytes(db, campaign, body, rows, sender=user.unit, party=party))
    files["danh-sach.xlsx"] = tmp_path / "danh-sach.xlsx"
    files["danh-sach.xlsx"].write_bytes(forwarding.xlsx_bytes(campaign, body, answers.forward_list(db, coordinator, campaign, body)))
    office.convert(list(files.values()), "pdf", tmp_path / "pdf", tmp_path / "lo-profile")
    for name, path in files.items():
        pages = office.pdf_pages(tmp_path / "pdf" / (path.stem + ".pdf"))
        assert pages and all(office.is_a4(w, h) for w, h, _t in pages), name
        text = "\n".join(page for _w, _h, page in pages)
        assert "30/06/2023" in text, name
        if path.suffix == ".docx":
            assert office.broken_figures(office.docx_text(path), text) == {}, name
            flat = " ".join(text.split())
            assert f"Kính gửi: {body.name}" in flat and all(t_ in flat for t_ in texts), name
            sections = docx.Document(str(path)).sections
            assert [round(m.cm, 2) for m in (sections[0].page_width, sections[0].page_height)] == [21, 29.7]
        else:
            assert "###" not in text
    party = " ".join(page for _w, _h, page in office.pdf_pages(tmp_path / "pdf" / "cong-van-bdv.pdf"))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in party and "TRƯỞNG BAN" in party
    union = " ".join(page for _w, _h, page in office.pdf_pages(tmp_path / "pdf" / "cong-van-ldld.pdf"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in union and "Rạch Giá, ngày 01 tháng 06 năm 2023" in " ".join(union.split())
