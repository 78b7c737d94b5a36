"""The queue, bulk approval, the history diff, notifications and the mail outbox, at the shared/ level."""
from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import delete, func, select

from shared import config, history, notifications, people, review, workflow
from shared.errors import Forbidden
from shared.models import AuditLog, EmailOutbox, Notification
from shared.reports import record_version
from tests.review.conftest import audit_count, fresh


def _names(page):
    return [row.unit.code for row in page.rows]


# ---- queue --------------------------------------------------------------------------------


def test_the_queue_holds_the_reviewers_direct_children_oldest_first(world, db):
    g12 = world.reports.submitted(world.g12)
    g11 = world.reports.submitted(world.g11)
    world.reports.submitted(world.g21)
    world.reports.submitted(world.d1)
    g11.submitted_at = g12.submitted_at.replace(year=2023)  # g11 sent long before g12
    db.commit()
    q = review.QueueFilters()
    assert _names(review.review_queue(db, world.d1_reviewer, world.campaign, q)) == ["G11", "G12"]
    assert _names(review.review_queue(db, world.d2_reviewer, world.campaign, q)) == ["G21"]
    assert _names(review.review_queue(db, world.federation, world.campaign, q)) == ["D1"]
    # Watchers see their whole subtree, read-only.
    assert sorted(_names(review.review_queue(db, world.coordinator, world.campaign, q))) == ["D1", "G11", "G12", "G21"]
    assert review.can_act(world.federation) and not review.can_act(world.coordinator)
    with pytest.raises(Forbidden):
        review.review_queue(db, world.g11_reporter, world.campaign, q)


def test_queue_filters_search_without_diacritics_and_flags(world, db):
    world.reports.submitted(world.g11)
    world.reports.submitted(world.g12, summoned=150, present=90)  # below two thirds
    world.reports.submitted(world.g21)
    world.reports.approved(world.d2)
    c, coord = world.campaign, world.coordinator

    def codes(**kw):
        return sorted(_names(review.review_queue(db, coord, c, review.QueueFilters(**kw))))

    assert codes(q="vinh lac") == ["G11"]  # finds "Vĩnh Lạc"
    assert codes(q="DONG HO") == ["G12"]  # finds "Đông Hồ"
    assert codes(flagged=True) == ["G12"]
    assert codes(flagged=False) == ["G11", "G21"]
    assert codes(sector="non_state") == ["G12"]
    assert codes(district_id=world.d2.id) == ["G21"]
    assert codes(status="approved") == ["D2"]
    assert codes(status="all") == ["D2", "G11", "G12", "G21"]
    flagged_row = review.review_queue(db, coord, c, review.QueueFilters(flagged=True)).rows[0]
    assert "dưới hai phần ba" in flagged_row.flags[0]


def test_the_queue_pages(world, db):
    for unit in (world.g11, world.g12):
        world.reports.submitted(unit)
    first = review.review_queue(db, world.d1_reviewer, world.campaign, review.QueueFilters(), page=1, size=1)
    second = review.review_queue(db, world.d1_reviewer, world.campaign, review.QueueFilters(), page=2, size=1)
    assert first.total == 2 and first.pages == 2
    assert {_names(first)[0], _names(second)[0]} == {"G11", "G12"}


# ---- bulk approval --------------------------------------------------------------------------


def test_bulk_approve_with_one_stale_report(world, db):
    g11 = world.reports.submitted(world.g11)
    g12 = world.reports.submitted(world.g12)
    seen = {g11.id: g11.version, g12.id: g12.version}
    # The unit of g12 had it returned and resubmitted since the reviewer opened the queue.
    workflow.return_report(db, g12, world.d1_reviewer, "Thiếu biên bản")
    workflow.submit(db, g12, world.g12_reporter)
    db.commit()
    audits_before = audit_count(db)

    result = review.bulk_approve(db, seen.items(), world.d1_reviewer, confirm_warnings=False)
    db.commit()

    assert [r.id for r in result.approved] == [g11.id]
    assert [(i.report_id, i.unit_name) for i in result.stale] == [(g12.id, world.g12.name)]
    assert "người khác thay đổi" in result.stale[0].message
    assert fresh(db, g11).status == "approved" and fresh(db, g12).status == "submitted"
    new_audits = db.execute(
        select(AuditLog.action, AuditLog.object_id).where(AuditLog.id > 0).order_by(AuditLog.id).offset(audits_before)
    ).all()
    assert [tuple(a) for a in new_audits] == [("report.approve", g11.id)]  # one entry per approved report


