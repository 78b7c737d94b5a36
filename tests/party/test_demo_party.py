"""The demo province carries the party side: 16 party bodies with accounts, 11 level reports received."""
from __future__ import annotations

from sqlalchemy import select

from shared import level_reports, steering
from shared.models import Campaign, PartyBody, SteeringCommittee, Unit, User


def test_demo_party_bodies_accounts_and_checklist(demo, db, client, login_as):
    campaign = db.scalar(select(Campaign))
    province = db.scalar(select(Unit).where(Unit.level == "province"))
    assert db.query(PartyBody).count() == 16
    counts = level_reports.checklist_counts(db, campaign, province)
    assert (counts.received, counts.expected) == (11, 16)
    rg_user = db.scalar(select(User).where(User.username == "thanhuy_rachgia"))
    assert rg_user.role == "party_committee" and rg_user.unit.code == "RG"
    login_as("dieuphoi", "demo1234")
    assert "Báo cáo cấp ủy đã nhận: 11/16" in client.get("/party/level-reports").get_data(as_text=True)
    committees = db.scalars(select(SteeringCommittee)).all()
    assert len(committees) == 20
    assert sum(1 for c in committees if steering.warnings(c)) == 3  # the demo's three imperfect committees
    # Every party page renders for Ban Dân vận on the full demo province.
    body = db.scalar(select(PartyBody).where(PartyBody.kind == "federation_delegation"))
    from shared.models import Document

    doc = db.scalar(select(Document))
    for url in ("/", f"/units/{province.id}", f"/party/level-reports/{body.id}", "/party/steering",
                f"/party/units/{province.id}/steering", f"/party/units/{province.id}/emulation", "/party/documents",
                f"/party/documents/{doc.id}", f"/party/documents/{doc.id}?show=pending"):
        assert client.get(url).status_code == 200, url
    html = client.get(f"/party/documents/{doc.id}").get_data(as_text=True)
    assert f"Đơn vị nhận: <strong>{demo.units:,}</strong>".replace(",", ".") in html


def test_demo_party_committee_lands_on_its_own_report(demo, client, login_as, db):
    login_as("huyenuy_giongrieng", "demo1234")
    resp = client.get("/party/level-reports")
    body = db.scalar(select(PartyBody).join(Unit, Unit.id == PartyBody.unit_id).where(Unit.code == "GR"))
    assert resp.status_code == 302 and f"/party/level-reports/{body.id}" in resp.headers["Location"]
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Huyện ủy Giồng Riềng" in html


def test_an_admin_creates_a_party_committee_account_for_a_district(party, factory, db):
    from shared.accounts import create_user
    from shared.errors import DomainError

    admin = factory.user("admin", party.t.province)
    user, _password = create_user(db, admin, username="huyenuy_moi", role="party_committee", unit=party.t.d2)
    assert user.role == "party_committee" and user.unit_id == party.t.d2.id
    try:
        create_user(db, admin, username="cdcs_dangbo", role="party_committee", unit=party.t.g21)
    except DomainError as exc:
        assert "unit" in exc.fields
    else:
        raise AssertionError("a grassroots unit has no party committee account")
