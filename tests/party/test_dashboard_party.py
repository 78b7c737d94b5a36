"""The coordinators' dashboard carries the party side: level reports received and the emulation
movement's totals, over the scope shown and never beyond the user's own subtree."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text

from shared.models import CongressWork, ExemplaryEntry, LevelReport
from shared.reports import current_campaign


def _figure(html: str, field: str) -> int:
    """A figure of the emulation summary paragraph, with its Vietnamese thousands separators removed."""
    summary = re.search(r'<p class="summary" id="emulation-summary">(.*?)</p>', html, re.S).group(1)
    value = re.search(rf'data-field="{field}">([\d.]+)<', summary).group(1)
    return int(value.replace(".", ""))


def _reconciled(db, campaign_id: int, today: dt.date) -> dict:
    """The emulation rule recomputed in Python from the raw rows: per active unit, its itemised register
    where it has one (works and exemplary people apart), else its held report's counts."""
    units = [r[0] for r in db.execute(text("SELECT id FROM units WHERE active"))]
    reports = {u: (w or 0, v or 0, e or 0) for u, w, v, e in db.execute(text(
        "SELECT unit_id, works_count, works_value_vnd, exemplary_count FROM congress_reports "
        "WHERE campaign_id = :c AND held_date IS NOT NULL AND held_date <= :d"), {"c": campaign_id, "d": today})}
    works: dict[int, list[int]] = {}
    for u, v in db.execute(text("SELECT unit_id, value_vnd FROM congress_works WHERE campaign_id = :c"), {"c": campaign_id}):
        works.setdefault(u, []).append(v or 0)
    people: dict[int, list[str]] = {}
    for u, kind in db.execute(text("SELECT unit_id, kind FROM exemplary_entries WHERE campaign_id = :c"), {"c": campaign_id}):
        people.setdefault(u, []).append(kind)
    out = dict(works=0, works_value_vnd=0, exemplary=0, individuals=0, collectives=0)
    for u in units:
        w, v, e = reports.get(u, (0, 0, 0))
        if u in works:
            w, v = len(works[u]), sum(works[u])
        if u in people:
            e = len(people[u])
            out["individuals"] += people[u].count("individual")
            out["collectives"] += people[u].count("collective")
        out["works"] += w
        out["works_value_vnd"] += v
        out["exemplary"] += e
    return out


def test_the_coordinator_sees_11_of_16_level_reports_and_the_province_emulation_totals(demo, db, client, login_as):
    login_as("dieuphoi", "demo1234")
    html = client.get("/dashboard").get_data(as_text=True)
    line = re.search(r'data-field="level-received"><a href="([^"]+)">([^<]+)</a>', html)
    assert line.group(2) == "Báo cáo cấp ủy đã nhận: 11/16"
    assert line.group(1).startswith("/party/level-reports")
    assert "Báo cáo cấp ủy đã nhận: 11/16" in client.get(line.group(1).replace("&amp;", "&")).get_data(as_text=True)

    campaign_id = current_campaign(db).id  # the one the dashboard shows by default
    register = db.execute(
        text("SELECT count(*), coalesce(sum(value_vnd), 0) FROM congress_works WHERE campaign_id = :c"), {"c": campaign_id}
    ).one()
    reported = db.scalar(text("SELECT coalesce(sum(works_count), 0) FROM congress_reports WHERE campaign_id = :c"), {"c": campaign_id})
    assert register[0] > 0 and reported > register[0]  # the demo has both sources, which the page reconciles
    want = _reconciled(db, campaign_id, dt.date.today())
    html = client.get("/dashboard?section=emulation").get_data(as_text=True)
    for field in ("works", "works_value_vnd", "exemplary", "individuals", "collectives"):
        assert _figure(html, field) == want[field], field
    # One figure, its source stated: the table's total row says the same, and the register's own total
    # (a second, competing figure before) is not printed as a total.
    assert "Nguồn số liệu" in html and html.count('id="emulation-summary"') == 1
    total_row = html.split('<tr data-unit="total">', 1)[1].split("</tr>", 1)[0]
    works_cell = re.search(r'data-field="works">([\d.]+)<', total_row).group(1)
    assert int(works_cell.replace(".", "")) == want["works"]
    assert f'data-field="works">{register[0]}<' not in html


def test_a_district_user_sees_only_its_subtree_and_no_level_report_line(party, as_user, factory, db, today):
    today(dt.date(2023, 4, 1))
    t, campaign = party.t, party.campaign
    for unit, value in ((t.g11, 25_000_000), (t.g12, 5_000_000), (t.g21, 700_000_000)):
        db.add(CongressWork(campaign_id=campaign.id, unit_id=unit.id, name="Công trình", value_vnd=value,
                            created_at=dt.datetime(2023, 3, 1)))
    db.add(ExemplaryEntry(campaign_id=campaign.id, unit_id=t.g11.id, kind="individual", name="Nguyễn Thị Mai",
                          created_at=dt.datetime(2023, 3, 1)))
    db.add(ExemplaryEntry(campaign_id=campaign.id, unit_id=t.g21.id, kind="collective", name="Tổ Công đoàn",
                          created_at=dt.datetime(2023, 3, 1)))
    db.add(LevelReport(campaign_id=campaign.id, party_body_id=party.bodies.d1.id, status="submitted",
                       created_at=dt.datetime(2023, 3, 1), updated_at=dt.datetime(2023, 3, 1),
                       submitted_at=dt.datetime(2023, 3, 1)))
    db.commit()

    district = as_user(factory.user("district", t.d1, username="rachgia_test"))
    html = district.get("/dashboard?section=emulation").get_data(as_text=True)
    assert (_figure(html, "works"), _figure(html, "works_value_vnd")) == (2, 30_000_000)
    assert (_figure(html, "individuals"), _figure(html, "collectives")) == (1, 0)
    assert 'data-unit="G21"' not in html
    assert "Báo cáo cấp ủy đã nhận" not in district.get("/dashboard").get_data(as_text=True)
    # Another district's subtree stays out of reach.
    assert district.get(f"/dashboard?unit={t.d2.id}").status_code == 404

    coordinator = as_user(party.coordinator)
    html = coordinator.get("/dashboard?section=emulation").get_data(as_text=True)
    assert (_figure(html, "works"), _figure(html, "works_value_vnd")) == (3, 730_000_000)
    assert (_figure(html, "individuals"), _figure(html, "collectives")) == (1, 1)
    assert "Báo cáo cấp ủy đã nhận: 1/3" in coordinator.get("/dashboard").get_data(as_text=True)
    # Drilled into a district, both figures narrow to it.
    html = coordinator.get(f"/dashboard?section=emulation&unit={t.d2.id}").get_data(as_text=True)
    assert (_figure(html, "works"), _figure(html, "collectives")) == (1, 1)
    assert "Báo cáo cấp ủy đã nhận: 0/1" in coordinator.get(f"/dashboard?unit={t.d2.id}").get_data(as_text=True)
