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


def test_the_coordinator_sees_11_of_16_level_reports_and_the_province_emulation_totals(demo, db, client, login_as):
    login_as("dieuphoi", "demo1234")
    html = client.get("/dashboard").get_data(as_text=True)
    line = re.search(r'data-field="level-received"><a href="([^"]+)">([^<]+)</a>', html)
    assert line.group(2) == "Báo cáo cấp ủy đã nhận: 11/16"
    assert line.group(1).startswith("/party/level-reports")
    assert "Báo cáo cấp ủy đã nhận: 11/16" in client.get(line.group(1).replace("&amp;", "&")).get_data(as_text=True)

    campaign_id = current_campaign(db).id  # the one the dashboard shows by default
    works, value = db.execute(
        text("SELECT count(*), coalesce(sum(value_vnd), 0) FROM congress_works WHERE campaign_id = :c"), {"c": campaign_id}
    ).one()
    people = dict(db.execute(
        text("SELECT kind, count(*) FROM exemplary_entries WHERE campaign_id = :c GROUP BY kind"), {"c": campaign_id}
    ).all())
    assert works > 0 and people.get("individual", 0) + people.get("collective", 0) > 0  # the demo has entries
    assert _figure(html, "works") == works
    assert _figure(html, "works_value_vnd") == value
    assert _figure(html, "individuals") == people.get("individual", 0)
    assert _figure(html, "collectives") == people.get("collective", 0)


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
    html = district.get("/dashboard").get_data(as_text=True)
    assert (_figure(html, "works"), _figure(html, "works_value_vnd")) == (2, 30_000_000)
    assert (_figure(html, "individuals"), _figure(html, "collectives")) == (1, 0)
    assert 'data-unit="G21"' not in html and "Báo cáo cấp ủy đã nhận" not in html
    # Another district's subtree stays out of reach.
    assert district.get(f"/dashboard?unit={t.d2.id}").status_code == 404

    coordinator = as_user(party.coordinator)
    html = coordinator.get("/dashboard").get_data(as_text=True)
    assert (_figure(html, "works"), _figure(html, "works_value_vnd")) == (3, 730_000_000)
    assert (_figure(html, "individuals"), _figure(html, "collectives")) == (1, 1)
    assert "Báo cáo cấp ủy đã nhận: 1/3" in html
    # Drilled into a district, both figures narrow to it.
    html = coordinator.get(f"/dashboard?unit={t.d2.id}").get_data(as_text=True)
    assert (_figure(html, "works"), _figure(html, "collectives")) == (1, 1)
    assert "Báo cáo cấp ủy đã nhận: 0/1" in html
