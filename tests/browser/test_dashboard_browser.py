"""In a real browser: a filter change on the dashboard swaps the figures through htmx, no reload."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

pytestmark = pytest.mark.browser


def test_sector_filter_swaps_the_table_and_updates_the_url(demo, db, live_server, browser_login, page):
    browser_login("dieuphoi")
    page.click("nav.mainnav >> text=Bảng theo dõi")
    expect(page.locator("h1")).to_have_text("Bảng theo dõi đại hội công đoàn")
    page.evaluate("window.__marker = 'same-page'")  # survives only if htmx swaps, not reloads
    fdi = db.scalar(text("SELECT COUNT(*) FROM units WHERE level = 'grassroots' AND sector = 'fdi'"))
    page.select_option("select[name=sector]", "fdi")
    count = page.locator("h2", has_text="Đơn vị (")
    expect(count).to_have_text(f"Đơn vị ({fdi})")
    expect(page.locator('article[data-level="grassroots"] [data-field="expected"]')).to_have_text(str(fdi))
    assert page.evaluate("window.__marker") == "same-page"
    assert re.search(r"[?&]sector=fdi", page.url)
    # The periodic refresh (every 60 s, or on return to the tab) asks again with the same filters.
    with page.expect_response(lambda r: "/dashboard?" in r.url and "sector=fdi" in r.url) as refreshed:
        page.evaluate("htmx.trigger('#dashboard', 'refresh')")
    assert refreshed.value.request.headers.get("hx-target") == "dashboard"
    assert refreshed.value.request.headers.get("x-daihoi-poll") == "1"
    expect(count).to_have_text(f"Đơn vị ({fdi})")
    # Active search, diacritic-insensitive, also swaps in place and lands in the URL.
    shoes = db.scalar(text(
        "SELECT COUNT(*) FROM units WHERE level = 'grassroots' AND sector = 'fdi' AND name_folded LIKE '%giay da%'"
    ))
    assert 0 < shoes < fdi
    page.fill("input[name=q]", "giay da")
    expect(count).to_have_text(f"Đơn vị ({shoes})")
    expect(page.locator("#unit-list tbody tr").first).to_contain_text("Giày da")
    assert page.evaluate("window.__marker") == "same-page"
    assert "q=giay+da" in page.url or "q=giay%20da" in page.url
    page.go_back()
    expect(page.locator("input[name=q]")).to_have_value("")


def test_click_on_a_district_drills_down_to_its_grassroots_unions(demo, db, live_server, browser_login, page):
    browser_login("dieuphoi")
    page.goto(f"{live_server}/dashboard?as_of=15/06/2023")
    rach_gia = db.scalar(text("SELECT COUNT(*) FROM units u JOIN units d ON d.id = u.parent_id WHERE d.code = 'RG'"))
    page.click("#district-table >> text=Liên đoàn Lao động thành phố Rạch Giá")
    expect(page.locator("nav.breadcrumbs")).to_contain_text("Liên đoàn Lao động tỉnh Kiên Giang")
    expect(page.locator("h2", has_text="Đơn vị (")).to_have_text(f"Đơn vị ({rach_gia})")
    assert re.search(r"[?&]unit=\d+", page.url) and re.search(r"as_of=15(/|%2F)06(/|%2F)2023", page.url)
