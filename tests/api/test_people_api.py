"""The people in the API's report (issue 19): `members` and `delegates` rows with ids, ballots, counts derived
from the list, personal data only within scope."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def setup(factory, db, today, client):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    factory.user("reporter", t.g11, username="cs11")
    factory.user("reporter", t.g12, username="cs12")
    factory.user("observer", t.d2, username="qs_out")
    factory.user("observer", t.d1, username="qs_in")
    return t


def token(client, username):
    resp = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


MEMBERS = [
    {"full_name": "Nguyễn Văn An", "gender": "male", "birth_year": 1975, "party_member": True, "reelected": True,
     "in_planning_pool": True, "ethnic_minority": False, "positions": ["chair"], "chair_elected": "congress", "votes": 30},
    {"full_name": "Trần Thị Bích", "gender": "female", "birth_year": 1990, "party_member": False, "reelected": False,
     "in_planning_pool": False, "ethnic_minority": True, "positions": ["vice_chair"], "votes": 28},
    {"full_name": "Lê Văn Cường", "gender": "male", "birth_year": 1960, "positions": ["inspection"], "votes": 25},
]


def test_put_and_get_members_with_derived_counts_and_stable_ids(setup, client):
    t = setup
    h = token(client, "cs11")
    body = {"held_date": "2023-05-10", "ballots_issued": 36, "ballots_valid": 36, "executive_size": 99,
            "members": MEMBERS,
            "delegates": [{"full_name": "Nguyễn Văn An", "gender": "male", "birth_year": 1975, "kind": "official",
                           "ex_officio": True}]}
    resp = client.put(f"/api/v1/units/{t.g11.id}/report", json=body, headers=h)
    assert resp.status_code == 200, resp.get_json()
    data = resp.get_json()
    assert data["personnel_source"] == "list"
    assert (data["executive_size"], data["executive_women"], data["executive_young"], data["executive_party"],
            data["executive_ethnic_minority"], data["inspection_size"], data["delegates_official"]) == (2, 1, 1, 1, 1, 1, 1)
    ids = [m["id"] for m in data["members"]]
    assert all(ids) and data["members"][0]["positions"] == ["chair"]
    # Leave the second person out, change the first, add one without id.
    rows = [dict(data["members"][0], votes=31), data["members"][2],
            {"full_name": "Phạm Thị Dung", "gender": "female", "birth_year": 1995, "positions": ["executive"], "votes": 20}]
    resp = client.put(f"/api/v1/units/{t.g11.id}/report", json={"version": data["version"], "members": rows}, headers=h)
    data = resp.get_json()
    assert [m["id"] for m in data["members"]][:2] == [ids[0], ids[2]]
    assert data["members"][0]["votes"] == 31 and data["members"][2]["id"] not in ids
    assert data["executive_size"] == 2 and data["executive_young"] == 1
    got = client.get(f"/api/v1/units/{t.g11.id}/report", headers=h).get_json()
    assert got["members"] == data["members"] and got["delegates"][0]["ex_officio"] is True


def test_a_row_id_of_another_report_is_refused(setup, client):
    t = setup
    h11, h12 = token(client, "cs11"), token(client, "cs12")
    mine = client.put(f"/api/v1/units/{t.g11.id}/report", json={"members": MEMBERS[:1]}, headers=h11).get_json()
    person = mine["members"][0]["id"]
    resp = client.put(f"/api/v1/units/{t.g12.id}/report",
                      json={"members": [dict(MEMBERS[0], id=person, full_name="Kẻ Lạ")]}, headers=h12)
    assert resp.status_code == 422
    assert client.get(f"/api/v1/units/{t.g11.id}/report", headers=h11).get_json()["members"][0]["full_name"] == "Nguyễn Văn An"
    assert client.get(f"/api/v1/units/{t.g11.id}/report", headers=h12).status_code == 404
    assert client.put(f"/api/v1/units/{t.g11.id}/report", json={"version": mine["version"], "members": []},
                      headers=h12).status_code == 404


def test_observers_outside_the_scope_see_no_people(setup, client):
    t = setup
    client.put(f"/api/v1/units/{t.g11.id}/report", json={"members": MEMBERS[:1]}, headers=token(client, "cs11"))
    assert client.get(f"/api/v1/units/{t.g11.id}/report", headers=token(client, "qs_out")).status_code == 404
    inside = client.get(f"/api/v1/units/{t.g11.id}/report", headers=token(client, "qs_in"))
    assert inside.status_code == 200 and inside.get_json()["members"][0]["full_name"] == "Nguyễn Văn An"


def test_malformed_people_rows_are_refused(setup, client):
    t = setup
    h = token(client, "cs11")
    resp = client.put(f"/api/v1/units/{t.g11.id}/report",
                      json={"members": [dict(MEMBERS[0], positions=["king"], shoe_size=42)]}, headers=h)
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert "members-0-shoe_size" in fields
    resp = client.put(f"/api/v1/units/{t.g11.id}/report", json={"members": [dict(MEMBERS[0], positions=["king"])]}, headers=h)
    assert resp.status_code == 422 and "members-0-positions" in resp.get_json()["error"]["fields"]


def test_the_document_describes_the_people(client, setup):
    spec = client.get("/api/v1/openapi.json").get_json()
    report = spec["components"]["schemas"]["Report"]["properties"]
    assert set(report["members"]["items"]["properties"]) >= {"id", "full_name", "gender", "birth_year", "ethnic_minority",
                                                              "party_member", "reelected", "in_planning_pool",
                                                              "positions", "votes"}
    assert set(report["delegates"]["items"]["properties"]) >= {"id", "full_name", "gender", "birth_year", "kind", "ex_officio"}
    assert "ballots_issued" in report and "ballots_valid" in report
