"""Dates and numbers as people type them, in every form, filter and API body that takes one: 15052023,
15.05.2023, 15/5/23, 15,000,000, 15 000 000... are read by the one parser (shared.text) and shown back in one
form (15/05/2023, 15.000.000); date boxes bring a keyboard that can type them."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from shared import validation
from shared.models import AuditLog, Campaign, CongressWork, SteeringCommittee, Unit
from tests.conftest import csrf_token
from tests.party.conftest import as_user, party  # noqa: F401  (fixtures)
from tests.test_reports import VALID, post, stored, url


def _post(client, path, data, page=None):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page or path)})


def _date_boxes(html: str) -> list[str]:
    return re.findall(r'<input[^>]*placeholder="dd/mm/yyyy"[^>]*>', html)


def test_the_report_form_takes_dates_and_money_as_typed_and_shows_them_back_in_one_form(client, db, factory, login_as, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    factory.campaign()
    login_as(factory.user("reporter", t.g11))
    typed = {**VALID, "planned_date": "18042023", "held_date": "20.04.23", "works_value_vnd": "15,000,000",
             "funding_vnd": "2 000 000", "members_total": "1.040", "summoned": "40"}
    assert post(client, t.g11, typed).status_code == 303
    report = stored(db, t.g11)
    assert (report.planned_date, report.held_date) == (dt.date(2023, 4, 18), dt.date(2023, 4, 20))
    assert (report.works_value_vnd, report.funding_vnd, report.members_total) == (15_000_000, 2_000_000, 1_040)
    html = client.get(url(t.g11)).get_data(as_text=True)
    assert 'value="18/04/2023"' in html and 'value="15.000.000"' in html and 'value="2.000.000"' in html


def test_a_report_body_of_the_api_takes_the_same_forms():
    values, errors = validation.parse_report({"held_date": "15/5/23", "planned_date": "2023-05-10",
                                              "funding_vnd": "15 000 000", "works_value_vnd": 3_000_000})
    assert not errors
    assert values["held_date"] == dt.date(2023, 5, 15) and values["planned_date"] == dt.date(2023, 5, 10)
    assert (values["funding_vnd"], values["works_value_vnd"]) == (15_000_000, 3_000_000)
    _values, errors = validation.parse_report({"held_date": "31/02/2023", "funding_vnd": "15,5"})
    assert errors == {"held_date": "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.",
                      "funding_vnd": "Phải là số nguyên không âm."}


def test_a_campaign_takes_its_dates_and_numbers_as_typed(client, db, factory, login_as):
    t = factory.tree()
    factory.campaign()
    login_as(factory.user("admin", t.province))
    form = {"name": "Đại hội công đoàn các cấp nhiệm kỳ 2028-2033", "term": "2028-2033", "start_date": "01012028",
            "pilot_until_grassroots": "15.03.2028", "deadline_grassroots": "30-06-2028", "deadline_district": "31 08 2028",
            "deadline_province": "31/10/28", "members_threshold": "1.000", "youth_age": "35",
            "target_women_pct": "35", "target_young_pct": "20", "target_party_pct": "55"}
    resp = _post(client, "/admin/campaigns/new", {**form, "target_women_pct": "130"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422  # another field is wrong: the dates come back in their one form
    assert 'value="01/01/2028"' in html and 'value="31/10/2028"' in html and 'value="1.000"' in html
    assert _post(client, "/admin/campaigns/new", form).status_code == 303
    db.expire_all()
    c = db.scalar(select(Campaign).where(Campaign.term == "2028-2033"))
    assert (c.start_date, c.pilot_until_grassroots, c.deadline_grassroots, c.deadline_district, c.deadline_province) == (
        dt.date(2028, 1, 1), dt.date(2028, 3, 15), dt.date(2028, 6, 30), dt.date(2028, 8, 31), dt.date(2028, 10, 31))
    assert c.members_threshold == 1_000


def test_date_boxes_bring_a_keyboard_with_a_separator_key(client, factory, login_as):
    """inputmode="numeric" has no "/" or "." on iPhones; "decimal" has the locale's separator everywhere."""
    t = factory.tree()
    factory.campaign()
    login_as(factory.user("admin", t.province))
    for page in ("/admin/campaigns/new", "/", "/admin/audit"):
        boxes = _date_boxes(client.get(page).get_data(as_text=True))
        assert boxes and all('inputmode="decimal"' in box for box in boxes), (page, boxes)
    campaign_form = client.get("/admin/campaigns/new").get_data(as_text=True)
    assert 'inputmode="numeric"' in campaign_form  # the counts: digits only


