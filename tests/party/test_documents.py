"""Guidance documents and announcements: audience, feed, acknowledgement tracking, reminders."""
from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import select

from shared import documents
from shared.models import Document, EmailOutbox, Notification
from tests.party.conftest import PDF_BYTES, PNG_BYTES


def _publish(c, t, **extra):
    data = {"kind": "guidance", "title": "Hướng dẫn tổ chức đại hội công đoàn cơ sở", "body": "Các bước chuẩn bị.",
            "levels": ["grassroots"], "targets": [t.d1.id], "ack_by": "", **extra}
    if "file" not in extra:
        data["file"] = (io.BytesIO(PDF_BYTES), "huong-dan.pdf")
    return c.post_form("/party/documents/new", data, content_type="multipart/form-data")


def _doc_id(resp) -> int:
    return int(re.search(r"/party/documents/(\d+)", resp.headers["Location"]).group(1))


def test_a_document_reaches_only_its_targeted_levels_and_subtrees(party, as_user, factory, today):
    today(dt.date(2023, 1, 10))
    t = party.t
    resp = _publish(as_user(party.federation), t)
    assert resp.status_code == 303
    doc_id = _doc_id(resp)
    inside = as_user(factory.user("reporter", t.g11))
    other_district = as_user(factory.user("reporter", t.g21))
    wrong_level = as_user(factory.user("district", t.d1))
    assert "Hướng dẫn tổ chức đại hội công đoàn cơ sở" in inside.get("/").get_data(as_text=True)  # home feed
    assert inside.get(f"/party/documents/{doc_id}").status_code == 200
    download = inside.get(f"/party/documents/{doc_id}/file")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    for c in (other_district, wrong_level):
        assert c.get(f"/party/documents/{doc_id}").status_code == 404
        assert c.get(f"/party/documents/{doc_id}/file").status_code == 404
        assert c.post_form(f"/party/documents/{doc_id}/acknowledge").status_code == 404
        assert "Hướng dẫn tổ chức" not in c.get("/party/documents").get_data(as_text=True)
    # The publisher's side is not for the audience: no tracking, no reminders.
    assert "Theo dõi tiếp nhận" not in inside.get(f"/party/documents/{doc_id}").get_data(as_text=True)
    assert inside.post_form(f"/party/documents/{doc_id}/remind").status_code == 404


def test_only_publishers_publish_and_files_are_checked_by_their_bytes(party, as_user, factory):
    t = party.t
    assert as_user(factory.user("district", t.d1)).get("/party/documents/new").status_code == 403
    resp = _publish(as_user(party.federation), t, file=(io.BytesIO(PNG_BYTES), "bieu-mau.pdf"))
    assert resp.status_code == 422 and "Chỉ nhận tệp PDF, DOCX, XLSX" in resp.get_data(as_text=True)
    resp = _publish(as_user(party.coordinator), t, file=(io.BytesIO(b""), ""))
    assert resp.status_code == 422 and "cần tệp đính kèm" in resp.get_data(as_text=True)
    resp = _publish(as_user(party.coordinator), t, kind="announcement", file=(io.BytesIO(b""), ""), body="Họp giao ban thứ Hai.")
    assert resp.status_code == 303


def test_publisher_tracks_who_opened_and_acknowledged_and_reminds_the_others(party, as_user, factory, db, today):
    today(dt.date(2023, 1, 10))
    t = party.t
    publisher = as_user(party.federation)
    resp = _publish(publisher, t, ack_by="20/01/2023")
    doc_id = _doc_id(resp)
    g11_user = factory.user("reporter", t.g11)
    g12_user = factory.user("reporter", t.g12, email="cdcs.g12@example.vn")
    reader = as_user(g11_user)
    reader.get(f"/party/documents/{doc_id}")
    doc = db.get(Document, doc_id)
    assert documents.tracking(db, doc) == documents.Tracking(audience=2, opened=1, acknowledged=0)
    assert reader.post_form(f"/party/documents/{doc_id}/acknowledge").status_code == 303
    assert "đã xác nhận đã đọc" in reader.get(f"/party/documents/{doc_id}").get_data(as_text=True)
    db.expire_all()
    assert documents.tracking(db, doc) == documents.Tracking(audience=2, opened=1, acknowledged=1)
    html = publisher.get(f"/party/documents/{doc_id}?show=pending").get_data(as_text=True)
    assert 'data-unit="G12"' in html and 'data-unit="G11"' not in html
    assert "Đơn vị nhận: <strong>2</strong>" in html
    assert publisher.post_form(f"/party/documents/{doc_id}/remind").status_code == 303
    notified = db.scalars(select(Notification.user_id)).all()
    assert notified == [g12_user.id]  # the unit that acknowledged is left alone
    mail = db.scalars(select(EmailOutbox)).all()
    assert [m.to_addr for m in mail] == ["cdcs.g12@example.vn"] and "20/01/2023" in mail[0].body


def test_an_announcement_to_the_whole_province_reaches_every_level(party, as_user, factory, db, today):
    today(dt.date(2023, 1, 10))
    resp = as_user(party.coordinator).post_form("/party/documents/new", {"kind": "announcement", "title": "Lịch giao ban", "body": "Thứ Hai hằng tuần."}, content_type="multipart/form-data")
    doc = db.get(Document, _doc_id(resp))
    assert [t.unit_id for t in doc.targets] == [party.t.province.id] and doc.levels == []
    for unit in (party.t.g21, party.t.d2, party.t.province):
        assert documents.in_audience(doc, unit)
    assert documents.tracking(db, doc).audience == 6
    assert "Lịch giao ban" in as_user(factory.user("reporter", party.t.g21)).get("/party/documents").get_data(as_text=True)


def test_units_download_the_blank_report_forms(party, as_user, factory):
    from docx import Document as Docx

    c = as_user(factory.user("reporter", party.t.g11))
    assert "Biểu mẫu báo cáo đại hội" in c.get("/party/documents").get_data(as_text=True)
    resp = c.get("/party/documents/templates/bao-cao-ket-qua-dai-hoi.docx")
    assert resp.status_code == 200
    doc = Docx(io.BytesIO(resp.data))
    grid = next(t for t in doc.tables if t.style.name == "Table Grid")  # after the header block
    labels = [row.cells[0].text for row in grid.rows]
    assert "  trong quy hoạch, đề án nhân sự" in labels and "Cán bộ chuyên trách không tái cử do tuổi" in labels
    assert c.get("/party/documents/templates/khong-co.docx").status_code == 404
