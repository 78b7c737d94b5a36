"""GET /api/v1/calendar: the congresses of the caller's scope in the next 14 days (or a range), with the
calendar page's filters; another district's units never show, and naming another district is a 404."""
from __future__ import annotations

import datetime as dt

import pytest

from shared import calendar as cal
from shared.models import CongressReport


@pytest.fixture
def planned(world, db):
    """Today 15/04/2023. G11 held 10/04 (pilot), G12 planned 20/04, G21 planned 05/04 (missed), D1 planned
    28/04 (the 14th day), D2 planned 29/04 (the 15th)."""
    def report(unit, planned, held=None, pilot=False):
        db.add(CongressReport(campaign_id=world.campaign.id, unit_id=unit.id, planned_date=planned, held_date=held,
                              is_pilot=pilot, status="draft", form="toan_the"))

    report(world.g11, dt.date(2023, 4, 8), dt.date(2023, 4, 10), pilot=True)
    report(world.g12, dt.date(2023, 4, 20))
    report(world.g21, dt.date(2023, 4, 5))
    report(world.d1, dt.date(2023, 4, 28))
    report(world.d2, dt.date(2023, 4, 29))
    db.commit()
    return world


def _items(resp):
    assert resp.status_code == 200, resp.json
    return [(i["unit"]["code"], i["day"], i["kind"]) for i in resp.json["items"]]


def test_the_next_14_days_by_default(api, planned):
    resp = api.get("/calendar", planned.coordinator)
    assert (resp.json["from"], resp.json["to"], resp.json["as_of"]) == ("2023-04-15", "2023-04-28", "2023-04-15")
    assert _items(resp) == [("G12", "2023-04-20", "planned"), ("D1", "2023-04-28", "planned")]
    assert resp.json["truncated"] is False
    assert resp.json["items"][0]["district_name"] == planned.d1.name


def test_the_same_events_as_the_dashboard_and_the_page(api, planned, db):
    """One function: the API's items are shared.calendar.upcoming's, in the same order."""
    events, _more = cal.upcoming(db, planned.campaign, planned.province)
    assert [e.as_dict() for e in events] == api.get("/calendar", planned.coordinator).json["items"]


def test_a_range_and_the_filters_of_the_page(api, planned):
    month = {"from": "2023-04-01", "to": "2023-04-30"}
    assert _items(api.get("/calendar", planned.coordinator, query_string=month)) == [
        ("G21", "2023-04-05", "missed"), ("G11", "2023-04-10", "held"), ("G12", "2023-04-20", "planned"),
        ("D1", "2023-04-28", "planned"), ("D2", "2023-04-29", "planned")]
    assert _items(api.get("/calendar", planned.coordinator, query_string={**month, "pilot": "true"})) == [
        ("G11", "2023-04-10", "held")]
    assert _items(api.get("/calendar", planned.coordinator, query_string={**month, "level": "district"})) == [
        ("D1", "2023-04-28", "planned"), ("D2", "2023-04-29", "planned")]
    assert [c for c, _d, _k in _items(api.get("/calendar", planned.coordinator, query_string={
        **month, "district": planned.d2.id}))] == ["G21", "D2"]
    # As of 09/04, G11's congress of the 10th was still a plan, and G21's plan of the 5th already missed.
    assert _items(api.get("/calendar", planned.coordinator, query_string={
        "from": "2023-04-05", "to": "2023-04-10", "as_of": "2023-04-09"})) == [
        ("G21", "2023-04-05", "missed"), ("G11", "2023-04-10", "planned")]


def test_a_district_sees_its_own_and_cannot_name_another(api, planned):
    month = {"from": "2023-04-01", "to": "2023-04-30"}
    assert [c for c, _d, _k in _items(api.get("/calendar", planned.district1, query_string=month))] == [
        "G11", "G12", "D1"]
    resp = api.get("/calendar", planned.district1, query_string={**month, "district": planned.d2.id})
    assert resp.status_code == 404
    assert [c for c, _d, _k in _items(api.get("/calendar", planned.reporter12, query_string=month))] == ["G12"]


def test_a_long_window_is_cut_and_a_reversed_one_is_empty(api, planned):
    resp = api.get("/calendar", planned.coordinator, query_string={"from": "2023-01-01", "to": "2024-06-01"})
    assert resp.json["to"] == "2024-01-01" and len(resp.json["items"]) == 5
    resp = api.get("/calendar", planned.coordinator, query_string={"from": "2023-04-30", "to": "2023-04-01"})
    assert resp.status_code == 200 and resp.json["items"] == []


@pytest.mark.parametrize("query, field", [
    ({"level": "ward"}, "level"),
    ({"pilot": "maybe"}, "pilot"),
    ({"from": "15/04/2023"}, "from"),
    ({"frm": "2023-04-01"}, "frm"),
])
def test_bad_queries_are_400_naming_the_parameter(api, planned, query, field):
    resp = api.get("/calendar", planned.coordinator, query_string=query)
    assert resp.status_code == 400 and field in resp.json["error"]["fields"], resp.json


def test_a_unit_that_is_not_a_district_is_refused_as_a_district_filter(api, planned):
    resp = api.get("/calendar", planned.coordinator, query_string={"district": planned.g11.id})
    assert resp.status_code == 400 and "district" in resp.json["error"]["fields"]