def test_a_unit_takes_a_member_count_with_a_thousands_separator(client, db, factory, login_as):
    t = factory.tree()
    factory.campaign()
    login_as(factory.user("federation", t.province))
    resp = _post(client, f"/admin/units/{t.d1.id}/new", {"code": "rg-99", "name": "Công đoàn cơ sở Cảng Rạch Giá",
                                                         "sector": "state", "members_count": "1.500"})
    assert resp.status_code == 303
    db.expire_all()
    assert db.scalar(select(Unit).where(Unit.code == "RG-99")).members_count == 1_500


def test_emulation_works_and_the_steering_decision_take_typed_values(party, as_user, factory, db, today):
    today(dt.date(2023, 4, 1))
    t = party.t
    reporter = as_user(factory.user("reporter", t.g11))
    resp = reporter.post_form(f"/party/units/{t.g11.id}/emulation/works",
                              {"name": "Sửa chữa nhà văn hóa", "value_vnd": "15 000 000", "completed_on": "2/3/23"})
    assert resp.status_code == 303
    work = db.scalar(select(CongressWork).where(CongressWork.name == "Sửa chữa nhà văn hóa"))
    assert (work.value_vnd, work.completed_on) == (15_000_000, dt.date(2023, 3, 2))
    html = reporter.get(f"/party/units/{t.g11.id}/emulation").get_data(as_text=True)
    assert "15.000.000" in html and "02/03/2023" in html
    assert all('inputmode="decimal"' in box for box in _date_boxes(html)) and _date_boxes(html)

    resp = reporter.post_form(f"/party/units/{t.g11.id}/emulation/works", {"name": "Quỹ", "value_vnd": "15,5"})
    assert resp.status_code == 422 and "Phải là số nguyên không âm." in resp.get_data(as_text=True)

    committee = as_user(party.pc1)
    resp = committee.post_form(f"/party/units/{t.d1.id}/steering/decision",
                               {"decision_number": "15-QĐ/TU", "decision_date": "20122022"})
    assert resp.status_code == 303
    db.expire_all()
    assert db.scalar(select(SteeringCommittee).where(SteeringCommittee.unit_id == t.d1.id)).decision_date == dt.date(2022, 12, 20)
    assert 'value="20/12/2022"' in committee.get(f"/party/units/{t.d1.id}/steering").get_data(as_text=True)


def test_filters_take_typed_dates(client, db, factory, login_as, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    factory.campaign()
    login_as(factory.user("admin", t.province))
    for typed in ("15042023", "15.04.2023", "15/4/23"):
        html = client.get(f"/?as_of={typed}").get_data(as_text=True)
        assert "Số liệu tính đến ngày 15/04/2023" in html and 'value="15/04/2023"' in html, typed
    html = client.get(f"/units/{t.d1.id}?as_of=15 04 2023").get_data(as_text=True)
    assert "Số liệu tính đến ngày 15/04/2023" in html
    _post(client, f"/admin/units/{t.d1.id}/new", {"code": "x1", "name": "Công đoàn X", "sector": "state"})
    assert db.scalar(select(AuditLog).where(AuditLog.action == "unit.create")) is not None
    html = client.get("/admin/audit?from=01.06.2023&to=01062023").get_data(as_text=True)
    assert "Công đoàn X" in html and 'aria-invalid' not in html
    html = client.get("/admin/audit?from=02.06.2023").get_data(as_text=True)
    assert "Công đoàn X" not in html
