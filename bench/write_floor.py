"""The write floor of the submit benchmark: a Flask app whose two routes do what a report save and a
report send write, in hand-written SQL, in one transaction each, and commit.

`PUT /floor/units/<id>/report` (bearer token): look the token's user up, find the open campaign and the
unit's report, insert the report row with the body's fields (and its first status change), its officers
and recommendations, the audit entry, the version row (the report's snapshot as JSON) and renew the
unit's data-version token; answer the new version.
`POST /floor/units/<id>/report/submit` (`{"version": n}`): the same lookups, read the report back with its
officers and recommendations (the snapshot of the version row), raise the status and the version if it
still is `n`, add the status change, the audit entry, the version row, one notification per reviewer of
the superior unit, renew the data-version token.

No validation, no ORM, no scope or role rules, no templates: what the project does beyond this floor is
its cost of being right. Served by `portal.serve` exactly as `daihoi serve` serves the portal (waitress
with one worker, gunicorn with several, the same threads, one pooled connection per thread).

`python -m bench.write_floor --workers N --threads T` with DAIHOI_DATABASE_URL; prints "... đang chạy tại URL".
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import secrets

from flask import Flask, abort, jsonify, request
from sqlalchemy import text

from shared.db import make_engine

REPORT_FIELDS = (
    "planned_date", "form", "form_override_reason", "is_pilot", "meeting_mode", "planned_summoned",
    "planned_executive_size", "held_date", "members_total", "summoned", "present", "executive_size",
    "executive_women", "executive_young", "executive_party", "executive_ethnic_minority", "executive_reelected",
    "executive_new", "executive_from_plan", "fulltime_not_reelected_age", "standing_size", "inspection_size",
    "delegates_official", "delegates_alternate", "works_count", "works_value_vnd", "exemplary_count",
    "funding_vnd", "notes",
)
DATES = {"planned_date", "held_date"}

USER_OF_TOKEN = text(
    "SELECT u.id, u.unit_id FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = :digest AND t.revoked_at IS NULL AND t.expires_at > :now AND u.active "
    "AND u.session_version = t.session_version")
OPEN_CAMPAIGN = text("SELECT id FROM campaigns WHERE NOT closed ORDER BY start_date DESC, id DESC LIMIT 1")
REPORT_OF = text("SELECT id, version, status FROM congress_reports WHERE campaign_id = :campaign AND unit_id = :unit")
UNIT = text("SELECT path, parent_id, name FROM units WHERE id = :unit")
INSERT_REPORT = text(
    "INSERT INTO congress_reports (campaign_id, unit_id, status, version, created_at, updated_at, updated_by_id, "
    + ", ".join(REPORT_FIELDS) + ") VALUES (:campaign, :unit, 'draft', 1, :now, :now, :user, "
    + ", ".join(f":{f}" for f in REPORT_FIELDS) + ") RETURNING id")
INSERT_CHANGE = text(
    "INSERT INTO report_status_changes (report_id, changed_at, user_id, from_status, to_status, version) "
    "VALUES (:report, :now, :user, :from_status, :to_status, :version)")
INSERT_OFFICER = text(
    "INSERT INTO officers (report_id, position, role, full_name, gender, vote_pct) "
    "VALUES (:report, :position, :role, :full_name, :gender, :vote_pct)")
INSERT_RECOMMENDATION = text(
    "INSERT INTO recommendations (report_id, campaign_id, unit_id, topic, text, addressed_to, status, version, updated_at) "
    "VALUES (:report, :campaign, :unit, :topic, :text, :addressed_to, 'open', 1, :now)")
INSERT_AUDIT = text(
    "INSERT INTO audit_log (at, user_id, unit_id, action, object_type, object_id, changes, ip) "
    "VALUES (:now, :user, :unit, :action, 'congress_report', :report, :changes, :ip)")
INSERT_VERSION = text(
    "INSERT INTO report_versions (report_id, version, data, created_at, user_id) "
    "VALUES (:report, :version, :data, :now, :user)")
SUBMIT = text(
    "UPDATE congress_reports SET status = 'submitted', submitted_at = :now, updated_at = :now, updated_by_id = :user, "
    "version = version + 1 WHERE id = :report AND version = :version AND status IN ('draft', 'returned')")
READ_REPORT = text("SELECT " + ", ".join(REPORT_FIELDS) + " FROM congress_reports WHERE id = :report")
READ_OFFICERS = text("SELECT role, full_name, gender, vote_pct FROM officers WHERE report_id = :report ORDER BY position")
READ_RECOMMENDATIONS = text(
    "SELECT topic, text, addressed_to, status FROM recommendations WHERE report_id = :report ORDER BY id")
REVIEWERS = text("SELECT id FROM users WHERE unit_id = :unit AND active AND role IN ('district', 'federation') ORDER BY id")
INSERT_NOTIFICATION = text(
    "INSERT INTO notifications (user_id, text, message, link, created_at) VALUES (:user, :text, :message, :link, :now)")


def floor_app(url: str, threads: int) -> Flask:
    app = Flask("write_floor")
    engine = make_engine(url, pool_size=max(threads, 5))
    app.extensions["daihoi.engine"] = engine  # portal.serve drops the pool in the gunicorn master
    dialect = engine.dialect.name
    renew = text(
        "INSERT INTO data_versions (key, version) VALUES (:key, :token) "
        "ON CONFLICT (key) DO UPDATE SET version = excluded.version")
    if dialect == "postgresql":
        renew = text(str(renew).replace("(key,", '("key",').replace("(key)", '("key")'))

    def caller(conn) -> tuple[int, int, int, dt.datetime]:
        secret = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        user = conn.execute(USER_OF_TOKEN, {"digest": hashlib.sha256(secret.encode()).hexdigest(), "now": now}).first()
        if user is None:
            abort(401)
        campaign = conn.execute(OPEN_CAMPAIGN).scalar_one()
        return user.id, user.unit_id, campaign, now

    def touch(conn, path: str) -> None:
        conn.execute(renew, {"key": path[:18], "token": secrets.randbits(62)})

    @app.put("/floor/units/<int:unit_id>/report")
    def save(unit_id: int):
        body = request.get_json()
        with engine.begin() as conn:
            user, _own_unit, campaign, now = caller(conn)
            if conn.execute(REPORT_OF, {"campaign": campaign, "unit": unit_id}).first() is not None:
                abort(409)  # the benchmark saves each report once: a new report
            unit = conn.execute(UNIT, {"unit": unit_id}).one()
            values = {f: body.get(f) for f in REPORT_FIELDS}
            for f in DATES:
                values[f] = dt.date.fromisoformat(values[f]) if values[f] else None
            report = conn.execute(INSERT_REPORT, {"campaign": campaign, "unit": unit_id, "now": now, "user": user,
                                                  **values}).scalar_one()
            conn.execute(INSERT_CHANGE, {"report": report, "now": now, "user": user, "from_status": None,
                                         "to_status": "draft", "version": 1})
            officers = [{"report": report, "position": i, "role": o["role"], "full_name": o["full_name"],
                         "gender": o.get("gender"), "vote_pct": o.get("vote_pct")}
                        for i, o in enumerate(body.get("officers") or [])]
            if officers:
                conn.execute(INSERT_OFFICER, officers)
            for rec in body.get("recommendations") or []:
                conn.execute(INSERT_RECOMMENDATION, {"report": report, "campaign": campaign, "unit": unit_id,
                                                     "topic": rec["topic"], "text": rec["text"],
                                                     "addressed_to": rec.get("addressed_to"), "now": now})
            conn.execute(INSERT_AUDIT, {"now": now, "user": user, "unit": unit_id, "action": "report.save",
                                        "report": report, "changes": json.dumps({"fields": sorted(body)}),
                                        "ip": request.remote_addr})
            conn.execute(INSERT_VERSION, {"report": report, "version": 1, "now": now, "user": user,
                                          "data": json.dumps({**body, "status": "draft"}, ensure_ascii=False)})
            touch(conn, unit.path)
        return jsonify(version=1)

    @app.post("/floor/units/<int:unit_id>/report/submit")
    def submit(unit_id: int):
        version = int(request.get_json()["version"])
        with engine.begin() as conn:
            user, _own_unit, campaign, now = caller(conn)
            found = conn.execute(REPORT_OF, {"campaign": campaign, "unit": unit_id}).first()
            if found is None:
                abort(404)
            unit = conn.execute(UNIT, {"unit": unit_id}).one()
            row = conn.execute(READ_REPORT, {"report": found.id}).mappings().one()
            data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
            data["officers"] = [dict(o._mapping, vote_pct=float(o.vote_pct) if o.vote_pct is not None else None)
                                for o in conn.execute(READ_OFFICERS, {"report": found.id})]
            data["recommendations"] = [dict(r._mapping) for r in conn.execute(READ_RECOMMENDATIONS, {"report": found.id})]
            data["status"] = "submitted"
            if conn.execute(SUBMIT, {"now": now, "user": user, "report": found.id, "version": version}).rowcount != 1:
                abort(409)
            conn.execute(INSERT_CHANGE, {"report": found.id, "now": now, "user": user, "from_status": found.status,
                                         "to_status": "submitted", "version": version + 1})
            conn.execute(INSERT_AUDIT, {"now": now, "user": user, "unit": unit_id, "action": "report.submit",
                                        "report": found.id, "ip": request.remote_addr,
                                        "changes": json.dumps({"status": [found.status, "submitted"]})})
            conn.execute(INSERT_VERSION, {"report": found.id, "version": version + 1, "now": now, "user": user,
                                          "data": json.dumps(data, ensure_ascii=False, default=str)})
            reviewers = conn.execute(REVIEWERS, {"unit": unit.parent_id}).scalars().all()
            if reviewers:
                message = json.dumps({"msgid": "%(unit)s đã gửi báo cáo kết quả đại hội, đang chờ duyệt.",
                                      "params": {"unit": unit.name}}, ensure_ascii=False)
                conn.execute(INSERT_NOTIFICATION, [
                    {"user": r, "text": f"{unit.name} đã gửi báo cáo kết quả đại hội, đang chờ duyệt.",
                     "message": message, "link": f"/review/{found.id}", "now": now} for r in reviewers])
            touch(conn, unit.path)
        return jsonify(version=version + 1)

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    from portal.serve import serve

    app = floor_app(os.environ["DAIHOI_DATABASE_URL"], args.threads)
    serve(app, "127.0.0.1", 0, args.threads, args.workers)
