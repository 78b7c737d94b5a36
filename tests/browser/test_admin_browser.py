"""In a real browser: the unit tree expands in place, and a spreadsheet uploads through htmx."""
import pytest
from playwright.sync_api import expect

from tests.admin.helpers import csv_bytes
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def tree(factory):
    t = factory.tree()
    factory.campaign()
    factory.user("federation", t.province, username="liendoan")
    return t


def test_federation_expands_a_district_in_the_tree(tree, live_server, browser_login, page):
    browser_login("liendoan", PASSWORD)
    page.click("text=Quản trị")
    page.click(".subnav >> text=Đơn vị")
    page.evaluate("window.__marker = 'same-page'")
    row = page.locator('li[data-unit="D1"]')
    expect(row.locator("li[data-unit='G11']")).to_have_count(0)
    # The lazy loader listens for `toggle` only once htmx has processed the swapped-in tree: wait for
    # that, or a click on a loaded machine can come first and the toggle goes unheard.
    page.wait_for_function(
        "() => { const el = document.querySelector('li[data-unit=\"D1\"] [hx-get]');"
        " return !!(el && el['htmx-internal-data'] && el['htmx-internal-data'].initHash); }"
    )
    row.locator("summary").click(position={"x": 2, "y": 5})
    expect(row.locator("li[data-unit='G11']")).to_contain_text("Vĩnh Lạc")
    assert page.evaluate("window.__marker") == "same-page"


def test_federation_uploads_a_file_and_sees_the_report(tree, live_server, browser_login, page, tmp_path):
    rows = [("G13", "Công đoàn cơ sở Công ty Cổ phần Cấp thoát nước", "cơ sở", "D1", "ngoài nhà nước", 180, "", "")]
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_bytes(rows))
    browser_login("liendoan", PASSWORD)
    page.goto(f"{live_server}/admin/units/import")
    expect(page.locator("#upload-progress")).to_be_hidden()  # shown only while a request runs
    page.evaluate("window.__marker = 'same-page'")
    page.set_input_files("input[type=file]", str(path))
    page.check("input[value=valid_only]")
    page.click("form.stacked button[type=submit]")
    expect(page.locator("#import-report h2")).to_contain_text("Đã nhập")
    expect(page.locator('#import-report [data-count="created"]')).to_have_text("1")
    assert page.evaluate("window.__marker") == "same-page"
