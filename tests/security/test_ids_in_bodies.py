"""Object ids that travel in form fields (hidden or not) and JSON bodies pass the same scope check as URL ids:
an account of Rạch Giá (D1) naming an object of Giồng Riềng (D2) gets nothing done."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from shared.models import CongressReport, Notification, Reminder, Unit, User
from tests.conftest import CSRF_RE, login
from tests.security import world as world_mod


@pytest.fixture
def w(app, db, factory, today):
    today(dt.date(2023, 4, 15))
    return world_mod.build(db, factory, app.config["UPLOAD_FOLDER"])


def client_of(app, user):
    c = app.test_client()
    assert login(c, user.username).status_code == 302
    m = CSRF_RE.search(c.get("/account/password").get_data(as_text=True))
    c.csrf = m.group(1) or m.group(2)
    return c


def status_of(db, report) -> str:
    db.expire_all()
    return db.get(CongressReport, report.id).status


def test_bulk_approve_ignores_a_report_of_another_district(app, db, w):
    c = client_of(app, w.users["district"])
    out = f"{w.report_out.id}:{w.report_out.version}"
    resp = c.post("/review/bulk-approve", data={"csrf_token": c.csrf, "report": [out]})
    assert resp.status_code in (303, 403, 404)
    assert status_of(db, w.report_out) == "submitted"
    # and mixed with one of its own, only its own is approved
    own = f"{w.report_in.id}:{w.report_in.version}"
    c.post("/review/bulk-approve", data={"csrf_token": c.csrf, "report": [out, own], "confirm_warnings": "y"})
    assert status_of(db, w.report_out) == "submitted"
    assert status_of(db, w.report_in) == "approved"


def test_bulk_approve_next_field_cannot_send_the_user_elsewhere(app, db, w):
    c = client_of(app, w.users["district"])
    resp = c.post("/review/bulk-approve", data={"csrf_token": c.csrf, "next": "https://evil.example/x"})
    assert resp.status_code == 303
    assert "evil.example" not in resp.headers["Location"]


def test_reminders_for_units_of_another_district_are_not_sent(app, db, w):
    c = client_of(app, w.users["district"])
    notes_before = db.scalar(select(func.count(Notification.id)).where(Notification.user_id == w.rep21.id))
    c.post("/review/reminders", data={"csrf_token": c.csrf, "days": "30", "unit": [str(w.g21.id), str(w.d2.id)]})
    db.expire_all()
    assert db.scalar(select(func.count(Reminder.id)).where(Reminder.unit_id.in_([w.g21.id, w.d2.id]))) == 0
    assert db.scalar(select(func.count(Notification.id)).where(Notification.user_id == w.rep21.id)) == notes_before


@pytest.fixture
def district_admin(factory, w):
    """An administrator whose account belongs to Rạch Giá: his scope is that subtree."""
    return factory.user("admin", w.d1, username="m_admin_rg")


def test_moving_a_unit_under_another_districts_unit_is_refused(app, db, w, district_admin):
    c = client_of(app, district_admin)
    resp = c.post(f"/admin/units/{w.g11.id}/move", data={"csrf_token": c.csrf, "parent": str(w.d2.id)})
    assert resp.status_code in (403, 404, 422)
    db.expire_all()
    assert db.get(Unit, w.g11.id).parent_id == w.d1.id


def test_creating_an_account_in_another_district_is_refused(app, db, w, district_admin):
    c = client_of(app, district_admin)
    resp = c.post("/admin/users/new", data={"csrf_token": c.csrf, "username": "ke_gian", "full_name": "Kẻ gian",
                                             "role": "reporter", "unit_code": w.g21.code})
    assert resp.status_code in (403, 404, 422)
    assert db.scalar(select(User).where(User.username == "ke_gian")) is None


def test_editing_an_account_into_another_district_is_refused(app, db, w, district_admin):
    reporter = w.users["reporter"]
    c = client_of(app, district_admin)
    resp = c.post(f"/admin/users/{reporter.id}/edit", data={
        "csrf_token": c.csrf, "username": reporter.username, "full_name": reporter.full_name,
        "role": "reporter", "unit_code": w.g21.code})
    assert resp.status_code in (403, 404, 422)
    db.expire_all()
    assert db.get(User, reporter.id).unit_id == w.g11.id


def test_api_body_cannot_name_another_report_or_unit(app, db, w):
    """The JSON body of a save has no say over which report is written: ids in it are refused or ignored."""
    token = w.tokens["district"]
    headers = {"Authorization": f"Bearer {token}"}
    c = app.test_client()
    before = db.scalar(select(CongressReport.version).where(CongressReport.id == w.report_out.id))
    for body in ({"version": 1, "unit_id": w.g21.id}, {"version": 1, "id": w.report_out.id},
                 {"version": 1, "report_id": w.report_out.id}, {"version": 1, "campaign_id": 999}):
        resp = c.put(f"/api/v1/units/{w.g11.id}/report", json=body, headers=headers)
        assert resp.status_code in (400, 403, 404, 409, 422), (body, resp.status_code)
    resp = c.post(f"/api/v1/units/{w.g21.id}/report/approve", json={"version": w.report_out.version}, headers=headers)
    assert resp.status_code == 404
    db.expire_all()
    assert db.scalar(select(CongressReport.version).where(CongressReport.id == w.report_out.id)) == before
    assert status_of(db, w.report_out) == "submitted"


def test_recommendation_of_another_district_cannot_be_updated(app, db, w):
    c = client_of(app, w.users["district"])
    resp = c.post(f"/dashboard/recommendations/{w.rec_out.id}", data={
        "csrf_token": c.csrf, "status": "resolved", "resolution_note": "Đã xong", "version": "1"})
    assert resp.status_code == 404
    db.expire_all()
    from shared.models import Recommendation
    assert db.get(Recommendation, w.rec_out.id).status == "open"


def test_a_row_id_of_another_districts_report_cannot_be_written_by_a_units_save(app, db, w):
    """The report's own rows carry ids through the form and the API; a row id of another report (here
    Giồng Riềng's recommendation and officer) is refused, and that row stays as it was."""
    from shared import workflow
    from shared.models import Officer, Recommendation

    reporter = w.users["reporter"]
    workflow.return_report(db, w.report_in, w.users["district"], "Bổ sung kiến nghị")
    db.commit()
    officer_out = db.scalar(select(Officer).where(Officer.report_id == w.report_out.id))
    c = client_of(app, reporter)
    version = str(db.get(CongressReport, w.report_in.id).version)
    form = {"csrf_token": c.csrf, "action": "save", "version": version,
            "recommendations-present": "1", "recommendations-0-id": str(w.rec_out.id),
            "recommendations-0-topic": "jobs", "recommendations-0-text": "Ghi đè",
            "officers-present": "1", "officers-0-id": str(officer_out.id), "officers-0-role": "chair",
            "officers-0-full_name": "Ghi đè", "officers-0-vote_pct": "90"}
    resp = c.post(f"/units/{w.g11.id}/report", data=form)
    assert resp.status_code == 422
    token = w.tokens["reporter"]
    resp = app.test_client().put(f"/api/v1/units/{w.g11.id}/report", headers={"Authorization": f"Bearer {token}"},
                                 json={"version": int(version), "recommendations": [
                                     {"id": w.rec_out.id, "topic": "jobs", "text": "Ghi đè"}]})
    assert resp.status_code == 422 and "recommendations-0-id" in resp.json["error"]["fields"]
    db.expire_all()
    assert db.get(Recommendation, w.rec_out.id).text == "Tăng lương tối thiểu"
    assert db.get(Recommendation, w.rec_out.id).report_id == w.report_out.id
    assert db.get(Officer, officer_out.id).full_name == "Nguyễn Thị Lan"
    assert db.get(CongressReport, w.report_in.id).version == int(version)


def test_the_results_import_cannot_be_aimed_at_another_district(app, db, w):
    """The scope travels in a form field and the units in the file's rows: neither reaches Giồng Riềng."""
    import base64
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Mã đơn vị", "Ghi chú", "Số có mặt"])
    wb.active.append(["G21", "", 20])
    out = io.BytesIO()
    wb.save(out)
    payload = base64.b64encode(out.getvalue()).decode()
    c = client_of(app, w.users["district"])
    before = db.get(CongressReport, w.report_out.id).version
    resp = c.post("/on-behalf/import/confirm", data={"csrf_token": c.csrf, "payload": payload, "filename": "x.xlsx",
                                                     "unit": str(w.d2.id)})
    assert resp.status_code == 404
    resp = c.post("/on-behalf/import/confirm", data={"csrf_token": c.csrf, "payload": payload, "filename": "x.xlsx"})
    assert resp.status_code == 422 and "G21" in resp.get_data(as_text=True)
    db.expire_all()
    assert db.get(CongressReport, w.report_out.id).version == before
