"""A district brings in results from a spreadsheet, in Chromium against `daihoi serve`: download the template,
fill two rows (openpyxl, as a spreadsheet program would), upload, read the dry run, confirm, and find the
reports marked "nhập thay"."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shared.models import CongressReport, User
from shared.result_imports import COLUMNS

pytestmark = pytest.mark.browser


def test_a_district_imports_results_from_the_template(demo, db, factory, live_server, browser_login, page, tmp_path):
    rachgia = db.scalar(select(User).where(User.username == "rachgia"))
    new = [factory.unit(f"Công đoàn cơ sở Công ty TNHH Nước mắm Rạch Sỏi {i}", "grassroots", rachgia.unit,
                        code=f"RG-9{i:03d}", sector="non_state", members_count=30 + i) for i in (1, 2)]
    browser_login("rachgia")
    page.goto(f"{live_server}/review")
    page.click("#on-behalf-link")
    page.click("#import-link")
    with page.expect_download() as download:
        page.click("#template-link")
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)

    wb = load_workbook(template)
    ws = wb.worksheets[0]
    col = {name: i + 1 for i, name in enumerate(COLUMNS)}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for unit in new:
        r = rows[unit.code]
        assert ws.cell(r, col["account"]).value == "chưa có" and ws.cell(r, col["members_total"]).value == unit.members_count
        for name, value in {"planned_date": "20/05/2023", "form": "Đại hội toàn thể", "held_date": dt.datetime(2023, 5, 20),
                            "summoned": unit.members_count, "present": unit.members_count - 3, "executive_size": 5,
                            "executive_women": 2, "executive_party": 3, "executive_young": 1, "executive_reelected": 2,
                            "executive_new": 3, "standing_size": 0, "inspection_size": 3, "chair_name": "Danh Thị Mỹ",
                            "chair_vote_pct": "88,5", "delegates_official": 1}.items():
            ws.cell(r, col[name]).value = value
    filled = tmp_path / "ket-qua.xlsx"
    wb.save(filled)

    page.set_input_files("input[name=file]", str(filled))
    page.check("input[name=send][value=send]")
    page.click("#check-file")
    page.wait_for_selector("#import-result")
    assert "Kết quả kiểm tra (chưa ghi gì)" in page.inner_text("#import-result h2")
    assert page.inner_text("[data-count=sent]") == "2" and page.inner_text("[data-count=errors]") == "0"
    assert int(page.inner_text("[data-count=not_overwritten]")) > 50  # the district's earlier reports: listed, kept
    assert db.scalar(select(CongressReport).where(CongressReport.unit_id == new[0].id)) is None  # the dry run wrote nothing

    page.on("dialog", lambda dialog: dialog.accept())  # "Nhập các dòng hợp lệ của tệp này?"
    page.click("#confirm-button")
    page.wait_for_selector("#entry-units")
    assert "Đã nhập 2 báo cáo" in page.inner_text("body")
    for unit in new:
        cell = page.locator(f"tr[data-unit='{unit.code}']")
        assert "Nhập thay bởi LĐLĐ thành phố Rạch Giá" in cell.inner_text() and "Đã gửi" in cell.inner_text()
    page.click(f"tr[data-unit='{new[0].code}'] a")
    assert "Nhập thay bởi LĐLĐ thành phố Rạch Giá" in page.inner_text("#report-status")
    db.expire_all()
    reports = db.scalars(select(CongressReport).where(CongressReport.unit_id.in_([u.id for u in new]))).all()
    assert {(r.status, r.entered_by_id, r.held_date) for r in reports} == {("submitted", rachgia.id, dt.date(2023, 5, 20))}
