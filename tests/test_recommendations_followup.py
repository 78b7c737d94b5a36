"""Following up recommendations: coordinators and federation staff record their resolution (audited);
other roles are refused; out-of-scope ids are 404; a stale form gets a conflict."""
import datetime as dt

import pytest
from sqlalchemy import select

from shared.models import AuditLog, CongressReport, Recommendation
from tests.conftest import csrf_token


@pytest.fixture
def recs(db, factory):
    t = factory.tree()
    c = factory.campaign()
    out = {}
    for unit, topic, addressee in [(t.g11, "housing", "UBND tỉnh"), (t.g21, "jobs", "LĐLĐ tỉnh")]:
        report = CongressReport(campaign_id=c.id, unit_id=unit.id, held_date=dt.date(2023, 3, 1), status="approved")
        db.add(report)
        db.flush()
        rec = Recommendation(report_id=report.id, campaign_id=c.id, unit_id=unit.id, topic=topic,
                             text="Đề nghị có chính sách nhà ở xã hội.", addressed_to=addressee)
        db.add(rec)
        db.flush()
        out[unit.code] = rec
    db.commit()
    return t, out


def _post(client, rec, **data):
    url = f"/dashboard/recommendations/{rec.id}"
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, "version": rec.version, **data})


@pytest.mark.parametrize("role", ["coordinator", "federation"])
def test_coordinator_and_federation_record_a_resolution_audited(client, db, factory, login_as, recs, role):
    t, by_code = recs
    user = factory.user(role, t.province)
    login_as(user)
    rec = by_code["G11"]
    resp = _post(client, rec, status="resolved", resolution_note="UBND tỉnh đã bố trí quỹ đất nhà ở xã hội.")
    assert resp.status_code == 303
    db.expire_all()
    saved = db.get(Recommendation, rec.id)
    assert saved.status == "resolved" and saved.resolution_note.startswith("UBND tỉnh đã bố trí")
    entry = db.scalar(select(AuditLog).where(AuditLog.object_type == "recommendation", AuditLog.object_id == rec.id))
    assert entry.user_id == user.id and entry.action == "recommendation.update"
    assert entry.changes["status"] == ["open", "resolved"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã giải quyết" in page
    listing = client.get("/dashboard/recommendations?status=resolved").get_data(as_text=True)
    assert f'data-rec="{rec.id}"' in listing and f'data-rec="{by_code["G21"].id}"' not in listing


@pytest.mark.parametrize("role", ["district", "observer"])
def test_other_roles_may_read_but_not_update(client, db, factory, login_as, recs, role):
    t, by_code = recs
    login_as(factory.user(role, t.d1))
    rec = by_code["G11"]
    page = client.get(f"/dashboard/recommendations/{rec.id}")
    assert page.status_code == 200 and 'name="resolution_note"' not in page.get_data(as_text=True)
    resp = _post(client, rec, status="resolved", resolution_note="Tự ý")
    assert resp.status_code == 403
    db.expire_all()
    assert db.get(Recommendation, rec.id).status == "open"
    assert db.scalar(select(AuditLog).where(AuditLog.object_type == "recommendation")) is None
    # G21 is in the other district: not even visible.
    assert client.get(f"/dashboard/recommendations/{by_code['G21'].id}").status_code == 404


def test_resolved_needs_a_note_and_a_stale_form_conflicts(client, db, factory, login_as, recs):
    t, by_code = recs
    login_as(factory.user("coordinator", t.province))
    rec = by_code["G21"]
    resp = _post(client, rec, status="resolved", resolution_note="  ")
    assert resp.status_code == 422
    assert "Hãy ghi kết quả giải quyết." in resp.get_data(as_text=True)
    stale_version = rec.version
    assert _post(client, rec, status="in_progress", resolution_note="Đang làm việc với Sở Lao động.").status_code == 303
    url = f"/dashboard/recommendations/{rec.id}"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "version": stale_version,
                                  "status": "open", "resolution_note": ""})
    assert resp.status_code == 409
    db.expire_all()
    assert db.get(Recommendation, rec.id).status == "in_progress"


def test_counts_by_topic_and_filters(client, db, factory, login_as, recs):
    t, by_code = recs
    login_as(factory.user("federation", t.province))
    html = client.get("/dashboard/recommendations").get_data(as_text=True)
    assert '<tr data-topic="housing">' in html and '<tr data-topic="jobs">' in html
    html = client.get(f"/dashboard/recommendations?district={t.d2.id}").get_data(as_text=True)
    assert f'data-rec="{by_code["G21"].id}"' in html and f'data-rec="{by_code["G11"].id}"' not in html
    html = client.get("/dashboard/recommendations?addressed_to=UBND+t%E1%BB%89nh").get_data(as_text=True)
    assert f'data-rec="{by_code["G11"].id}"' in html and f'data-rec="{by_code["G21"].id}"' not in html
