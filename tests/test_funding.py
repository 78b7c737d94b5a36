"""Funding by source (issue 20 item 6): typed as people type money, through the form and the API and back;
the parts may not exceed the total and fill it when it is empty; the dashboard and the DOCX sum them per level."""
from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from sqlalchemy import select

from shared import funding
from shared.models import CongressReport
from tests.conftest import PASSWORD, csrf_token, login

PARTS = ("funding_pc_province_vnd", "funding_pc_district_vnd", "funding_pc_commune_vnd", "funding_union_vnd",
         "funding_other_vnd")


@pytest.fixture
def w(factory, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11, username="coso11")
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    t.district1 = factory.user("district", t.d1, username="rachgia")
    return t


def stored(db, unit) -> CongressReport | None:
    db.expire_all()
    return db.scalar(select(CongressReport).where(CongressReport.unit_id == unit.id))


def test_the_form_takes_the_sources_as_typed_and_shows_them_back(w, client, db):
    login(client, "coso11")
    page = client.get(f"/units/{w.g11.id}/report").get_data(as_text=True)
    assert all(f'name="{name}"' in page for name in PARTS)
    data = {"funding_pc_province_vnd": "15.000.000", "funding_pc_district_vnd": "5,000,000",
            "funding_pc_commune_vnd": "2 000 000", "funding_union_vnd": "3000000", "funding_other_vnd": "",
            "funding_vnd": "", "action": "save", "csrf_token": csrf_token(client, f"/units/{w.g11.id}/report")}
    resp = client.post(f"/units/{w.g11.id}/report", data=data)
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    r = stored(db, w.g11)
    assert [getattr(r, p) for p in PARTS] == [15_000_000, 5_000_000, 2_000_000, 3_000_000, None]
    assert r.funding_vnd == 25_000_000  # left empty: the sum of the sources
    page = client.get(f"/units/{w.g11.id}/report").get_data(as_text=True)
    assert 'value="15.000.000"' in page and 'value="25.000.000"' in page


def test_sources_over_the_total_are_an_error_on_the_total(w, client, db):
    login(client, "coso11")
    data = {"funding_vnd": "10.000.000", "funding_pc_province_vnd": "8.000.000", "funding_union_vnd": "3.000.000",
            "action": "save", "csrf_token": csrf_token(client, f"/units/{w.g11.id}/report")}
    resp = client.post(f"/units/{w.g11.id}/report", data=data)
    page = client.get(f"/units/{w.g11.id}/report").get_data(as_text=True) if resp.status_code == 303 else \
        resp.get_data(as_text=True)
    assert "Nhỏ hơn tổng các nguồn kinh phí đã kê (11.000.000)" in page


def test_the_api_reads_and_writes_the_sources(w, client, db):
    token = client.post("/api/v1/tokens", json={"username": "coso11", "password": PASSWORD}).json
    headers = {"Authorization": f"Bearer {token['token']}"}
    resp = client.put(f"/api/v1/units/{w.g11.id}/report", headers=headers,
                      json={"funding_pc_district_vnd": "4.000.000", "funding_other_vnd": 1_000_000})
    assert resp.status_code == 200, resp.json
    assert (resp.json["funding_pc_district_vnd"], resp.json["funding_other_vnd"], resp.json["funding_vnd"]) == (
        4_000_000, 1_000_000, 5_000_000)
    resp = client.put(f"/api/v1/units/{w.g11.id}/report", headers=headers,
                      json={"version": resp.json["version"], "funding_union_vnd": "abc"})
    assert resp.status_code == 422 and "funding_union_vnd" in resp.json["error"]["fields"]
    got = client.get(f"/api/v1/units/{w.g11.id}/report", headers=headers).json
    assert got["funding_vnd"] == 5_000_000 and got["funding_union_vnd"] is None


@pytest.fixture
def held(w, db):
    """G11 (grassroots) and D1 (district) held, each with funding by source; G12 held before the split (a total
    only); G21 held after 01/05, outside an as-of day of 30/04."""
    def report(unit, day, **money):
        r = CongressReport(campaign_id=w.campaign.id, unit_id=unit.id, status="draft", form="toan_the",
                           planned_date=day, held_date=day, **money)
        db.add(r)

    report(w.g11, dt.date(2023, 4, 10), funding_vnd=20_000_000, funding_pc_province_vnd=10_000_000,
           funding_pc_commune_vnd=2_000_000, funding_union_vnd=5_000_000, funding_other_vnd=1_000_000)
    report(w.g12, dt.date(2023, 4, 12), funding_vnd=3_000_000)
    report(w.g21, dt.date(2023, 5, 10), funding_vnd=7_000_000, funding_pc_district_vnd=7_000_000)
    report(w.d1, dt.date(2023, 4, 20), funding_vnd=50_000_000, funding_pc_province_vnd=30_000_000,
           funding_union_vnd=20_000_000)
    db.commit()
    return w


def test_sums_per_level_as_of_a_day(held, db):
    levels = funding.by_level(db, held.campaign, held.province, dt.date(2023, 4, 30))
    g, d, t = levels["grassroots"], levels["district"], levels["all"]
    assert (g.total, g.pc_province, g.pc_commune, g.union, g.other, g.unsplit, g.units) == (
        23_000_000, 10_000_000, 2_000_000, 5_000_000, 1_000_000, 5_000_000, 2)
    assert (d.total, d.pc_total, d.union, d.unsplit) == (50_000_000, 30_000_000, 20_000_000, 0)
    assert (t.total, t.pc_total) == (73_000_000, 42_000_000)
    assert funding.by_level(db, held.campaign, held.province, dt.date(2023, 6, 1))["grassroots"].pc_district == 7_000_000
    assert funding.by_level(db, held.campaign, held.d2, dt.date(2023, 6, 1))["all"].total == 7_000_000


def test_the_dashboard_and_the_docx_show_the_sums(held, client):
    login(client, "dieuphoi")
    html = client.get("/dashboard?section=emulation&as_of=30/04/2023").get_data(as_text=True)
    table = html[html.index('id="funding"'):]
    table = table[:table.index("</table>")]
    grassroots = table[table.index('data-level="grassroots"'):]
    assert '<td class="num" data-field="pc_province">10.000.000</td>' in grassroots
    assert '<td class="num" data-field="unsplit">5.000.000</td>' in grassroots
    total = table[table.index('data-level="all"'):]
    assert '<td class="num" data-field="total">73.000.000</td>' in total
    resp = client.get("/dashboard/export.docx?as_of=30/04/2023")
    document = docx.Document(io.BytesIO(resp.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Ủy ban nhân dân các cấp hỗ trợ 42.000.000 đồng (tỉnh 40.000.000, huyện 0, xã 2.000.000)" in text
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Nguồn")
    heads = [c.text for c in table.rows[0].cells]
    assert len(heads) == 4 and heads[-1] == "Tổng cộng"  # the levels with funding (not the province), the total
    totals = {r.cells[0].text: r.cells[-1].text for r in table.rows[1:]}
    assert totals == {"UBND tỉnh": "40.000.000", "UBND huyện": "0", "UBND xã": "2.000.000", "Công đoàn": "25.000.000",
                      "Nguồn khác": "1.000.000", "Chưa rõ nguồn": "5.000.000", "Tổng (đồng)": "73.000.000"}
