"""The congress calendar: congresses by day for a scope, the flag on a missed plan, the filters, and
the secret iCalendar feed that a phone calendar reads (and that stops working when revoked)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from shared import calendar as cal
from shared.models import CongressReport, User
from tests.conftest import csrf_token, login


@pytest.fixture
def planned(factory, db, today):
    """Province P > D1 (G11, G12), D2 (G21); today 15/04/2023. G11 held 10/04 (pilot), G12 planned
    20/04, G21 planned 05/04 but not held (missed), D1 planned 20/06."""
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    campaign = factory.campaign()

    def report(unit, planned, held=None, pilot=False):
        r = CongressReport(campaign_id=campaign.id, unit_id=unit.id, planned_date=planned, held_date=held,
                           is_pilot=pilot, status="draft", form="toan_the")
        db.add(r)
        return r

    report(t.g11, dt.date(2023, 4, 8), dt.date(2023, 4, 10), pilot=True)
    report(t.g12, dt.date(2023, 4, 20))
    report(t.g21, dt.date(2023, 4, 5))
    report(t.d1, dt.date(2023, 6, 20))
    db.commit()
    t.campaign = campaign
    return t


def _names(events):
    return [(e.unit_name, e.day, e.kind) for e in events]


def test_a_month_of_the_province_holds_each_congress_on_its_day(planned, db):
    start, end = cal.window("month", dt.date(2023, 4, 15))
    assert (start, end) == (dt.date(2023, 4, 1), dt.date(2023, 4, 30))
    events, truncated = cal.events(db, planned.campaign, planned.province, start, end)
    assert not truncated
    assert _names(events) == [
        (planned.g21.name, dt.date(2023, 4, 5), "missed"),  # planned for the 5th, no result by the 15th
        (planned.g11.name, dt.date(2023, 4, 10), "held"),  # on its held date, not its planned one
        (planned.g12.name, dt.date(2023, 4, 20), "planned"),
    ]
    assert [e.district_name for e in events] == [planned.d2.name, planned.d1.name, planned.d1.name]


def test_filters_and_scope(planned, db):
    start, end = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    pilots, _ = cal.events(db, planned.campaign, planned.province, start, end, cal.Filters(pilot_only=True))
    assert _names(pilots) == [(planned.g11.name, dt.date(2023, 4, 10), "held")]
    districts, _ = cal.events(db, planned.campaign, planned.province, start, end, cal.Filters(level="district"))
    assert _names(districts) == [(planned.d1.name, dt.date(2023, 6, 20), "planned")]
    d2, _ = cal.events(db, planned.campaign, planned.province, start, end, cal.Filters(district_id=planned.d2.id))
    assert _names(d2) == [(planned.g21.name, dt.date(2023, 4, 5), "missed")]
    # A district sees its own subtree only, and a filter naming another district finds nothing.
    own, _ = cal.events(db, planned.campaign, planned.d1, start, end)
    assert {e.unit_name for e in own} == {planned.g11.name, planned.g12.name, planned.d1.name}
    other, _ = cal.events(db, planned.campaign, planned.d1, start, end, cal.Filters(district_id=planned.d2.id))
    assert other == []
    non_state, _ = cal.events(db, planned.campaign, planned.province, start, end, cal.Filters(sector="non_state"))
    assert _names(non_state) == [(planned.g12.name, dt.date(2023, 4, 20), "planned")]


def test_the_next_14_days_and_the_missed_plans(planned, db):
    upcoming, _ = cal.upcoming(db, planned.campaign, planned.province)
    assert _names(upcoming) == [(planned.g12.name, dt.date(2023, 4, 20), "planned")]
    assert cal.missed_count(db, planned.campaign, planned.province) == 1
    assert cal.missed_count(db, planned.campaign, planned.d1) == 0


def test_more_than_a_page_is_said(planned, db):
    events, truncated = cal.events(db, planned.campaign, planned.province, dt.date(2023, 1, 1),
                                   dt.date(2023, 12, 31), limit=2)
    assert len(events) == 2 and truncated


@pytest.mark.parametrize(("view", "day", "start", "end", "before", "after"), [
    ("day", dt.date(2023, 4, 15), dt.date(2023, 4, 15), dt.date(2023, 4, 15), dt.date(2023, 4, 14), dt.date(2023, 4, 16)),
    ("week", dt.date(2023, 4, 15), dt.date(2023, 4, 10), dt.date(2023, 4, 16), dt.date(2023, 4, 8), dt.date(2023, 4, 22)),
    ("month", dt.date(2023, 12, 31), dt.date(2023, 12, 1), dt.date(2023, 12, 31), dt.date(2023, 11, 1), dt.date(2024, 1, 1)),
    ("month", dt.date(2024, 1, 31), dt.date(2024, 1, 1), dt.date(2024, 1, 31), dt.date(2023, 12, 1), dt.date(2024, 2, 1)),
])
def test_windows_and_steps(view, day, start, end, before, after):
    assert cal.window(view, day) == (start, end)
    assert cal.step(view, day, -1) == before and cal.step(view, day, +1) == after


def test_the_page_shows_the_scope_and_flags_a_missed_plan(planned, factory, login_as, client):
    login_as(factory.user("district", planned.d2))
    html = client.get("/calendar?date=01/04/2023").get_data(as_text=True)
    assert planned.g21.name in html and "Quá ngày dự kiến, chưa có kết quả" in html
    assert planned.g11.name not in html and planned.g12.name not in html  # D1's units
    html = client.get(f"/calendar?district={planned.d1.id}").get_data(as_text=True)
    assert planned.g11.name not in html


def test_a_bad_date_says_so_and_shows_today(planned, factory, login_as, client):
    login_as(factory.user("coordinator", planned.province))
    resp = client.get("/calendar?date=31/02/2023&view=week")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "10/04/2023 – 16/04/2023" in html


def _feed_url(client) -> str:
    client.post("/calendar/feed", data={"csrf_token": csrf_token(client, "/calendar")})
    html = client.get("/calendar").get_data(as_text=True)
    url = re.search(r'value="(http://[^"]+\.ics)"', html).group(1)
    assert ".ics" not in client.get("/calendar").get_data(as_text=True)  # shown once
    return url.removeprefix("http://localhost")


def test_the_feed_is_read_without_login_and_parses_back(planned, factory, login_as, client, app):
    login_as(factory.user("coordinator", planned.province))
    url = _feed_url(client)
    anonymous = app.test_client()
    resp = anonymous.get(url)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert "no-store" in resp.headers["Cache-Control"]
    events = Calendar.from_ical(resp.data).walk("VEVENT")
    assert len(events) == 4
    for e in events:
        assert e.get("DTSTART") is not None
        assert any(name in str(e.get("SUMMARY")) for name in (planned.g11.name, planned.g12.name, planned.g21.name,
                                                               planned.d1.name))
    pilot = next(e for e in events if planned.g11.name in str(e.get("SUMMARY")))
    assert pilot.decoded("DTSTART") == dt.date(2023, 4, 10) and "đại hội điểm" in str(pilot.get("SUMMARY"))


def test_a_district_feed_holds_its_own_units_only(planned, factory, login_as, client, app):
    login_as(factory.user("district", planned.d1))
    events = Calendar.from_ical(app.test_client().get(_feed_url(client)).data).walk("VEVENT")
    assert sorted(str(e.get("SUMMARY")) for e in events) == sorted(
        f"Đại hội {n}" + (" (đại hội điểm)" if n == planned.g11.name else "")
        for n in (planned.g11.name, planned.g12.name, planned.d1.name)
    )


def test_a_revoked_or_replaced_feed_is_refused(planned, factory, login_as, client, app, db):
    user = factory.user("coordinator", planned.province)
    login_as(user)
    first = _feed_url(client)
    second = _feed_url(client)  # a new address replaces the old one
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    client.post("/calendar/feed/revoke", data={"csrf_token": csrf_token(client, "/calendar")})
    assert anonymous.get(second).status_code == 404
    third = _feed_url(client)
    db.get(User, user.id).active = False  # an account switched off takes its feed with it
    db.commit()
    assert anonymous.get(third).status_code == 404


def test_creating_a_feed_needs_the_csrf_token(planned, factory, login_as, client):
    login_as(factory.user("coordinator", planned.province))
    assert client.post("/calendar/feed").status_code == 400


def test_the_feed_speaks_its_owners_language(planned, factory, login_as, client, app):
    login_as(factory.user("coordinator", planned.province, locale="en"))
    body = app.test_client().get(_feed_url(client)).get_data(as_text=True)
    assert f"Congress of {planned.g11.name} (pilot congress)" in body.replace("\r\n ", "")


def _upcoming_panel(html: str) -> str:
    start = html.index('id="upcoming"')
    return html[start:html.index("</section>", start)]


def test_the_dashboard_shows_the_next_14_days_of_its_scope(planned, factory, login_as, client, app):
    """From the day shown: on 15/04 G12 (20/04); as of 01/04, G21's plan of the 5th and G11's congress of the
    10th (held later: still a plan then). A district sees its own units only."""
    login_as(factory.user("coordinator", planned.province))
    panel = _upcoming_panel(client.get("/dashboard").get_data(as_text=True))
    assert "15/04/2023 – 28/04/2023" in panel
    assert planned.g12.name in panel and planned.g11.name not in panel and planned.g21.name not in panel
    panel = _upcoming_panel(client.get("/dashboard?as_of=01/04/2023").get_data(as_text=True))
    assert panel.index(planned.g21.name) < panel.index(planned.g11.name)
    assert 'data-kind="held"' not in panel and panel.count('data-kind="planned"') == 2
    other = app.test_client()
    login(other, factory.user("district", planned.d2).username)
    panel = _upcoming_panel(other.get("/dashboard?as_of=01/04/2023").get_data(as_text=True))
    assert planned.g21.name in panel and planned.g11.name not in panel


def test_a_unit_named_a_pilot_by_the_campaign_is_a_pilot_in_the_calendar(planned, factory, db):
    """shared.pilots' one rule: G12 (its plan does not say pilot) named by the coordinator."""
    from shared import pilots

    pilots.designate(db, factory.user("coordinator", planned.province), planned.campaign, planned.g12)
    found, _ = cal.events(db, planned.campaign, planned.province, dt.date(2023, 1, 1), dt.date(2023, 12, 31),
                          cal.Filters(pilot_only=True))
    assert [(e.unit_code, e.is_pilot) for e in found] == [("G11", True), ("G12", True)]
