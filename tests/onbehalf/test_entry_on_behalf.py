"""Entry on behalf of a unit ("nhập thay"): a district enters the report of a grassroots union that has no
account; takes over, with a reason, the returned or overdue report of one that has; the reviewer, the
history, the API and every page say who entered it."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from shared import workflow
from shared.errors import Forbidden, InvalidTransition, NotFound
from shared.models import AuditLog, CongressReport, Notification, ReportStatusChange, ReportVersion
from shared.reports import get_report, save_and_submit, save_draft
from tests.conftest import csrf_token
from tests.onbehalf.conftest import results

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _post_report(client, unit, data, action="save"):
    token = csrf_token(client, f"/units/{unit.id}/report")
    return client.post(f"/units/{unit.id}/report", data={**data, "action": action, "csrf_token": token, "version": ""})


def _report(db, w, unit) -> CongressReport | None:
    db.expire_all()
    return get_report(db, w.campaign, unit)


# ---- the rule: shared.workflow.reports_for -----------------------------------------------------------


def test_who_writes_a_units_report(db, w):
    assert workflow.reports_for(w.rep11, w.g11)  # its own officer
    assert not workflow.reports_for(w.dist1, w.g11)  # it has an account: only after a take-over
    assert workflow.reports_for(w.dist1, w.g12)  # no account: its district enters it
    assert workflow.reports_for(w.fed, w.g12) and workflow.reports_for(w.fed, w.g21)  # the federation too
    assert not workflow.reports_for(w.dist1, w.g21)  # another district's union: never
    assert not workflow.reports_for(w.dist2, w.g12)
    assert not workflow.reports_for(w.observer, w.g12) and not workflow.reports_for(w.rep11, w.g12)
    assert not workflow.reports_for(w.dist1, w.d2) and not workflow.reports_for(w.fed, w.d1)  # grassroots only
    w.rep11.active = False  # a locked account does not report: the union has no one again
    db.flush()
    assert workflow.reports_for(w.dist1, w.g11)


def test_a_district_saves_and_sends_the_report_of_a_union_without_an_account(db, w, client, login_as):
    login_as(w.dist1)
    page = client.get(f"/units/{w.g12.id}/report").get_data(as_text=True)
    assert 'id="report-form"' in page and 'id="entering-on-behalf"' in page
    resp = _post_report(client, w.g12, results(w.g12), action="submit")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    report = _report(db, w, w.g12)
    assert report.status == "submitted" and report.entered_by_id == w.dist1.id and report.entered_on_behalf
    # Every step of it in the history and the trail, by the district's account
    changes = db.scalars(select(ReportStatusChange).where(ReportStatusChange.report_id == report.id)).all()
    assert {c.user_id for c in changes} == {w.dist1.id}
    versions = db.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)).all()
    assert {v.user_id for v in versions} == {w.dist1.id}
    trail = db.scalars(select(AuditLog).where(AuditLog.object_id == report.id,
                                              AuditLog.object_type == "congress_report")).all()
    assert [e.action for e in trail] == ["report.save", "report.submit"]
    assert trail[1].changes["entered_by"].startswith("LĐLĐ thành phố Rạch Giá")
    # "Nhập thay bởi …" wherever the report is shown
    badge = "Nhập thay bởi LĐLĐ thành phố Rạch Giá"
    assert badge in client.get(f"/units/{w.g12.id}/report").get_data(as_text=True)
    assert badge in client.get(f"/units/{w.g12.id}/report/print").get_data(as_text=True)
    assert badge in client.get("/review").get_data(as_text=True)
    assert badge in client.get(f"/units/{w.g12.id}").get_data(as_text=True)
    assert 'data-on-behalf="1"' in client.get(f"/units/{w.d1.id}").get_data(as_text=True)  # the children list


def test_approving_ones_own_entry_is_said_on_the_review_page_and_in_the_audit(db, w, client, login_as):
    save_and_submit(db, w.campaign, w.g12, w.dist1, results(w.g12), None)
    db.commit()
    report = _report(db, w, w.g12)
    login_as(w.dist1)
    page = client.get(f"/review/{report.id}").get_data(as_text=True)
    assert 'id="review-on-behalf"' in page and "Báo cáo này do chính đơn vị bạn nhập thay" in page
    token = csrf_token(client, f"/review/{report.id}")
    resp = client.post(f"/review/{report.id}/approve", data={"csrf_token": token, "version": report.version})
    assert resp.status_code == 303
    entry = db.scalars(select(AuditLog).where(AuditLog.action == "report.approve")).one()
    assert entry.changes["approved_own_entry"] is True and "Rạch Giá" in entry.changes["entered_by"]
    trail = client.get(f"/units/{w.g12.id}/report").get_data(as_text=True)
    assert "Duyệt báo cáo do chính đơn vị mình nhập thay: Có" in trail


def test_another_districts_union_is_out_of_reach(db, w, client, login_as):
    login_as(w.dist1)
    assert client.get(f"/units/{w.g21.id}/report").status_code == 404
    token = csrf_token(client, f"/units/{w.g12.id}/report")
    resp = client.post(f"/units/{w.g21.id}/report", data={**results(w.g21), "csrf_token": token, "action": "save"})
    assert resp.status_code == 404
    with pytest.raises(Forbidden):
        save_draft(db, w.campaign, w.g21, w.dist1, {"notes": "của huyện khác"}, None)
    db.rollback()
    assert _report(db, w, w.g21) is None


def test_a_union_with_an_account_is_not_entered_without_a_take_over(db, w, client, login_as):
    login_as(w.dist1)
    page = client.get(f"/units/{w.g11.id}/report").get_data(as_text=True)
    assert 'id="report-form"' not in page and 'id="take-over"' not in page  # a draft, not yet overdue
    resp = _post_report(client, w.g11, results(w.g11))
    assert resp.status_code == 403
    assert "Chỉ nhập thay được báo cáo bị trả lại hoặc quá hạn" in resp.get_data(as_text=True)
    assert _report(db, w, w.g11) is None


def test_a_returned_report_is_taken_over_with_a_reason_and_the_unit_is_told(db, w, client, login_as):
    saved = save_and_submit(db, w.campaign, w.g11, w.rep11, results(w.g11), None)
    workflow.return_report(db, saved.report, w.dist1, "Thiếu số đại biểu chính thức")
    db.commit()
    login_as(w.dist1)
    page = client.get(f"/units/{w.g11.id}/report").get_data(as_text=True)
    assert 'id="take-over"' in page
    token = csrf_token(client, f"/units/{w.g11.id}/report")
    version = _report(db, w, w.g11).version
    # No reason: refused, the form again with the error, nothing changed
    resp = client.post(f"/units/{w.g11.id}/report/take-over", data={"csrf_token": token, "version": version, "reason": "  "})
    assert resp.status_code == 422 and "Phải ghi rõ lý do." in resp.get_data(as_text=True)
    assert _report(db, w, w.g11).taken_over_at is None
    resp = client.post(f"/units/{w.g11.id}/report/take-over",
                       data={"csrf_token": token, "version": version, "reason": "Đơn vị chậm sửa quá 10 ngày"})
    assert resp.status_code == 303
    report = _report(db, w, w.g11)
    assert report.taken_over_at is not None and report.entered_by_id == w.dist1.id
    assert report.takeover_reason == "Đơn vị chậm sửa quá 10 ngày"
    note = db.scalars(select(Notification).where(Notification.user_id == w.rep11.id)).all()[-1]
    assert "tiếp nhận nhập thay" in note.text and "Đơn vị chậm sửa quá 10 ngày" in note.text
    assert db.scalars(select(AuditLog).where(AuditLog.action == "report.take_over")).one().changes["takeover_reason"]
    # Now the district fixes and sends it; the take-over ends with the sending
    page = client.get(f"/units/{w.g11.id}/report").get_data(as_text=True)
    assert 'id="report-form"' in page and "Lý do nhập thay: Đơn vị chậm sửa quá 10 ngày" in page
    token = csrf_token(client, f"/units/{w.g11.id}/report")
    resp = client.post(f"/units/{w.g11.id}/report", data={**results(w.g11, delegates_official="2"), "action": "submit",
                                                          "csrf_token": token, "version": report.version})
    assert resp.status_code == 303
    report = _report(db, w, w.g11)
    assert report.status == "submitted" and report.taken_over_at is None and report.entered_by_id == w.dist1.id
    # Returned again later, it is the unit's to fix (a new take-over would be needed)
    workflow.return_report(db, report, w.dist1, "Còn sai ngày")
    db.commit()
    assert not workflow.reports_for(w.dist1, w.g11, _report(db, w, w.g11))
    assert workflow.reports_for(w.rep11, w.g11, _report(db, w, w.g11))


def test_the_units_own_save_makes_the_report_its_own_again(db, w):
    saved = save_and_submit(db, w.campaign, w.g11, w.rep11, results(w.g11), None)
    workflow.return_report(db, saved.report, w.dist1, "Thiếu biên bản")
    workflow.take_over(db, w.campaign, w.g11, w.dist1, "Đơn vị nhờ cấp trên nhập", saved.report.version)
    save_draft(db, w.campaign, w.g11, w.dist1, {"notes": "cấp trên sửa"}, saved.report.version)
    assert saved.report.entered_by_id == w.dist1.id
    save_draft(db, w.campaign, w.g11, w.rep11, {"notes": "đơn vị sửa lại"}, saved.report.version)
    assert saved.report.entered_by_id is None and saved.report.takeover_reason is None


def test_an_overdue_report_can_be_taken_over_even_before_it_exists(db, w, today):
    with pytest.raises(InvalidTransition, match="trả lại hoặc đã quá hạn"):
        workflow.take_over(db, w.campaign, w.g11, w.dist1, "Quá hạn", None)
    today(dt.date(2023, 6, 2))  # the grassroots deadline (31/05) has passed
    report = workflow.take_over(db, w.campaign, w.g11, w.dist1, "Quá hạn mà chưa có báo cáo", None)
    assert report.status == "draft" and report.entered_by_id == w.dist1.id
    with pytest.raises(InvalidTransition, match="đang được nhập thay"):
        workflow.take_over(db, w.campaign, w.g11, w.dist1, "Lần nữa", report.version)
    with pytest.raises(InvalidTransition, match="chưa có tài khoản"):  # no account: entered directly
        workflow.take_over(db, w.campaign, w.g12, w.dist1, "Không cần", None)
    with pytest.raises(NotFound):
        workflow.take_over(db, w.campaign, w.g21, w.dist1, "Huyện khác", None)
    with pytest.raises(Forbidden):
        workflow.take_over(db, w.campaign, w.g11, w.observer, "Theo dõi", report.version)


def test_a_take_over_of_another_district_or_by_a_reporter_is_refused(db, w, client, login_as, today):
    today(dt.date(2023, 6, 2))
    login_as(w.rep11)
    token = csrf_token(client, f"/units/{w.g11.id}/report")
    assert client.post(f"/units/{w.g11.id}/report/take-over", data={"csrf_token": token, "reason": "x"}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login_as(w.dist2)
    token = csrf_token(client, "/review")
    assert client.post(f"/units/{w.g11.id}/report/take-over", data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert _report(db, w, w.g11) is None


def test_the_district_attaches_the_minutes_of_a_union_without_an_account(db, w, client, login_as):
    login_as(w.dist1)
    token = csrf_token(client, f"/units/{w.g12.id}/report")
    resp = client.post(f"/units/{w.g12.id}/report/attachments", content_type="multipart/form-data",
                       data={"csrf_token": token, "kind": "minutes", "file": (io.BytesIO(PDF), "bien-ban.pdf")})
    assert resp.status_code == 303
    assert [a.filename for a in _report(db, w, w.g12).attachments] == ["bien-ban.pdf"]


def test_the_api_says_who_entered_the_report(db, w, client):
    from shared import tokens

    secret, _row = tokens.issue(db, w.dist1)
    db.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    resp = client.put(f"/api/v1/units/{w.g12.id}/report", json={"notes": "nhập thay qua API"}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["entered_on_behalf"] is True and body["entered_by"]["username"] == "huyen1"
    assert body["entered_by"]["unit_name"] == w.d1.name
    assert client.put(f"/api/v1/units/{w.g21.id}/report", json={"notes": "x"}, headers=headers).status_code == 404
    assert client.put(f"/api/v1/units/{w.g11.id}/report", json={"notes": "x"}, headers=headers).status_code == 403
    own = client.get(f"/api/v1/units/{w.g12.id}/report", headers=headers).get_json()
    assert own["entered_on_behalf"] is True
    secret11, _row = tokens.issue(db, w.rep11)
    db.commit()
    mine = client.put(f"/api/v1/units/{w.g11.id}/report", json={"notes": "của đơn vị"},
                      headers={"Authorization": f"Bearer {secret11}"}).get_json()
    assert mine["entered_on_behalf"] is False and mine["entered_by"] is None


def test_the_district_finds_its_unions_without_an_account(db, w, client, login_as):
    login_as(w.dist1)
    page = client.get("/on-behalf").get_data(as_text=True)
    assert 'data-unit="G12"' in page and 'data-unit="G11"' not in page and 'data-unit="G21"' not in page
    page = client.get("/on-behalf?account=all").get_data(as_text=True)
    assert 'data-unit="G12"' in page and 'data-unit="G11"' in page
    page = client.get("/on-behalf?account=with").get_data(as_text=True)
    assert 'data-unit="G11"' in page and 'data-unit="G12"' not in page
    assert client.get(f"/on-behalf?unit={w.d2.id}").status_code == 404
    assert 'id="on-behalf-link"' in client.get("/review").get_data(as_text=True)
    save_and_submit(db, w.campaign, w.g12, w.dist1, results(w.g12), None)
    db.commit()
    page = client.get("/on-behalf?account=all&report=todo").get_data(as_text=True)
    assert 'data-unit="G11"' in page and 'data-unit="G12"' not in page  # G12's report is sent
    page = client.get("/on-behalf?account=all&report=entered").get_data(as_text=True)
    assert 'data-unit="G12"' in page and 'data-unit="G11"' not in page and "Nhập thay bởi" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/review")})
    login_as(w.fed)
    page = client.get(f"/on-behalf?unit={w.d2.id}").get_data(as_text=True)
    assert 'data-unit="G21"' in page and 'data-unit="G12"' not in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/review")})
    for user in (w.rep11, w.observer):
        login_as(user)
        assert client.get("/on-behalf").status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/notifications")})
