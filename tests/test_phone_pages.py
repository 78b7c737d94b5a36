"""Small defects found using the portal (issue 16, item 15) and the page frame every page shares (issue 18):
the reminders page on first open, the site icon, the skip link to the main content."""
from __future__ import annotations

import re

from tests.review.conftest import world  # noqa: F401  (fixture)


def test_the_reminders_page_opens_with_seven_days_and_no_error(client, login_as, world):
    login_as(world.d1_reviewer)
    html = client.get("/review/reminders").get_data(as_text=True)
    assert re.search(r'<input type="number" name="days" value="7"', html)
    assert "Hãy nhập số ngày." not in html and 'aria-invalid="true"' not in html
    # Once the user submits an empty box, it is an error.
    html = client.get("/review/reminders?days=").get_data(as_text=True)
    assert "Hãy nhập số ngày." in html and 'aria-invalid="true"' in html


def test_the_site_icon_is_served_to_anyone(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.mimetype == "image/vnd.microsoft.icon"
    assert resp.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/login").get_data(as_text=True)


def test_every_page_starts_with_a_skip_link_to_its_main_content(client, login_as, world):
    for page in ("/login", "/", "/review", "/notifications"):
        if page == "/":
            login_as(world.d1_reviewer)
        html = client.get(page).get_data(as_text=True)
        body = html[html.index("<body"):]
        first_control = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body[body.index(">") + 1:]).group(0)
        assert first_control == '<a class="skip-link" href="#main">', (page, first_control)
        assert '<main id="main" tabindex="-1">' in html, page
