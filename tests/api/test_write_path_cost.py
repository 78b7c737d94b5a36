"""What a report's save-and-send costs the server (issue 21 item 5: CPU per request <= 3x the write floor).

The statements of the pair are counted, and so is what goes through the ORM's unit of work: the report
and its own rows only. The append-only rows (status changes, version rows, audit entries, notifications)
are written with prebuilt Core statements, which is where most of the gain came from; one of them put back
through `session.add` would not add a statement, so the unit of work's share is pinned on its own."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from shared.models import AuditLog, CongressReport, Notification, ReportStatusChange, ReportVersion


def _body(world):
    from tests.review.conftest import complete_values

    body = {k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in complete_values(world.g11, world.campaign).items()}
    body["officers"] = [{"role": "chair", "full_name": "Nguyễn Thị Lan", "gender": "female", "vote_pct": 92.5},
                        {"role": "vice_chair", "full_name": "Trần Văn Minh", "gender": "male", "vote_pct": 88}]
    body["recommendations"] = [{"topic": "jobs", "text": "Giữ việc làm cho công nhân", "addressed_to": "Sở LĐTBXH"}]
    return body


def test_a_save_and_send_stays_within_its_statements_and_keeps_the_unit_of_work_to_the_report(world, api, app):
    world.district1.email = "rachgia@example.vn"  # notified in the portal and by mail
    world.session.commit()
    path = f"/units/{world.g11.id}/report"
    assert api.get("/me", world.reporter11).status_code == 200  # a token's first use stamps it (not counted)
    statements: list[str] = []
    flushed: list[str] = []
    engine = app.extensions["daihoi.engine"]

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    def note(session, _ctx):
        flushed.extend(type(obj).__name__ for obj in (*session.new, *session.dirty))

    event.listen(engine, "before_cursor_execute", count)
    event.listen(Session, "after_flush", note)
    try:
        saved = api.put(path, world.reporter11, json=_body(world))
        assert saved.status_code == 200, saved.json
        at_save = len(statements)
        sent = api.post(f"{path}/submit", world.reporter11, json={"version": saved.json["version"]})
        assert sent.status_code == 200, sent.json
        at_send = len(statements) - at_save
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(Session, "after_flush", note)

    # Save: token, campaign, report lookup, one INSERT of the report with what was typed, 2 officers (one
    # statement each on SQLite, one on PostgreSQL), the recommendation, its status change, version, audit; at
    # commit the data-version upsert (which reads the bucket's path itself).
    assert at_save <= 11, "\n".join(s[:80] for s in statements[:at_save])
    # Send: token, campaign, report, its officers, elected members, delegates and recommendations (the snapshot
    # the version keeps), UPDATE, status change, version, audit, reviewers, notification, mail; at commit as above.
    assert at_send <= 15, "\n".join(s[:80] for s in statements[at_save:])
    assert set(flushed) <= {"CongressReport", "Officer", "Recommendation", "EmailOutbox"}, flushed

    # ... and every row is there, once, as before.
    s = world.session
    s.expire_all()
    report = s.scalar(select(CongressReport).where(CongressReport.unit_id == world.g11.id))
    assert (report.status, report.version) == ("submitted", 2)  # the first save inserted version 1
    changes = s.execute(select(ReportStatusChange.from_status, ReportStatusChange.to_status, ReportStatusChange.version)
                        .where(ReportStatusChange.report_id == report.id).order_by(ReportStatusChange.id)).all()
    assert [tuple(c) for c in changes] == [(None, "draft", 1), ("draft", "submitted", 2)]
    assert s.scalars(select(ReportVersion.version).where(ReportVersion.report_id == report.id)
                     .order_by(ReportVersion.version)).all() == [1, 2]
    assert s.scalars(select(AuditLog.action).where(AuditLog.object_type == "congress_report",
                                                   AuditLog.object_id == report.id).order_by(AuditLog.id)).all() \
        == ["report.save", "report.submit"]
    assert s.scalars(select(Notification.link).where(Notification.user_id == world.district1.id)).all() \
        == [f"/review/{report.id}"]
