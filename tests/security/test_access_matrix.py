"""The access matrix: every route of the URL map x every role x in scope / out of scope.

One data set (tests/security/world.py) is built once; each role gets one logged-in client (the API: a bearer
token). For every GET the status class is asserted; for every POST/PUT/DELETE the refused cells (wrong role,
out of scope, anonymous) are sent with a valid CSRF token and must be refused and change nothing.
A route missing from MATRIX fails the test: add it, with the expectation, when you add a route.

Cell codes, one per role in ROLES order (admin, coordinator, federation, district, reporter, observer,
party_committee, addressee, anonymous):  o = 2xx or a redirect that is not to the login page,  l = redirect to login
(401 for the API),  f = 403,  n = 404,  x = 403 or 404 (a refused write),  v = 422,  c = 409,
- = not probed (an allowed write; its own feature tests cover it).
Regenerate the observed codes after a deliberate change: put `?` in the cells to learn and run with
DAIHOI_MATRIX_GENERATE=/tmp/matrix.txt (a `?` never passes otherwise). The report of G11 is submitted, so its
own reporter's edits are refused (403) as well: the matrix probes access, the report tests probe editing.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import MetaData, select

from tests.conftest import CSRF_RE, login
from tests.security import world as world_mod
from tests.security.world import ROLES

# endpoint -> method -> (in scope, out of scope or None when the route has no object of another district)
MATRIX: dict[str, dict[str, tuple[str, str | None]]] = {
    "home.index": {"GET": ("ooooooool", None)},
    "account.password": {"GET": ("ooooooool", None), "POST": ("--------l", None)},
    "admin.index": {"GET": ("ofofffffl", None)},
    "admin.audit_log": {"GET": ("ofofffffl", None)},
    "admin.campaigns": {"GET": ("offfffffl", None)},
    "admin.campaign_edit": {"GET": ("offfffffl", None), "POST": ("-xxxxxxfl", None)},
    "admin.campaign_new": {"GET": ("offfffffl", None), "POST": ("-xxxxxxfl", None)},
    "admin.units": {"GET": ("ofofffffl", None)},
    "admin.unit_new": {"GET": ("ofofffffl", "ofofffffl"), "POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.unit_children": {"GET": ("ofofffffl", "ofofffffl")},
    "admin.unit_edit": {"GET": ("ofofffffl", "ofofffffl"), "POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.unit_move": {"GET": ("ofofffffl", "ofofffffl"), "POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.import_page": {"GET": ("ofofffffl", None), "POST": ("-x-xxxxfl", None)},
    "admin.import_template": {"GET": ("ofofffffl", None)},
    "admin.users": {"GET": ("ofofffffl", None)},
    "admin.user_edit": {"GET": ("ofofffffl", "ofofffffl"), "POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.user_new": {"GET": ("ofofffffl", None), "POST": ("-x-xxxxfl", None)},
    "api.campaigns": {"GET": ("ooooooool", None)},
    "api.whoami": {"GET": ("ooooooool", None)},
    "api.openapi": {"GET": ("ooooooooo", None)},
    "api.progress": {"GET": ("ooooooofl", None)},
    "api.level_report_summary": {"GET": ("ooffffffl", None)},
    "api.progress_by_unit": {"GET": ("ooooooofl", None)},
    "api.reports": {"GET": ("ooooooofl", None)},
    "api.list_tokens": {"GET": ("ooooooool", None)},
    "api.calendar": {"GET": ("ooooooofl", None)},
    "api.units": {"GET": ("ooooooofl", None)},
    "api.unit": {"GET": ("ooooooofl", "ooonnnnfl")},
    "api.report": {"GET": ("ooooooofl", "ooonnnnfl")},
    "dashboard.index": {"GET": ("oooofoffl", None)},
    "dashboard.export_docx": {"GET": ("oooofoffl", None)},
    "dashboard.export_xlsx": {"GET": ("oooofoffl", None)},
    "dashboard.recommendations": {"GET": ("oooofoffl", None)},
    "dashboard.recommendation": {"GET": ("oooofoffl", "ooonfnffl"), "POST": ("----ffffl", "---xxxxfl")},
    "dashboard.recommendation_autosave": {"POST": ("----ffffl", "---xxxxfl")},  # the same update, answered in JSON
    "auth.login": {"GET": ("ooooooooo", None), "POST": ("---------", None)},
    "notifications.index": {"GET": ("ooooooool", None)},
    "party.document_list": {"GET": ("ooooooofl", None)},
    "party.document_show": {"GET": ("ooooooofl", "ooonnnnfl")},
    "party.document_file": {"GET": ("ooooooofl", "ooonnnnfl")},
    "party.document_new": {"GET": ("ooofffffl", None), "POST": ("---xxxxfl", None)},
    "party.form_template": {"GET": ("ooooooofl", None)},
    "party.level_report_list": {"GET": ("ooffffofl", None)},
    "party.level_report": {"GET": ("oonnnnofl", "oonnnnnfl")},
    "party.level_report_docx": {"GET": ("oonnnnofl", "oonnnnnfl")},
    "party.level_report_scan_file": {"GET": ("oonnnnofl", "oonnnnnfl")},
    "party.steering_list": {"GET": ("ooooooofl", None)},
    "party.steering_export_all": {"GET": ("ooooooofl", None)},
    "party.emulation_show": {"GET": ("ooooooofl", "ooonnnnfl")},
    "party.steering_show": {"GET": ("oooonoofl", "ooonnnnfl")},
    "party.steering_export": {"GET": ("oooonoofl", "ooonnnnfl")},
    "review.queue": {"GET": ("oooofoffl", None)},
    "review.show": {"GET": ("oooofoffl", "ooonfnffl")},
    "review.history": {"GET": ("ooooooofl", "ooonnnnfl")},
    "review.reminders_page": {"GET": ("ooooffffl", None), "POST": ("----xxxfl", None)},
    "static": {"GET": ("ooooooooo", None)},
    "units.show": {"GET": ("ooooooofl", "ooonnnnfl")},
    "reports.show": {"GET": ("ooooooofl", "ooonnnnfl")},
    "reports.download": {"GET": ("ooooooofl", "ooonnnnfl")},
    "reports.print_view": {"GET": ("ooooooofl", "ooonnnnfl")},
    "assets.htmx": {"GET": ("ooooooooo", None)},
    "assets.favicon": {"GET": ("ooooooooo", None)},
    "health.healthz": {"GET": ("ooooooooo", None)},  # for the proxy: no login, no data
    "health.readyz": {"GET": ("ooooooooo", None)},
    "admin.campaign_close": {"POST": ("-xxxxxxfl", None)},
    "admin.campaign_reopen": {"POST": ("-xxxxxxfl", None)},
    "admin.unit_activate": {"POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.unit_deactivate": {"POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.user_activate": {"POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.user_deactivate": {"POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.user_force_password_change": {"POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "admin.user_reset_password": {"POST": ("-x-xxxxfl", "-x-xxxxfl")},
    "api.create_token": {"POST": ("---------", None)},
    "api.revoke_token": {"DELETE": ("--------l", "-nnxxxxnl")},
    # The reporter's own report was submitted since version 1 (the probe's version): a stale save, 409.
    "api.save_report": {"PUT": ("-fffcfffl", "-ffxxxxfl")},
    "api.approve": {"POST": ("-f--ffffl", "-f-xxxxfl")},
    "api.return_report": {"POST": ("-f--ffffl", "-f-xxxxfl")},
    "api.reopen": {"POST": ("-f--ffffl", "-f-xxxxfl")},
    "api.submit": {"POST": ("-fffcfffl", "-ffxxxxfl")},
    "auth.logout": {"POST": ("---------", None)},
    "i18n.switch": {"POST": ("---------", None)},  # anyone, logged in or not: only the display language
    "notifications.read": {"POST": ("--------l", "nnnxxxxnl")},
    "notifications.read_all": {"POST": ("--------l", None)},
    "party.document_acknowledge": {"POST": ("--------l", "---xxxxfl")},
    "party.document_remind": {"POST": ("---xxxxfl", "---xxxxfl")},
    "party.level_report_acknowledge": {"POST": ("---xxxnfl", "---xxxxfl")},
    "party.level_report_return": {"POST": ("---xxxnfl", "---xxxxfl")},
    "party.level_report_narrative": {"POST": ("---xxx-fl", "---xxxxfl")},
    "party.level_report_scan": {"POST": ("---xxx-fl", "---xxxxfl")},
    "party.level_report_start": {"POST": ("---xxx-fl", "---xxxxfl")},
    "party.level_report_submit": {"POST": ("---xxx-fl", "---xxxxfl")},
    "party.emulation_delete": {"POST": ("-x---xnfl", "-x-xxxxfl")},
    "party.exemplary_add": {"POST": ("-x---xnfl", "-x-xxxxfl")},
    "party.work_add": {"POST": ("-x---xnfl", "-x-xxxxfl")},
    "party.steering_decision": {"POST": ("-xn-xx-fl", "-xxxxxxfl")},
    "party.steering_decision_autosave": {"POST": ("-xn-xx-fl", "-xxxxxxfl")},  # the same save, answered in JSON
    "party.steering_member_add": {"POST": ("-xn-xx-fl", "-xxxxxxfl")},
    "party.steering_member_delete": {"POST": ("-xn-xx-fl", "-xxxxxxfl")},
    "review.approve": {"POST": ("-f--ffffl", "-f-xxxxfl")},
    "review.return_report": {"POST": ("-f--ffffl", "-f-xxxxfl")},
    "review.reopen": {"POST": ("-f--ffffl", "-f-xxxxfl")},
    "review.bulk_approve": {"POST": ("-f--ffffl", None)},
    "reports.save": {"POST": ("-fffcfffl", "-ffxxxxfl")},  # its own sent report, no version: a stale save (409)
    "reports.upload": {"POST": ("-fffffffl", "-ffxxxxfl")},
    "reports.delete_attachment": {"POST": ("-fffffffl", "-ffxxxxfl")},
    "reports.rows": {"POST": ("-fffffffl", "-ffxxxxfl")},
    "reports.validate_fields": {"POST": ("-oooooofl", "-ooxxxxfl")},
    "party.level_report_narrative_autosave": {"POST": ("---xxx-fl", "---xxxxfl")},
    "reports.autosave": {"POST": ("-fffcfffl", "-ffxxxxfl")},  # the same save as reports.save, answered in JSON
    # Entry on behalf of units: district and federation accounts only; the take-over needs a reason (422 without)
    # and a unit in scope (G21 is another district's); G11 has its own reporter and a submitted report.
    "onbehalf.index": {"GET": ("ffooffffl", None)},
    "onbehalf.template": {"GET": ("ffooffffl", None)},
    "onbehalf.import_page": {"GET": ("ffooffffl", None)},
    "onbehalf.import_upload": {"POST": ("xxvvxxxfl", None)},
    "onbehalf.import_confirm": {"POST": ("xxvvxxxfl", None)},
    "onbehalf.take_over": {"POST": ("xxvvxxxfl", "xxvxxxxfl")},
    "calendar.index": {"GET": ("ooooooofl", None)},
    # Pilots: named by the campaign's roles anywhere in scope, by a district for its own grassroots unions (404
    # for another district's); lessons by the report's reviewer only. The addressee account has no part in them.
    "pilots.index": {"GET": ("oooofoffl", None)},
    "pilots.designate": {"POST": ("----xxxxl", "---xxxxxl")},
    "pilots.withdraw": {"POST": ("----xxxxl", "---xxxxxl")},
    "pilots.lesson": {"POST": ("-xx-xxxxl", "-xxxxxxxl")},
    "calendar.feed": {"GET": ("nnnnnnnnn", None)},  # an unknown secret; the feed tests cover real ones
    "calendar.new_feed": {"POST": ("--------l", None)},
    "calendar.revoke_feed": {"POST": ("--------l", None)},
    # Recommendations routed and answered: routers (admin, coordinator, federation, district) and the addressee
    # account (its own body's recommendations only); G21's recommendation is routed to D2's committee.
    "recs.index": {"GET": ("oooofffol", None)},
    "recs.show": {"GET": ("oooofffol", "ooonfffnl")},
    "recs.register": {"GET": ("ooooffffl", None)},
    "recs.addressee_edit": {"GET": ("ooooffffl", "ooonffffl"), "POST": ("vvffffffl", "vvfnffffl")},
    "recs.forward_xlsx": {"GET": ("oooofffol", "ooonfffnl")},
    "recs.forward_docx": {"GET": ("oooofffol", "ooonfffnl")},
    "recs.by_addressee": {"GET": ("oooofoffl", None)},
    "recs.route_many": {"POST": ("vvvvffffl", None)},
    "recs.route_one": {"POST": ("vvvvffffl", "vvvnffffl")},
    "recs.answer": {"POST": ("vvvvfffvl", "vvvnfffnl")},
    "recs.addressee_new": {"POST": ("vvffffffl", None)},
    "api.recommendations": {"GET": ("oooofffol", None)},
    "api.recommendation": {"GET": ("oooofffol", "ooonfffnl")},
    "api.answer_recommendation": {"POST": ("vvvvfffvl", "vvvnfffnl")},
    "recs.account_new": {"POST": ("vfffffffl", "vffnffffl")},
    # People (issue 19): personal data, read within the unit's scope only (404 outside it)
    "people.members": {"GET": ("ooooooofl", "ooonnnnfl")},
    "people.delegates": {"GET": ("ooooooofl", "ooonnnnfl")},
    "people.edit": {"GET": ("ooooooofl", "ooonnnnfl")},
    "people.decision_scan": {"GET": ("nnnnnnnfl", "nnnnnnnfl")},
    "people.decision": {"GET": ("ooooooofl", "ooonnnnfl")},
    "people.decision_docx": {"GET": ("nnnnnnnfl", "nnnnnnnfl")},
    "people.consolidated": {"GET": ("oooonoofl", None)},
    "people.consolidated_export": {"GET": ("oooonoofl", None)},
    "people.add": {"POST": ("ffffcffxl", "fffnnnnxl")},
    "people.update": {"POST": ("ffffcffxl", "fffnnnnxl")},
    "people.delete": {"POST": ("ffffcffxl", "fffnnnnxl")},
    "people.ballots": {"POST": ("ffffcffxl", "fffnnnnxl")},
    "people.quorum": {"POST": ("cffcfffxl", "cffnnnnxl")},
    "people.decision_record": {"POST": ("cffcfffxl", "cffnnnnxl")},
    "people.allocate": {"POST": ("-ff-fffxl", "-ffnnnnxl")},
}


def _code(resp) -> str:
    s = resp.status_code
    if s in (301, 302, 303, 307, 308):
        return "l" if "/login" in resp.headers.get("Location", "") else "o"
    if 200 <= s < 300:
        return "o"
    return {401: "l", 403: "f", 404: "n", 405: "m", 400: "b", 422: "v", 409: "c", 429: "r"}.get(s, f"<{s}>")


def _args(w, rule, role: str, scope: str) -> dict | None:
    """URL values for `rule` as seen by `role`: objects of G11/D1 (in) or of G21/D2 (out)."""
    out = scope == "out"
    ep = rule.endpoint
    user_role = role if role != "anonymous" else "admin"
    values = {}
    for arg in rule.arguments:
        if arg == "unit_id":
            if ep.startswith("party.steering"):
                values[arg] = (w.d2 if out else w.d1).id
            else:
                values[arg] = (w.g21 if out else w.g11).id
        elif arg == "parent_id":
            values[arg] = (w.d2 if out else w.d1).id
        elif arg == "campaign_id":
            values[arg] = w.campaign.id
        elif arg == "user_id":
            values[arg] = (w.rep21 if out else w.users["reporter"]).id
        elif arg == "token_id":
            values[arg] = w.token_out if out else w.token_ids[user_role]
        elif arg == "addressee_id":
            values[arg] = (w.addr_out if out else w.addr_in).id
        elif arg == "rec_id":
            values[arg] = (w.rec_out if out else w.rec_in).id
        elif arg == "notification_id":
            values[arg] = (w.note_out if out else w.notes[user_role]).id
        elif arg == "document_id":
            values[arg] = (w.doc_out if out else w.doc_in).id
        elif arg == "key":
            values[arg] = "bien-ban-dai-hoi"
        elif arg == "body_id":
            values[arg] = w.bodies["d2" if out else "d1"].id
        elif arg == "kind":
            values[arg] = "members" if ep.startswith("people.") else "works"
        elif arg == "person_id":
            values[arg] = (w.person_out if out else w.person_in).id
        elif arg == "fmt":
            values[arg] = "xlsx"
        elif arg == "entry_id":
            values[arg] = (w.work_out if out else w.work_in).id
        elif arg == "member_id":
            values[arg] = (w.member_out if out else w.member_in).id
        elif arg == "report_id":
            values[arg] = (w.report_out if out else w.report_in).id
        elif arg == "attachment_id":
            values[arg] = (w.att_out if out else w.att_in).id
        elif arg == "secret":
            values[arg] = "khong-co-dia-chi-nay"
        elif arg == "filename":
            values[arg] = "css/app.css"
        else:
            raise AssertionError(f"no value for <{arg}> of {rule.rule}: teach _args about it")
    return values


def _fingerprint(db) -> dict:
    """Every row of every table (except the audit of logins and the rate-limit bookkeeping)."""
    db.expire_all()
    meta = MetaData()
    meta.reflect(bind=db.get_bind())
    rows = {}
    for name, table in sorted(meta.tables.items()):
        if name in ("alembic_version",):
            continue
        cols = [c for c in table.columns if c.name not in ("last_login_at", "last_seen_at", "last_used_at")]
        rows[name] = sorted(map(repr, db.execute(select(*cols)).all()))
    return rows


@pytest.fixture
def matrix_world(app, db, factory, today):
    import datetime as dt

    today(dt.date(2023, 4, 15))
    w = world_mod.build(db, factory, app.config["UPLOAD_FOLDER"])
    clients = {}
    for role, user in w.users.items():
        c = app.test_client()
        assert login(c, user.username).status_code == 302
        html = c.get("/account/password").get_data(as_text=True)
        m = CSRF_RE.search(html)
        c.csrf = m.group(1) or m.group(2)
        clients[role] = c
    anon = app.test_client()
    m = CSRF_RE.search(anon.get("/login").get_data(as_text=True))
    anon.csrf = m.group(1) or m.group(2)
    clients["anonymous"] = anon
    w.clients = clients
    return w


def _request(w, role, method, url, api: bool):
    c = w.clients[role]
    headers = {}
    if api and role != "anonymous":
        headers["Authorization"] = f"Bearer {w.tokens[role]}"
    if method == "GET":
        return c.get(url, headers=headers)
    if api:
        return c.open(url, method=method, headers=headers, json={"version": 1})
    headers["X-CSRFToken"] = c.csrf
    return c.open(url, method=method, headers=headers, data={"csrf_token": c.csrf})


def _run(app, w, rules, *, writes: bool, generate: bool):
    """Probes the cells of MATRIX; returns (failures, missing routes, observed rows for `generate`)."""
    from flask import url_for

    failures, missing, observed = [], [], {}
    for rule in rules:
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method != "GET") != writes:
                continue
            expected = MATRIX.get(rule.endpoint, {}).get(method)
            if expected is None:
                missing.append(f"{rule.endpoint} {method} {rule.rule}")
                continue
            row = []
            for scope, want_row in zip(("in", "out"), expected):
                if want_row is None:
                    row.append(None)
                    continue
                cells = ""
                for role, want in zip(ROLES, want_row):
                    if want == "-":
                        cells += "-"
                        continue
                    values = _args(w, rule, role, scope)
                    with app.test_request_context():
                        url = url_for(rule.endpoint, **values)
                    got = _code(_request(w, role, method, url, api))
                    cells += got if want == "?" else want
                    ok = got in "fn" if want == "x" else (generate if want == "?" else got == want)
                    if not ok:
                        failures.append(f"{method} {url} as {role} ({scope} scope): expected {want}, got {got}")
                row.append(cells)
            observed[(rule.endpoint, method)] = tuple(row)
    return failures, missing, observed


def test_every_route_x_role_x_scope(app, db, matrix_world):
    w = matrix_world
    generate = os.environ.get("DAIHOI_MATRIX_GENERATE")
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    stale = sorted(set(MATRIX) - {r.endpoint for r in rules})
    failures, missing, observed = _run(app, w, rules, writes=False, generate=bool(generate))
    before = _fingerprint(db)
    f2, m2, o2 = _run(app, w, rules, writes=True, generate=bool(generate))
    after = _fingerprint(db)
    if generate:
        with open(generate, "w", encoding="utf-8") as fh:
            for (ep, method), row in {**observed, **o2}.items():
                fh.write(f"{ep} {method} {' '.join(c for c in row if c)}\n")
    assert not missing + m2, "routes without an access-matrix entry (add them to MATRIX):\n" + "\n".join(missing + m2)
    assert not stale, f"MATRIX lists endpoints that no longer exist: {stale}"
    assert not failures + f2, "\n".join(failures + f2)
    changed = [name for name in before if before[name] != after.get(name)]
    assert changed == [], f"refused writes changed tables: {changed}"