def test_bulk_approve_skips_flagged_reports_unless_confirmed_and_refuses_out_of_scope(world, db):
    ok = world.reports.submitted(world.g11)
    flagged = world.reports.submitted(world.g12, summoned=150, present=60)
    other = world.reports.submitted(world.g21)
    pairs = [(ok.id, ok.version), (flagged.id, flagged.version), (other.id, other.version)]

    result = review.bulk_approve(db, pairs, world.d1_reviewer, confirm_warnings=False)
    db.commit()
    assert [r.id for r in result.approved] == [ok.id]
    assert [i.report_id for i in result.flagged] == [flagged.id]
    assert [(i.report_id, i.message) for i in result.refused] == [(other.id, "Không tìm thấy báo cáo.")]
    assert fresh(db, flagged).status == "submitted" and fresh(db, other).status == "submitted"

    # Issue 19: a congress below the quorum is not approved, even confirmed, until its resolution is recorded.
    result = review.bulk_approve(db, [(flagged.id, fresh(db, flagged).version)], world.d1_reviewer, confirm_warnings=True)
    db.commit()
    assert not result.approved and "cách đã xử lý" in result.refused[0].message
    people.record_quorum_resolution(db, world.d1_reviewer, fresh(db, flagged), "Đã xác minh.", fresh(db, flagged).version)
    db.commit()
    result = review.bulk_approve(db, [(flagged.id, fresh(db, flagged).version)], world.d1_reviewer, confirm_warnings=True)
    db.commit()
    assert [r.id for r in result.approved] == [flagged.id]

    with pytest.raises(Forbidden):
        review.bulk_approve(db, [(other.id, other.version)], world.coordinator)


# ---- history --------------------------------------------------------------------------------


def test_the_diff_shows_what_the_unit_changed_after_a_return(world, db):
    report = world.reports.returned(world.g11, present=30, summoned=40)
    returned_version = report.version
    # The unit corrects two figures and resubmits.
    report.present = 36
    report.notes = "Đã bổ sung biên bản"
    db.flush()
    record_version(db, report, world.g11_reporter)
    workflow.submit(db, report, world.g11_reporter)
    db.commit()

    old, new = history.default_pair(db, report)
    assert (old, new) == (returned_version, report.version)
    changes = {c.name: (c.label, c.old, c.new) for c in history.compare(db, report, old, new)}
    assert changes["present"] == ("Số có mặt", "30", "36")
    assert changes["notes"] == ("Ghi chú", "(trống)", "Đã bổ sung biên bản")
    assert changes["status"] == ("Trạng thái", "Bị trả lại", "Đã gửi")
    assert "summoned" not in changes
    steps = [(t.from_status, t.to_status, t.reason) for t in history.transitions(db, report)]
    assert ("submitted", "returned", "Thiếu biên bản kiểm phiếu") in steps


def test_diff_values_are_formatted_for_reading():
    assert history.display("held_date", "2023-03-10") == "10/03/2023"
    assert history.display("funding_vnd", 12500000) == "12.500.000"
    assert history.display("is_pilot", True) == "Có"
    assert history.display("form", "dai_bieu") == "Đại hội đại biểu"
    assert history.display("officers", [{"role": "chair", "full_name": "Lê Văn An", "gender": "male", "vote_pct": 92.5}]) == (
        "Chủ tịch: Lê Văn An (Nam, 92,50 %)"
    )


# ---- notifications and mail -------------------------------------------------------------------


def _unread(db, user):
    return notifications.unread_count(db, user.id)


def test_notification_counts_follow_the_workflow(world, db):
    report = world.reports.submitted(world.g11)
    # Submitted: the reviewers of the parent unit hear of it, nobody else.
    assert _unread(db, world.d1_reviewer) == 1
    assert _unread(db, world.d2_reviewer) == 0 and _unread(db, world.federation) == 0
    assert _unread(db, world.g11_reporter) == 0

    workflow.return_report(db, report, world.d1_reviewer, "Thiếu chữ ký")
    db.commit()
    note = db.scalars(select(Notification).where(Notification.user_id == world.g11_reporter.id)).one()
    assert "bị trả lại" in note.text and "Thiếu chữ ký" in note.text
    assert note.link == f"/units/{world.g11.id}/report"
    assert _unread(db, world.d1_reviewer) == 1  # the actor is not told of their own act

    workflow.submit(db, report, world.g11_reporter)
    workflow.approve(db, report, world.d1_reviewer)
    db.commit()
    assert _unread(db, world.d1_reviewer) == 2 and _unread(db, world.g11_reporter) == 2

    assert notifications.mark_read(db, world.g11_reporter, note.id) == 1
    assert notifications.mark_read(db, world.d1_reviewer, note.id) == 0  # not theirs
    assert _unread(db, world.g11_reporter) == 1
    notifications.mark_read(db, world.g11_reporter)
    assert _unread(db, world.g11_reporter) == 0


