"""One order of child units: the portal's table per district and the API's /progress/by-unit (which the
TUI pages through) sort the same rows the same way for every order (issue 17, item 4)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from shared.models import CongressReport
from shared.progress import CHILD_SORTS
from tests.api.conftest import Api


@pytest.fixture
def province(db, factory, today):
    """Four district-level units whose shares differ, tie, and differ only by their own congress."""
    today(dt.date(2023, 8, 15))  # past the grassroots and the district deadlines: overdue units exist
    t = factory.tree()
    t.campaign = factory.campaign()
    t.d3 = factory.unit("Liên đoàn Lao động huyện An Biên", "district", t.province, code="D3")
    t.d4 = factory.unit("Công đoàn ngành Y tế", "district", t.province, code="D4")
    g31 = factory.unit("Công đoàn cơ sở Trạm Y tế xã Tây Yên", "grassroots", t.d3, code="G31")
    g32 = factory.unit("Công đoàn cơ sở Trường Mầm non Nam Yên", "grassroots", t.d3, code="G32")
    g41 = factory.unit("Công đoàn cơ sở Bệnh viện Đa khoa tỉnh", "grassroots", t.d4, code="G41")
    held = {
        t.g11: dt.date(2023, 4, 1),  # D1: 1 of its 3 (itself, G11, G12), on time
        t.d3: dt.date(2023, 8, 1),  # D3: only its own congress, late: 1 of 3 as well (a tie with D1)
        g41: dt.date(2023, 6, 20),  # D4: 1 of 2, late
        t.g21: dt.date(2023, 5, 2),  # D2: 1 of 2, on time: the same share as D4, more of it on time
    }
    for unit, day in held.items():
        factory.session.add(CongressReport(campaign_id=t.campaign.id, unit_id=unit.id, planned_date=day,
                                           planned_at=dt.datetime(2023, 3, 1, 9), held_date=day, status="draft"))
    factory.session.commit()
    t.g31, t.g32, t.g41 = g31, g32, g41
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    return t


def _portal_order(client, query: str) -> list[str]:
    html = client.get(f"/dashboard?section=units&{query}").get_data(as_text=True)
    body = html.split('<table class="grid" id="district-table">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr data-unit="([^"]+)">', body)


def _api_order(api: Api, user, sort: str, limit: int = 1) -> list[str]:
    """Walk every page of /progress/by-unit (one child a page: the cursor carries the order)."""
    codes, cursor = [], None
    while True:
        resp = api.get(f"/progress/by-unit?sort={sort}&limit={limit}" + (f"&cursor={cursor}" if cursor else ""), user)
        assert resp.status_code == 200, resp.json
        codes += [item["unit"]["code"] for item in resp.json["items"]]
        cursor = resp.json["next_cursor"]
        if cursor is None:
            return codes


def test_portal_and_api_order_the_children_the_same_way_for_every_sort(province, client, login_as):
    api = Api(client)
    login_as(province.coordinator)
    # By name: Công đoàn ngành Y tế (D4), LĐLĐ huyện An Biên (D3), huyện Giồng Riềng (D2), thành phố Rạch Giá (D1).
    expected = {
        "name": ["D4", "D3", "D2", "D1"],
        "held_pct": ["D4", "D2", "D3", "D1"],  # 1/2 (by name), then 1/3 (by name)
        "on_time_pct": ["D2", "D1", "D4", "D3"],  # all held on time (by name), then none (by name)
        "overdue": ["D3", "D1", "D4", "D2"],  # 2 overdue (D3: its unions; D1: a union and itself), then 1
    }
    assert set(expected) == set(CHILD_SORTS)
    for sort in CHILD_SORTS:
        portal = _portal_order(client, f"sort={sort}")
        assert portal == _api_order(api, province.coordinator, sort) == expected[sort], sort
        # The other direction is the same order reversed, ties included.
        other = "desc" if sort == "name" else "asc"
        assert _portal_order(client, f"sort={sort}&dir={other}") == list(reversed(expected[sort])), sort


def test_the_table_shows_the_figures_it_is_sorted_by(province, client, login_as):
    """Each row is the child's whole subtree (every level), as the API's and the TUI's `total`."""
    login_as(province.coordinator)
    html = client.get("/dashboard?section=units&sort=held_pct").get_data(as_text=True)
    row = html.split('<tr data-unit="D3">', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'data-field="expected">3<', row) and re.search(r'data-field="held">1<', row)
    assert re.search(r'data-field="held_pct">33,3 %<', row)
    assert "Đã tổ chức trễ hạn" in row  # its own congress, from the rows' state, not decided by the template
