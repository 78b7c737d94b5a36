"""The review pages as users use them: queue, return/approve/reopen, bulk approve, history, notifications."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from shared.models import AuditLog, Notification, Reminder
from tests.conftest import csrf_token
from tests.review.conftest import audit_count, fresh


def _rows(html: str) -> list[str]:
    return re.findall(r'data-report="(\d+)"', html)


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


# ---- queue --------------------------------------------------------------------------------


def test_the_reviewer_sees_the_queue_searches_and_filters(world, client, login_as):
    g11 = world.reports.submitted(world.g11)
    g12 = world.reports.submitted(world.g12, summoned=150, present=80)
    g21 = world.reports.submitted(world.g21)
    login_as(world.d1_reviewer)
    html = client.get("/review").get_data(as_text=True)
    assert sorted(_rows(html)) == sorted([str(g11.id), str(g12.id)])  # not the other district's
    assert str(g21.id) not in _rows(html)
    assert f'value="{g11.id}:{g11.version}"' in html  # selectable for bulk approval
    assert "Duyệt báo cáo" in html  # the nav link
    assert _rows(client.get("/review?q=vinh+lac").get_data(as_text=True)) == [str(g11.id)]
    assert _rows(client.get("/review?flagged=1").get_data(as_text=True)) == [str(g12.id)]
    # htmx active search gets the queue block only.
    part = client.get("/review?q=dong+ho", headers={"HX-Request": "true", "HX-Target": "queue"}).get_data(as_text=True)
    assert part.lstrip().startswith('<section id="queue"') and _rows(part) == [str(g12.id)]


def test_the_queue_paginates(world, client, login_as, app):
    app.config["PAGE_SIZE"] = 1
    world.reports.submitted(world.g11)
    world.reports.submitted(world.g12)
    login_as(world.d1_reviewer)
    first = client.get("/review").get_data(as_text=True)
    assert "Trang 1 / 2" in first and len(_rows(first)) == 1
    second = client.get("/review?page=2&status=submitted").get_data(as_text=True)
    assert len(_rows(second)) == 1 and _rows(first) != _rows(second)


def test_watchers_see_the_queue_read_only_and_reporters_not_at_all(world, client, login_as):
    report = world.reports.submitted(world.g11)
    login_as(world.coordinator)
    html = client.get("/review").get_data(as_text=True)
    assert _rows(html) == [str(report.id)] and 'name="report"' not in html and "Chỉ xem" in html
    page = client.get(f"/review/{report.id}").get_data(as_text=True)
    assert "Phê duyệt</button>" not in page and "Trả lại</button>" not in page
    token = csrf_token(client, "/review")
    assert client.post(f"/review/{report.id}/approve", data={"csrf_token": token, "version": report.version}).status_code == 403
    assert client.post("/review/bulk-approve", data={"csrf_token": token, "report": f"{report.id}:{report.version}"}).status_code == 403
    assert fresh(world.reports.db, report).status == "submitted"

    client.post("/logout", data={"csrf_token": token})
    login_as(world.g11_reporter)
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{report.id}").status_code == 403


@pytest.mark.parametrize("who, status", [("d2_reviewer", 404), ("observer", 403), ("federation", 403), ("g12_reporter", 403)])
def test_others_cannot_act_on_a_report(world, client, login_as, db, who, status):
    report = world.reports.submitted(world.g11)
    audits = audit_count(db, report.id)
    login_as(getattr(world, who))
    token = csrf_token(client, "/")
    for action, data in (("approve", {}), ("return", {"reason": "Lý do"})):
        resp = client.post(f"/review/{report.id}/{action}", data={"csrf_token": token, "version": report.version, **data})
        assert resp.status_code == status
    r = fresh(db, report)
    assert r.status == "submitted" and audit_count(db, report.id) == audits


def test_another_districts_reviewer_gets_404_on_the_pages(world, client, login_as):
    report = world.reports.submitted(world.g11)
    login_as(world.d2_reviewer)
    assert client.get(f"/review/{report.id}").status_code == 404
    assert client.get(f"/review/{report.id}/history").status_code == 404


# ---- one report ---------------------------------------------------------------------------


def test_return_without_a_reason_shows_the_error_next_to_the_field(world, client, login_as, db):
    report = world.reports.submitted(world.g11)
    login_as(world.d1_reviewer)
    resp = _post(client, f"/review/{report.id}/return", {"version": report.version, "reason": "   "}, f"/review/{report.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'aria-invalid="true"' in html and "Phải ghi rõ lý do." in html
    assert fresh(db, report).status == "submitted"


def test_the_reviewer_returns_the_unit_reads_why_and_the_reviewer_later_approves(world, client, login_as, db):
    report = world.reports.submitted(world.g11, summoned=40, present=20)
    login_as(world.d1_reviewer)
    page = client.get(f"/review/{report.id}").get_data(as_text=True)
    assert "Cảnh báo cần xem xét" in page and "dưới hai phần ba" in page  # the quorum flag, highlighted
    resp = _post(client, f"/review/{report.id}/return", {"version": report.version, "reason": "Chưa đủ hai phần ba đại biểu"}, f"/review/{report.id}")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/review")
    r = fresh(db, report)
    assert r.status == "returned" and r.return_reason == "Chưa đủ hai phần ba đại biểu"

    # The unit's reporter gets a notification with the reason, counted in the header.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(world.g11_reporter)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'id="unread-count"[^>]*>1<', home)
    notes = client.get("/notifications").get_data(as_text=True)
    assert "Chưa đủ hai phần ba đại biểu" in notes
    history = client.get(f"/review/{report.id}/history").get_data(as_text=True)  # the unit's own history
    assert "Chưa đủ hai phần ba đại biểu" in history

    from shared import workflow

    workflow.submit(db, fresh(db, report), world.g11_reporter)
    db.commit()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(world.d1_reviewer)
    r = fresh(db, report)
    # Issue 19: below the quorum, the approval waits for the reviewer to record how it was resolved.
    resp = _post(client, f"/review/{report.id}/approve", {"version": r.version}, f"/review/{report.id}")
    assert resp.status_code == 409 and "cách đã xử lý" in resp.get_data(as_text=True)
    resp = _post(client, f"/review/{report.id}/quorum", {"version": r.version, "quorum_resolution": "Đã xác minh biên bản."},
                 f"/review/{report.id}/decision")
    assert resp.status_code == 303
    r = fresh(db, report)
    resp = _post(client, f"/review/{report.id}/approve", {"version": r.version}, f"/review/{report.id}")
    assert resp.status_code == 303
    assert fresh(db, report).status == "approved"


def test_a_stale_approval_is_refused_with_the_current_version(world, client, login_as, db):
    report = world.reports.submitted(world.g11)
    seen = report.version
    from shared import workflow

    workflow.return_report(db, report, world.d1_reviewer, "Thiếu chữ ký")
    workflow.submit(db, report, world.g11_reporter)
    db.commit()
    login_as(world.d1_reviewer)
    resp = _post(client, f"/review/{report.id}/approve", {"version": seen}, f"/review/{report.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "người khác thay đổi" in html
    assert f'value="{fresh(db, report).version}"' in html  # the form now carries the current version
    assert fresh(db, report).status == "submitted"


def test_reopen_an_approved_report_needs_a_reason(world, client, login_as, db):
    report = world.reports.approved(world.g11)
    login_as(world.d1_reviewer)
    page = client.get(f"/review/{report.id}").get_data(as_text=True)
    assert "Mở lại để sửa" in page and "Phê duyệt</button>" not in page
    resp = _post(client, f"/review/{report.id}/reopen", {"version": report.version, "reason": ""}, f"/review/{report.id}")
    assert resp.status_code == 422 and fresh(db, report).status == "approved"
    resp = _post(client, f"/review/{report.id}/reopen", {"version": report.version, "reason": "Sai ngày đại hội"}, f"/review/{report.id}")
    assert resp.status_code == 303
    r = fresh(db, report)
    assert r.status == "returned" and r.return_reason == "Sai ngày đại hội"


def test_bulk_approve_in_the_portal_reports_the_stale_one(world, client, login_as, db):
    g11 = world.reports.submitted(world.g11)
    g12 = world.reports.submitted(world.g12)
    login_as(world.d1_reviewer)
    queue = client.get("/review").get_data(as_text=True)
    token = csrf_token(client, "/review")
    from shared import workflow

    workflow.return_report(db, g12, world.d1_reviewer, "Thiếu biên bản")
    workflow.submit(db, g12, world.g12_reporter)
    db.commit()
    audits = db.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "report.approve"))
    values = re.findall(r'name="report" form="bulk-approve" value="([^"]+)"', queue)
    resp = client.post("/review/bulk-approve", data={"csrf_token": token, "report": values, "next": "/review?status=all"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/review?status=all"
    assert fresh(db, g11).status == "approved" and fresh(db, g12).status == "submitted"
    assert db.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "report.approve")) == audits + 1
    html = client.get("/review?status=all").get_data(as_text=True)
    assert "Đã phê duyệt 1 báo cáo." in html
    assert f"Chưa duyệt {world.g12.name}" in html


def test_bulk_approve_with_nothing_selected(world, client, login_as):
    world.reports.submitted(world.g11)
    login_as(world.d1_reviewer)
    resp = client.post("/review/bulk-approve", data={"csrf_token": csrf_token(client, "/review")}, follow_redirects=True)
    assert "Hãy chọn ít nhất một báo cáo" in resp.get_data(as_text=True)


def test_history_page_shows_transitions_and_a_diff(world, client, login_as, db):
    from shared import workflow
    from shared.reports import record_version

    report = world.reports.returned(world.g11, present=30)
    report.present = 36
    db.flush()
    record_version(db, report, world.g11_reporter)
    workflow.submit(db, report, world.g11_reporter)
    db.commit()
    login_as(world.d1_reviewer)
    html = client.get(f"/review/{report.id}/history").get_data(as_text=True)
    assert "Thiếu biên bản kiểm phiếu" in html
    row = re.search(r'<tr data-field="present">(.*?)</tr>', html, re.S).group(1)
    assert "<del>30</del>" in row and "<ins>36</ins>" in row
    # Any two versions; htmx gets the diff block only.
    first = re.findall(r'<option value="(\d+)"', html)[0]
    part = client.get(f"/review/{report.id}/history?old={first}&new={first}", headers={"HX-Request": "true", "HX-Target": "diff"}).get_data(as_text=True)
    assert part.lstrip().startswith('<section id="diff"') and "Hai phiên bản giống nhau" in part


# ---- notifications and reminders ----------------------------------------------------------------


def test_unread_count_in_the_header_and_marking_read(world, client, login_as, db):
    world.reports.submitted(world.g11)
    world.reports.submitted(world.g12)
    login_as(world.d1_reviewer)
    assert re.search(r'id="unread-count"[^>]*>2<', client.get("/").get_data(as_text=True))
    note_id = db.scalars(select(Notification.id).where(Notification.user_id == world.d1_reviewer.id)).first()
    resp = _post(client, f"/notifications/{note_id}/read", {"open": "1"}, "/notifications")
    assert resp.status_code == 303 and re.match(r"/review/\d+$", resp.headers["Location"])
    assert re.search(r'id="unread-count"[^>]*>1<', client.get("/").get_data(as_text=True))
    _post(client, "/notifications/read-all", {}, "/notifications")
    assert 'id="unread-count"' not in client.get("/").get_data(as_text=True)


def test_someone_elses_notification_is_404(world, client, login_as, db):
    world.reports.submitted(world.g11)
    note_id = db.scalars(select(Notification.id)).first()
    login_as(world.d2_reviewer)
    assert _post(client, f"/notifications/{note_id}/read", {}, "/notifications").status_code == 404


def test_the_header_count_is_one_query(world, client, login_as, app):
    from sqlalchemy import event

    world.reports.submitted(world.g11)
    login_as(world.d1_reviewer)
    engine = app.extensions["daihoi.engine"]
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if "notifications" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(seen) == 1 and "count(" in seen[0].lower()


def test_reminders_page_sends_once_a_day(world, client, login_as, db, today):
    today(dt.date(2023, 5, 28))
    login_as(world.d1_reviewer)
    page = client.get("/review/reminders?days=7").get_data(as_text=True)
    assert 'data-unit="G11"' in page and 'data-unit="G21"' not in page  # only its own subtree
    token = csrf_token(client, "/review/reminders")
    resp = client.post("/review/reminders", data={"csrf_token": token, "days": 7, "unit": [world.g11.id, world.g12.id]})
    assert resp.status_code == 303
    assert db.scalar(select(func.count(Reminder.id))) == 2
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã gửi nhắc việc tới 2 đơn vị" in page
    assert f'name="unit" value="{world.g11.id}"' not in page  # already reminded today: no checkbox
    resp = client.post("/review/reminders", data={"csrf_token": token, "days": 7, "unit": [world.g11.id]}, follow_redirects=True)
    assert "đã được nhắc hôm nay" in resp.get_data(as_text=True)
    assert db.scalar(select(func.count(Reminder.id))) == 2


def test_observers_cannot_send_reminders(world, client, login_as):
    login_as(world.observer)
    assert client.get("/review/reminders").status_code == 403


def test_the_queue_page_query_count_does_not_grow_with_rows(world, client, login_as, app, db):
    from sqlalchemy import event

    engine = app.extensions["daihoi.engine"]
    login_as(world.coordinator)

    def queries_for_queue() -> int:
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/review?status=all").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    world.reports.submitted(world.g11)
    one = queries_for_queue()
    for unit in (world.g12, world.g21, world.d1):
        world.reports.submitted(unit)
    assert queries_for_queue() == one
