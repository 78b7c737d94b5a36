"""GET /api/v1/level-reports/summary: the party bodies' level reports received, for Ban Dân vận."""
from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from shared.models import LevelReport, PartyBody


@pytest.fixture
def bodies(world):
    """Party bodies of d1, d2 and the province; d1's report received, d2's still a draft."""
    s = world.session
    d1 = PartyBody(unit_id=world.d1.id, name="Thành ủy Rạch Giá", kind="district_committee")
    d2 = PartyBody(unit_id=world.d2.id, name="Huyện ủy Giồng Riềng", kind="district_committee")
    delegation = PartyBody(unit_id=world.province.id, name="Đảng đoàn Liên đoàn Lao động tỉnh", kind="federation_delegation")
    s.add_all([d1, d2, delegation])
    s.flush()
    at = dt.datetime(2023, 4, 1, 8, 0)
    s.add(LevelReport(campaign_id=world.campaign.id, party_body_id=d1.id, status="submitted",
                      created_at=at, updated_at=at, submitted_at=at))
    s.add(LevelReport(campaign_id=world.campaign.id, party_body_id=d2.id, status="draft", created_at=at, updated_at=at))
    s.commit()
    return world


def test_the_coordinator_reads_how_many_level_reports_arrived(api, bodies):
    resp = api.get(f"/level-reports/summary?campaign={bodies.campaign.id}", "dieuphoi")
    assert resp.status_code == 200
    body = resp.json
    assert (body["received"], body["expected"]) == (1, 3)
    assert (body["submitted"], body["draft"], body["not_started"], body["acknowledged"]) == (1, 1, 1, 0)
    assert body["phrase"] == "Báo cáo cấp ủy đã nhận: 1/3"
    assert body["unit"]["id"] == bodies.province.id and body["campaign_id"] == bodies.campaign.id
    # Without ?campaign the current one is meant.
    assert api.get("/level-reports/summary", "quantri").json["received"] == 1


def test_the_summary_needs_a_token_and_stays_with_those_who_receive_the_reports(api, client, bodies):
    resp = client.get("/api/v1/level-reports/summary")
    assert resp.status_code == 401 and resp.json["error"]["code"] == "unauthorized"
    for username in ("rachgia", "vinhlac", "liendoan"):
        resp = api.get("/level-reports/summary", username)
        assert resp.status_code == 403, username
        assert "received" not in resp.json
    assert api.get("/level-reports/summary?campaign=999999", "dieuphoi").status_code == 404
    assert api.get("/level-reports/summary?unit=1", "dieuphoi").status_code == 400  # no such parameter


def test_a_coordinator_of_one_district_counts_only_its_subtree(api, bodies, factory):
    factory.user("coordinator", bodies.d2, username="dieuphoi_gr")
    body = api.get("/level-reports/summary", "dieuphoi_gr").json
    assert (body["received"], body["expected"], body["draft"]) == (0, 1, 1)


def test_the_answer_matches_the_openapi_document(app, api, bodies):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(path="/level-reports/summary")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 1
    headers = api.headers("dieuphoi")

    @given(case=operations[0].as_strategy(GenerationMode.POSITIVE))
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=headers)

    run()