def test_an_outbox_mail_per_notified_user_with_an_email(world, db):
    report = world.reports.submitted(world.g12)  # the reviewer rachgia1 has an email
    mails = db.scalars(select(EmailOutbox)).all()
    assert [(m.to_addr, m.subject) for m in mails] == [("rachgia@example.vn", f"Báo cáo chờ duyệt: {world.g12.name}")]
    workflow.approve(db, report, world.d1_reviewer)  # g12's reporter has no email: no mail
    db.commit()
    assert db.scalar(select(func.count(EmailOutbox.id))) == 1
    assert db.scalar(select(func.count(Notification.id)).where(Notification.user_id == world.g12_reporter.id)) == 1


def test_mail_links_are_absolute_with_the_configured_base_url_only(world, db):
    first = world.reports.submitted(world.g12)
    body = db.scalars(select(EmailOutbox.body)).one()
    assert f": /review/{first.id}\n" in body and "http" not in body  # no base URL: a path
    db.execute(delete(EmailOutbox))
    db.info[notifications.BASE_URL] = "https://daihoi.example.vn"  # what the portal's sessions carry
    report = world.reports.submitted(world.g11)
    body = db.scalars(select(EmailOutbox.body)).one()
    assert f"https://daihoi.example.vn/review/{report.id}" in body
    with pytest.raises(ValueError):
        config.base_url({"BASE_URL": "daihoi.example.vn"})  # a scheme is required


def test_the_portal_takes_the_base_url_from_its_configuration(app):
    from portal import create_app

    other = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x", "BASE_URL": "https://cong.vn/"})
    session = other.extensions["daihoi.sessionmaker"]()
    assert notifications.absolute("/review/3", notifications.base_url_of(session)) == "https://cong.vn/review/3"
    session.close()
    other.extensions["daihoi.engine"].dispose()
    with pytest.raises(ValueError):
        create_app({"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x", "BASE_URL": "ftp://cong.vn"})


class FakeSMTP:
    sent: list = []
    fail_for: set = set()

    def __init__(self, host, port, timeout=None):
        self.host = host

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] in self.fail_for:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no")})
        FakeSMTP.sent.append((message["To"], message["Subject"], message.get_content()))

    def quit(self):
        pass


def test_the_outbox_waits_until_smtp_is_configured_then_drains(world, db, monkeypatch):
    world.reports.submitted(world.g11)
    world.reports.returned(world.g12)
    notifications.queue_mail(db, "hong@example.vn", "Thử", "Nội dung")
    db.commit()
    off = notifications.drain_outbox(db, notifications.MailSettings())
    assert (off.sent, off.pending) == (0, 3)

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail_for = [], {"hong@example.vn"}
    result = notifications.drain_outbox(db, notifications.MailSettings(host="smtp.example.vn"))
    db.commit()
    assert (result.sent, result.failed) == (2, 1)
    assert {to for to, _s, _b in FakeSMTP.sent} == {"rachgia@example.vn"}
    assert "Kính gửi" in FakeSMTP.sent[0][2]
    failed = db.scalars(select(EmailOutbox).where(EmailOutbox.sent_at.is_(None))).one()
    assert failed.attempts == 1 and "SMTPRecipientsRefused" in failed.last_error
    # Sent mail is not sent again.
    FakeSMTP.sent = []
    again = notifications.drain_outbox(db, notifications.MailSettings(host="smtp.example.vn"))
    assert (again.sent, again.failed) == (0, 1)


def test_the_flag_filter_in_sql_agrees_with_the_report_warnings(world, db, factory):
    import datetime as dt

    from shared.reports import report_warnings

    g13 = factory.unit("Công đoàn cơ sở Chợ Rạch Giá", "grassroots", world.d1, code="G13", members_count=60)
    world.reporter_of[g13.id] = factory.user("reporter", g13)
    made = {
        "fine": world.reports.submitted(world.g11),
        "quorum": world.reports.submitted(world.g12, summoned=150, present=90),
        "executive size": world.reports.submitted(world.g21, executive_size=20, executive_reelected=18),
        "standing share": world.reports.submitted(world.d1, standing_size=8),
        "late": world.reports.submitted(world.d2, planned_date=dt.date(2023, 8, 1), held_date=dt.date(2023, 8, 5)),
        "inspection size": world.reports.submitted(world.province, inspection_size=12),
        "standing too early": world.reports.submitted(g13, standing_size=2),
    }

    def ids(flagged):
        page = review.review_queue(db, world.admin, world.campaign, review.QueueFilters(flagged=flagged), size=100)
        return {row.report.id for row in page.rows}

    expected = {r.id for r in made.values() if report_warnings(r)}
    assert expected == {r.id for name, r in made.items() if name != "fine"}  # every case is a warning
    assert ids(True) == expected
    assert ids(False) == {made["fine"].id}
