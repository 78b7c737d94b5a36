"""A party committee writes and sends its level report in a real browser (htmx boost, file upload, confirm)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import go_offline, take_back, wait_save_failed
from tests.conftest import PASSWORD
from tests.party.conftest import PDF_BYTES, party  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_party_committee_sends_its_level_report(party, browser_login, page, live_server, tmp_path):  # noqa: F811
    scan = tmp_path / "bao-cao-da-ky.pdf"
    scan.write_bytes(PDF_BYTES)
    browser_login(party.pc1.username, PASSWORD)
    page.click("text=Báo cáo kết quả đại hội cấp mình")
    page.click("button:has-text('Bắt đầu soạn báo cáo')")
    page.wait_for_selector("textarea[name=assessment]")
    page.fill("textarea[name=assessment]", "Các đại hội được tổ chức đúng hướng dẫn.")
    page.click("button:has-text('Lưu nội dung')")
    page.wait_for_selector("text=Đã lưu nội dung báo cáo.")
    page.set_input_files("input[name=file]", str(scan))
    page.click("button:has-text('Tải lên')")
    page.wait_for_selector("text=Đã đính kèm bản scan.")
    page.on("dialog", lambda d: d.accept())
    page.click("button:has-text('Gửi báo cáo')")
    page.wait_for_selector("text=Đã gửi báo cáo đến Ban Dân vận Tỉnh ủy.")
    assert page.inner_text("[data-field=status]").startswith("Đã gửi")
    assert "Các đại hội được tổ chức đúng hướng dẫn." in page.content()


@pytest.mark.engines  # what the database keeps: runs on both engines
def test_the_level_report_narrative_saves_as_it_is_typed_and_offline_typing_comes_back(  # noqa: F811
        party, browser_login, page, live_server, reopened):
    browser_login(party.pc1.username, PASSWORD)
    page.click("text=Báo cáo kết quả đại hội cấp mình")
    page.click("button:has-text('Bắt đầu soạn báo cáo')")
    page.locator("textarea[name=assessment]").press_sequentially("Đúng tiến độ")
    page.locator("textarea[name=lessons]").focus()  # leaving the box saves it
    page.wait_for_selector("#autosave-status:has-text('Đã lưu lúc')")
    page.reload()
    assert page.input_value("textarea[name=assessment]") == "Đúng tiến độ"

    go_offline(page.context, page)
    page.locator("textarea[name=lessons]").press_sequentially("Chọn điểm sớm")
    page.locator("textarea[name=assessment]").focus()
    page.wait_for_selector("#autosave-status:has-text('mất kết nối')")
    wait_save_failed(page)
    url, context = page.url, page.context
    later = reopened(context)
    page.close()  # closed before the connection returns
    again = later.new_page()
    again.goto(url)
    take_back(again)
    again.wait_for_selector("textarea[name=lessons]:text('Chọn điểm sớm')")
    assert again.input_value("textarea[name=assessment]") == "Đúng tiến độ"
