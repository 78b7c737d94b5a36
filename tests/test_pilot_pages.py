"""The pilot pages: naming pilots within one's scope only (a district cannot name or read another district's),
the lessons on the review page of a pilot's report, and the dashboard's pilots per level with its warning."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from shared.models import CongressReport, PilotLesson, PilotUnit
from tests.conftest import csrf_token, login


@pytest.fixture
def w(factory, db, today):
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    t.campaign = factory.campaign(pilot_until_grassroots=dt.date(2023, 3, 15))
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    t.district1 = factory.user("district", t.d1, username="rachgia")
    t.district2 = factory.user("district", t.d2, username="giongrieng")
    t.reporter11 = factory.user("reporter", t.g11, username="vinhlac")
    t.db = db
    return t


def post(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client, "/pilots"), **(data or {})})


def named_units(db):
    db.expire_all()
    return sorted(db.scalars(select(PilotUnit.unit_id)))


def test_a_district_names_its_own_grassroots_pilots_only(w, client, db):
    login(client, "rachgia")
    page = client.get("/pilots?q=dong ho").get_data(as_text=True)
    assert 'id="candidates"' in page and "G12" in page
    assert "G21" not in client.get("/pilots?q=ngoc chuc").get_data(as_text=True)  # another district's union
    resp = post(client, f"/pilots/{w.g12.id}/designate?campaign={w.campaign.id}")
    assert resp.status_code == 303 and named_units(db) == [w.g12.id]
    assert post(client, f"/pilots/{w.g21.id}/designate").status_code == 404
    assert post(client, f"/pilots/{w.d1.id}/designate").status_code == 403  # its own level: the campaign's
    assert named_units(db) == [w.g12.id]
    page = client.get("/pilots").get_data(as_text=True)
    assert 'data-unit="G12"' in page and "Bỏ chọn" in page


def test_a_district_cannot_read_or_withdraw_another_districts_pilots(w, client, db, app):
    coordinator = app.test_client()
    login(coordinator, "dieuphoi")
    assert post(coordinator, f"/pilots/{w.g21.id}/designate").status_code == 303
    assert post(coordinator, f"/pilots/{w.d2.id}/designate").status_code == 303
    assert named_units(db) == sorted([w.g21.id, w.d2.id])
    login(client, "rachgia")
    page = client.get("/pilots").get_data(as_text=True)
    assert 'data-unit="G21"' not in page and 'data-unit="D2"' not in page
    assert post(client, f"/pilots/{w.g21.id}/withdraw").status_code == 404
    assert named_units(db) == sorted([w.g21.id, w.d2.id])
    page = coordinator.get("/pilots").get_data(as_text=True)
    assert 'data-unit="G21"' in page and 'data-unit="D2"' in page


def test_reporters_do_not_open_the_pilot_page(w, client):
    login(client, "vinhlac")
    assert client.get("/pilots").status_code == 403


def test_the_reviewer_records_the_lessons_on_the_review_page(w, client, db, app):
    r11 = CongressReport(campaign_id=w.campaign.id, unit_id=w.g11.id, planned_date=dt.date(2023, 3, 10),
                         held_date=dt.date(2023, 3, 10), is_pilot=True, status="submitted", form="toan_the",
                         planned_at=dt.datetime(2023, 1, 5))
    db.add(r11)
    db.commit()
    login(client, "rachgia")
    page = client.get(f"/review/{r11.id}").get_data(as_text=True)
    assert 'id="pilot-lesson"' in page and 'name="lesson"' in page
    resp = post(client, f"/pilots/lesson/{r11.id}", {"lesson": "Chuẩn bị nhân sự sớm; tập dượt trước một ngày."})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/review/{r11.id}#pilot-lesson")
    db.expire_all()
    assert db.scalar(select(PilotLesson.text)) == "Chuẩn bị nhân sự sớm; tập dượt trước một ngày."
    # Another district can neither read nor write it.
    other = app.test_client()
    login(other, "giongrieng")
    assert other.get(f"/review/{r11.id}").status_code == 404
    assert post(other, f"/pilots/lesson/{r11.id}", {"lesson": "x"}).status_code == 404
    # The coordinator reads it on the dashboard, with the warning: G12 held before the pilot.
    db.add(CongressReport(campaign_id=w.campaign.id, unit_id=w.g12.id, planned_date=dt.date(2023, 3, 1),
                          held_date=dt.date(2023, 3, 1), status="draft", form="toan_the",
                          planned_at=dt.datetime(2023, 1, 5)))
    db.commit()
    coordinator = app.test_client()
    login(coordinator, "dieuphoi")
    html = coordinator.get("/dashboard").get_data(as_text=True)
    panel = html[html.index('id="pilots-by-level"'):]
    panel = panel[:panel.index("</section>")]
    assert 'data-level="grassroots"' in panel and "Chuẩn bị nhân sự sớm" in panel
    assert 'data-warning="grassroots"' in panel and "trước đại hội điểm đầu tiên" in panel
    assert '<strong data-field="held">1</strong>' in panel and '<strong data-field="lessons">1</strong>' in panel
