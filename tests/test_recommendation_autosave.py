"""A recommendation's follow-up saves as it is typed (js/autosave.js posts to .../autosave) through the same shared
update as "Lưu", with its version check; typed over several autosaves it is one step of the history. The
addressee's answer is recorded on purpose, never as it is typed: its form is kept in the browser only."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from shared import answers
from shared.models import Addressee, AuditLog, Recommendation, RecommendationChange
from tests.conftest import csrf_token, login
from tests.test_recommendations_followup import recs  # noqa: F401 (fixture)


def _url(rec, suffix: str = "") -> str:
    return f"/dashboard/recommendations/{rec.id}{suffix}"


def _autosave(client, rec, version, **fields):
    token = csrf_token(client, _url(rec))
    return client.post(_url(rec, "/autosave"), data={"csrf_token": token, "version": version, **fields})


def _stored(db, rec) -> Recommendation:
    db.expire_all()
    return db.get(Recommendation, rec.id)


def _steps(db, rec) -> list[RecommendationChange]:
    return list(db.scalars(select(RecommendationChange).where(RecommendationChange.recommendation_id == rec.id)
                           .order_by(RecommendationChange.id)))


def test_the_follow_up_autosaves_and_a_reload_shows_it(client, db, factory, login_as, recs):  # noqa: F811
    t, by_code = recs
    login_as(factory.user("coordinator", t.province))
    rec = by_code["G11"]
    opened = rec.version
    page = client.get(_url(rec)).get_data(as_text=True)
    assert f'data-autosave="{_url(rec, "/autosave")}"' in page and 'id="autosave-status"' in page
    assert "kiến nghị vừa được người khác cập nhật" in page  # its own words for a stale save, not the report's

    resp = _autosave(client, rec, opened, status="in_progress", resolution_note="Đang làm việc với Sở Xây")
    assert resp.status_code == 200
    answer = resp.get_json()
    saved = _stored(db, rec)
    assert answer["status"] == "saved" and answer["version"] == saved.version == opened + 1
    assert (saved.status, saved.resolution_note) == ("in_progress", "Đang làm việc với Sở Xây")
    assert answer["message"].startswith("Đã lưu lúc")
    page = client.get(_url(rec)).get_data(as_text=True)
    assert "Đang làm việc với Sở Xây</textarea>" in page


def test_a_note_typed_over_several_autosaves_is_one_step_of_the_history(client, db, factory, login_as, recs,  # noqa: F811
                                                                        monkeypatch):
    t, by_code = recs
    user = factory.user("coordinator", t.province)
    login_as(user)
    rec = by_code["G11"]
    version = rec.version
    for note in ("Đang", "Đang làm việc", "Đang làm việc với Sở Xây dựng"):
        version = _autosave(client, rec, version, status="in_progress", resolution_note=note).get_json()["version"]
    steps = _steps(db, rec)
    assert len(steps) == 1
    assert (steps[0].from_status, steps[0].to_status) == ("open", "in_progress")
    assert steps[0].details == {"resolution_note": "Đang làm việc với Sở Xây dựng"}
    audit = db.scalar(select(func.count(AuditLog.id)).where(AuditLog.object_type == "recommendation"))
    assert audit == 3  # the audit trail keeps every save
    # half an hour later it is a new step
    from shared import clock

    later = clock.now() + dt.timedelta(minutes=30)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _autosave(client, rec, version, status="resolved", resolution_note="Đã bố trí quỹ đất.").status_code == 200
    assert [(s.from_status, s.to_status) for s in _steps(db, rec)] == [("open", "in_progress"), ("in_progress", "resolved")]


def test_a_stale_autosave_is_a_conflict_and_overwrites_nothing(client, app, db, factory, login_as, recs):  # noqa: F811
    t, by_code = recs
    login_as(factory.user("coordinator", t.province))
    rec = by_code["G11"]
    opened = rec.version
    other = app.test_client()  # someone else, on another computer
    assert login(other, factory.user("federation", t.province).username).status_code == 302
    token = csrf_token(other, _url(rec))
    assert other.post(_url(rec), data={"csrf_token": token, "version": opened, "status": "in_progress",
                                       "resolution_note": "Bản của LĐLĐ"}).status_code == 303
    resp = _autosave(client, rec, opened, status="resolved", resolution_note="Bản cũ hơn")
    assert resp.status_code == 409 and resp.get_json()["status"] == "conflict"
    assert _stored(db, rec).resolution_note == "Bản của LĐLĐ"
    # a post without the page's version compares nothing: stale as well
    assert _autosave(client, rec, "", status="resolved", resolution_note="Không phiên bản").status_code == 409
    assert _stored(db, rec).resolution_note == "Bản của LĐLĐ"

    # "So sánh hai bản" posts the form: both shown, the form as typed on the current version, no autosave
    resp = client.post(_url(rec), data={"csrf_token": csrf_token(client, _url(rec)), "version": opened,
                                        "status": "resolved", "resolution_note": "Bản cũ hơn"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'data-field="resolution_note">Bản của LĐLĐ' in html and "Bản cũ hơn</textarea>" in html
    opening = html.split('id="follow-up-form"', 1)[1].split(">", 1)[0]
    assert "data-keep-local" in opening and "data-autosave=" not in opening
    current = _stored(db, rec).version
    assert re.search(rf'name="version"[^>]*value="{current}"|value="{current}"[^>]*name="version"', html)


def test_a_resolution_without_its_result_is_not_saved_and_the_answer_names_the_box(client, db, factory, login_as, recs):  # noqa: F811
    t, by_code = recs
    login_as(factory.user("federation", t.province))
    rec = by_code["G21"]
    opened = rec.version
    resp = _autosave(client, rec, opened, status="resolved", resolution_note="  ")
    assert resp.status_code == 422
    answer = resp.get_json()
    assert answer["status"] == "unsaved" and list(answer["fields"]) == ["resolution_note"]
    assert "Kết quả giải quyết" in answer["message"]
    resp = _autosave(client, rec, opened, status="resolved", resolution_note="x" * 2001)
    assert resp.status_code == 422 and "resolution_note" in resp.get_json()["fields"]
    resp = _autosave(client, rec, opened, status="closed", resolution_note="")
    assert resp.status_code == 422 and "status" in resp.get_json()["fields"]
    saved = _stored(db, rec)
    assert (saved.status, saved.version) == ("open", opened) and _steps(db, rec) == []


def test_autosave_keeps_to_the_users_scope_and_role(client, db, factory, login_as, recs):  # noqa: F811
    t, by_code = recs
    login_as(factory.user("coordinator", t.d1))  # a coordinator whose scope is one district
    assert _autosave(client, by_code["G21"], by_code["G21"].version, status="in_progress").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(factory.user("district", t.d1))  # reads the follow-up, records none
    assert _autosave(client, by_code["G11"], by_code["G11"].version, status="in_progress").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(factory.user("coordinator", t.province))
    resp = client.post(_url(by_code["G11"], "/autosave"), data={"version": by_code["G11"].version, "status": "in_progress"})
    assert resp.status_code == 400  # no CSRF token
    for rec in by_code.values():
        assert (_stored(db, rec).status, _steps(db, rec)) == ("open", [])


def test_the_addressees_answer_is_kept_in_the_browser_not_autosaved(client, db, factory, login_as, recs):  # noqa: F811
    from shared import clock

    t, by_code = recs
    rec = by_code["G11"]
    body = Addressee(name="UBND tỉnh Thử nghiệm", kind="province_committee", unit_id=t.province.id)
    db.add(body)
    db.commit()
    router = factory.user("coordinator", t.province)
    answers.route(db, router, [rec.id], addressee_id=body.id, due_date=clock.today() + dt.timedelta(days=30))
    db.commit()
    login_as(router)
    html = client.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    form = html.split('id="answer-form"', 1)[1].split("</form>", 1)[0]
    assert "data-keep-local" in form and 'data-autosave="' not in form
    assert f'data-draft-key="daihoi:draft:{router.id}:answer:{rec.id}"' in form and 'id="restore-offer"' in form
    assert 'id="autosave-conflict"' not in form
