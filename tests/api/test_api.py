"""The JSON API v1: tokens, every read endpoint, the workflow, errors and scope."""
from __future__ import annotations

import datetime as dt

from shared import clock, workflow
from shared.reports import get_or_create_report
from shared.units import create_unit
from tests.report_data import complete_results


def make_report(world, unit, user, status="draft", held=None, reviewer=None, complete=False):
    """A report of `unit` brought to `status` through the real workflow, committed."""
    s = world.session
    report = get_or_create_report(s, world.campaign, unit, user)
    if held is not None:
        report.held_date = report.planned_date = held
    if complete or status != "draft":  # submitting runs the full check
        complete_results(report, held or dt.date(2023, 4, 1))
    s.flush()
    if status in ("submitted", "approved", "returned"):
        workflow.submit(s, report, user)
    if status == "approved":
        workflow.approve(s, report, reviewer)
    if status == "returned":
        workflow.return_report(s, report, reviewer, "Thiếu biên bản")
    s.commit()
    return report


# ---- tokens ------------------------------------------------------------------------------


def test_a_user_gets_a_token_with_username_and_password_and_uses_it(world, api, client):
    resp = client.post("/api/v1/tokens", json={"username": "dieuphoi", "password": "matkhau123"})
    assert resp.status_code == 201
    assert len(resp.json["token"]) >= 40
    expires = dt.datetime.fromisoformat(resp.json["expires_at"])
    assert (expires.date() - dt.date(2023, 4, 15)).days == 30
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {resp.json['token']}"})
    assert me.status_code == 200 and me.json["username"] == "dieuphoi" and me.json["unit"]["code"] == "P"


def test_the_token_is_stored_only_as_a_digest(world, api):
    from sqlalchemy import select

    from shared.models import ApiToken

    secret = api.token(world.coordinator)
    stored = world.session.scalars(select(ApiToken.token_hash)).all()
    assert secret not in stored and len(stored[0]) == 64


def test_wrong_credentials_get_a_json_401(world, client):
    resp = client.post("/api/v1/tokens", json={"username": "dieuphoi", "password": "sai-mat-khau"})
    assert resp.status_code == 401
    assert resp.json["error"]["code"] == "invalid_credentials"
    assert "mật khẩu" in resp.json["error"]["message"]


def test_missing_credentials_are_422_and_non_json_is_400(world, client):
    resp = client.post("/api/v1/tokens", json={"username": "dieuphoi"})
    assert resp.status_code == 422 and set(resp.json["error"]["fields"]) == {"password"}
    resp = client.post("/api/v1/tokens", data="không phải json", content_type="application/json")
    assert resp.status_code == 400 and resp.json["error"]["code"] == "bad_request"


def test_requests_without_a_valid_bearer_token_are_401(world, client):
    assert client.get("/api/v1/campaigns").status_code == 401
    resp = client.get("/api/v1/campaigns", headers={"Authorization": "Bearer khong-co-that"})
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert resp.json["error"]["code"] == "unauthorized"


def test_a_portal_session_cookie_does_not_open_the_api(world, client, login_as):
    login_as(world.coordinator)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/campaigns").status_code == 401


def test_a_token_expires_after_the_configured_days(world, api, app, today):
    app.config["API_TOKEN_DAYS"] = 2
    api.token(world.coordinator)
    assert api.get("/campaigns", world.coordinator).status_code == 200
    today(dt.date(2023, 4, 18))
    assert api.get("/campaigns", world.coordinator).status_code == 401


def test_a_user_revokes_its_own_token(world, api):
    tokens = api.get("/tokens", world.coordinator).json["items"]
    assert len(tokens) == 1 and tokens[0]["current"] is True
    assert api.delete(f"/tokens/{tokens[0]['id']}", world.coordinator).status_code == 204
    assert api.get("/campaigns", world.coordinator).status_code == 401


def test_an_admin_revokes_another_users_token_but_a_district_user_cannot(world, api):
    token_id = api.get("/tokens", world.reporter11).json["items"][0]["id"]
    assert api.delete(f"/tokens/{token_id}", world.district1).status_code == 404
    assert api.get("/me", world.reporter11).status_code == 200
    assert api.delete(f"/tokens/{token_id}", world.admin).status_code == 204
    assert api.get("/me", world.reporter11).status_code == 401


def test_a_password_change_or_forced_logout_kills_the_token(world, api):
    api.token(world.coordinator)
    world.coordinator.session_version += 1
    world.session.commit()
    assert api.get("/campaigns", world.coordinator).status_code == 401


def test_an_inactive_user_cannot_get_or_use_a_token(world, api, client):
    api.token(world.coordinator)
    world.coordinator.active = False
    world.session.commit()
    assert api.get("/campaigns", world.coordinator).status_code == 401
    resp = client.post("/api/v1/tokens", json={"username": "dieuphoi", "password": "matkhau123"})
    assert resp.status_code == 401


# ---- reading -----------------------------------------------------------------------------


def test_campaigns_are_listed_with_their_deadlines(world, api):
    items = api.get("/campaigns", world.reporter11).json["items"]
    assert [c["id"] for c in items] == [world.campaign.id]
    assert items[0]["deadlines"] == {"grassroots": "2023-05-31", "district": "2023-07-31", "province": "2023-10-31"}


def test_progress_counts_the_users_subtree_per_level(world, api):
    make_report(world, world.g11, world.reporter11, "approved", held=dt.date(2023, 3, 1), reviewer=world.district1)
    make_report(world, world.g21, None, "draft")
    data = api.get("/progress", world.coordinator).json
    grassroots = data["levels"]["grassroots"]
    assert (grassroots["expected"], grassroots["held"], grassroots["approved"], grassroots["draft"]) == (3, 1, 1, 1)
    assert grassroots["days_left"] == 46 and grassroots["deadline"] == "2023-05-31"
    assert data["levels"]["district"]["expected"] == 2
    assert data["total"]["expected"] == 6
    district = api.get("/progress", world.district2).json
    assert district["unit"]["code"] == "D2" and district["levels"]["grassroots"]["expected"] == 1
    assert district["levels"]["grassroots"]["held"] == 0


def test_progress_as_of_a_past_date_replays_history(world, api, today):
    make_report(world, world.g11, world.reporter11, "submitted", held=dt.date(2023, 4, 10))
    today(dt.date(2023, 4, 20))
    s = world.session
    from sqlalchemy import select

    from shared.models import CongressReport

    report = s.scalar(select(CongressReport))
    workflow.approve(s, report, world.district1)
    s.commit()
    now = api.get("/progress?as_of=2023-04-20", world.coordinator).json["levels"]["grassroots"]
    before = api.get("/progress?as_of=2023-04-15", world.coordinator).json["levels"]["grassroots"]
    earlier = api.get("/progress?as_of=2023-04-01", world.coordinator).json["levels"]["grassroots"]
    assert (now["approved"], now["submitted"]) == (1, 0)
    assert (before["approved"], before["submitted"]) == (0, 1)
    assert earlier["held"] == 0 and before["held"] == 1


def test_progress_rejects_bad_dates_and_unknown_campaigns_and_reads_the_future_as_today(world, api):
    resp = api.get("/progress?as_of=15/04/2023", world.coordinator)
    assert resp.status_code == 400 and "as_of" in resp.json["error"]["fields"]
    assert api.get("/progress?as_of=2023-04-16", world.coordinator).json["as_of"] == "2023-04-15"
    assert api.get("/progress?campaign=999", world.coordinator).status_code == 404
    assert api.get("/progress?campaign=abc", world.coordinator).status_code == 400


def test_progress_of_a_unit_outside_the_subtree_is_404(world, api):
    assert api.get(f"/progress?unit={world.g11.id}", world.district1).status_code == 200
    resp = api.get(f"/progress?unit={world.g21.id}", world.district1)
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"
    assert api.get(f"/progress?unit={world.province.id}", world.district1).status_code == 404


def test_progress_by_unit_gives_each_child_its_subtree(world, api):
    make_report(world, world.g12, world.reporter12, "submitted", held=dt.date(2023, 4, 1))
    data = api.get("/progress/by-unit", world.coordinator).json
    by_code = {row["unit"]["code"]: row for row in data["items"]}
    assert set(by_code) == {"D1", "D2"}
    assert by_code["D1"]["levels"]["grassroots"]["held"] == 1
    assert by_code["D1"]["total"]["expected"] == 3
    assert by_code["D2"]["levels"]["grassroots"]["held"] == 0
    children = api.get(f"/progress/by-unit?parent={world.d1.id}", world.district1).json["items"]
    assert sorted(r["unit"]["code"] for r in children) == ["G11", "G12"]
    assert api.get(f"/progress/by-unit?parent={world.d2.id}", world.district1).status_code == 404


def test_progress_by_unit_pages_its_children_in_the_order_asked(world, api):
    make_report(world, world.g11, world.reporter11, "submitted", held=dt.date(2023, 4, 1))

    def walk(sort: str) -> list[str]:
        codes, cursor = [], None
        while True:
            url = f"/progress/by-unit?parent={world.d1.id}&limit=1&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
            page = api.get(url, world.district1).json
            assert page["count"] == 2 and len(page["items"]) == 1
            codes.append(page["items"][0]["unit"]["code"])
            cursor = page["next_cursor"]
            if cursor is None:
                return codes

    assert walk("name") == ["G12", "G11"]  # Công ty ... Đông Hồ before Trường ... Vĩnh Lạc
    assert walk("held_pct") == ["G11", "G12"]  # 1/1 held first
    assert walk("overdue") == ["G12", "G11"]  # none overdue yet: by name
    whole = api.get(f"/progress/by-unit?parent={world.d1.id}", world.district1).json
    assert [r["unit"]["code"] for r in whole["items"]] == ["G12", "G11"] and whole["next_cursor"] is None


def test_progress_by_unit_refuses_a_bad_sort_limit_or_cursor(world, api):
    for query in ("sort=size", "limit=0", "limit=201", "cursor=%%%", "cursor=WzFd",  # [1]
                  "sort=overdue&cursor=WyJ4IiwgMV0"):  # ["x", 1]: the wrong arity for this order
        resp = api.get(f"/progress/by-unit?{query}", world.coordinator)
        assert resp.status_code == 400, query
    # The right arity with values of the wrong types ([name, id] where numbers come first).
    resp = api.get("/progress/by-unit?sort=held_pct&cursor=WyJ4IiwgIngiLCAieCJd", world.coordinator)  # ["x","x","x"]
    assert resp.status_code == 400 and "cursor" in resp.json["error"]["fields"]


def test_units_search_ignores_diacritics_and_stays_in_scope(world, api):
    items = api.get("/units?q=dong ho", world.coordinator).json["items"]
    assert [u["code"] for u in items] == ["G12"]
    assert api.get("/units?q=ĐÔNG HỒ", world.coordinator).json["items"][0]["code"] == "G12"
    assert api.get("/units?q=ngoc chuc", world.district1).json["items"] == []
    codes = {u["code"] for u in api.get("/units", world.district1).json["items"]}
    assert codes == {"D1", "G11", "G12"}


def test_units_filter_by_level_parent_sector_and_report_status(world, api):
    make_report(world, world.g11, world.reporter11, "submitted")
    get = lambda q: {u["code"] for u in api.get(f"/units?{q}", world.coordinator).json["items"]}  # noqa: E731
    assert get("level=district") == {"D1", "D2"}
    assert get(f"parent={world.d1.id}") == {"G11", "G12"}
    assert get("sector=non_state") == {"G12"}
    assert get("status=submitted") == {"G11"}
    assert get("level=grassroots&status=none") == {"G12", "G21"}
    assert api.get("/units?level=xa", world.coordinator).status_code == 400
    assert api.get(f"/units?parent={world.d2.id}", world.district1).status_code == 404


def test_units_pages_have_no_duplicates_or_gaps(world, api):
    s = world.session
    for i in range(23):
        # Same names on purpose: the id breaks ties in the keyset.
        create_unit(s, code=f"X{i:03d}", name=f"Công đoàn cơ sở Trường {i % 4}", level="grassroots", parent=world.d2)
    s.commit()
    everything = [u["id"] for u in api.get("/units?limit=200", world.coordinator).json["items"]]
    assert len(everything) == 29
    seen, cursor, pages = [], None, 0
    while True:
        url = "/units?limit=7" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(url, world.coordinator).json
        seen += [u["id"] for u in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(set(seen)) == len(seen) and pages == 5


def test_a_bad_cursor_or_limit_is_400(world, api):
    assert api.get("/units?cursor=%%%", world.coordinator).status_code == 400
    assert api.get("/units?cursor=WzFd", world.coordinator).status_code == 400  # [1]
    assert api.get("/units?limit=0", world.coordinator).status_code == 400
    assert api.get("/reports?cursor=WyJ4IiwgMV0", world.coordinator).status_code == 400  # ["x", 1]


def test_a_unit_is_shown_in_scope_and_404_outside(world, api):
    data = api.get(f"/units/{world.g12.id}", world.district1).json
    assert data["name"] == "Công đoàn cơ sở Công ty TNHH Thủy sản Đông Hồ" and data["report_status"] is None
    assert api.get(f"/units/{world.g21.id}", world.district1).status_code == 404
    assert api.get(f"/units/{world.g12.id}", world.reporter11).status_code == 404
    assert api.get("/units/999999", world.coordinator).status_code == 404


def test_the_feed_lists_submissions_and_reviews_newest_first_in_scope(world, api, today):
    make_report(world, world.g11, world.reporter11, "submitted")
    today(dt.date(2023, 4, 16))
    make_report(world, world.g12, world.reporter12, "returned", reviewer=world.district1)
    today(dt.date(2023, 4, 17))
    make_report(world, world.g21, None, "draft")
    items = api.get("/reports", world.coordinator).json["items"]
    assert [(i["unit"]["code"], i["to_status"]) for i in items] == [
        ("G12", "returned"), ("G12", "submitted"), ("G11", "submitted")
    ]
    assert items[0]["reason"] == "Thiếu biên bản" and items[0]["by"] == "Người dùng district"
    assert [i["unit"]["code"] for i in api.get("/reports?status=returned", world.coordinator).json["items"]] == ["G12"]
    assert len(api.get("/reports?since=2023-04-16T00:00:00", world.coordinator).json["items"]) == 2
    assert api.get("/reports", world.district2).json["items"] == []
    first = api.get("/reports?limit=2", world.coordinator).json
    rest = api.get(f"/reports?limit=2&cursor={first['next_cursor']}", world.coordinator).json
    assert [i["id"] for i in first["items"] + rest["items"]] == [i["id"] for i in items]
    assert rest["next_cursor"] is None


def test_a_units_report_is_readable_in_scope_with_its_version(world, api):
    assert api.get(f"/units/{world.g11.id}/report", world.district1).status_code == 404
    make_report(world, world.g11, world.reporter11, "submitted", held=dt.date(2023, 4, 2))
    resp = api.get(f"/units/{world.g11.id}/report", world.district1)
    assert resp.status_code == 200
    assert resp.json["status"] == "submitted" and resp.json["held_date"] == "2023-04-02"
    assert resp.headers["ETag"] == f'"{resp.json["version"]}"'
    assert api.get(f"/units/{world.g11.id}/report", world.district2).status_code == 404
    assert api.get(f"/units/{world.g11.id}/report", world.reporter12).status_code == 404


# ---- workflow ----------------------------------------------------------------------------


def test_a_reporter_submits_and_its_district_approves(world, api):
    make_report(world, world.g11, world.reporter11, "draft", complete=True)
    resp = api.post(f"/units/{world.g11.id}/report/submit", world.reporter11, json={})
    assert resp.status_code == 200 and resp.json["status"] == "submitted"
    version = resp.json["version"]
    resp = api.post(f"/units/{world.g11.id}/report/approve", world.district1, json={"version": version})
    assert resp.status_code == 200 and resp.json["status"] == "approved"
    world.session.expire_all()
    from shared.models import CongressReport

    assert world.session.get(CongressReport, resp.json["id"]).status == "approved"


def test_another_district_gets_404_and_a_non_reviewer_403(world, api):
    make_report(world, world.g11, world.reporter11, "submitted")
    resp = api.post(f"/units/{world.g11.id}/report/approve", world.district2, json={})
    assert resp.status_code == 404
    resp = api.post(f"/units/{world.g11.id}/report/approve", world.federation, json={})
    assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"
    resp = api.post(f"/units/{world.g11.id}/report/approve", world.coordinator)
    assert resp.status_code == 403


def test_returning_needs_a_reason_and_a_stale_version_is_409(world, api):
    report = make_report(world, world.g11, world.reporter11, "submitted")
    resp = api.post(f"/units/{world.g11.id}/report/return", world.district1, json={"reason": "  "})
    assert resp.status_code == 422 and "reason" in resp.json["error"]["fields"]
    resp = api.post(
        f"/units/{world.g11.id}/report/return", world.district1,
        json={"reason": "Thiếu số liệu"}, headers={"If-Match": f'"{report.version - 1}"'},
    )
    assert resp.status_code == 409
    assert resp.json["error"]["code"] == "conflict" and resp.json["error"]["current_version"] == report.version
    resp = api.post(f"/units/{world.g11.id}/report/return", world.district1, json={"reason": "Thiếu số liệu"})
    assert resp.status_code == 200 and resp.json["return_reason"] == "Thiếu số liệu"


def test_an_invalid_transition_is_409_and_reopen_sends_an_approved_report_back(world, api):
    make_report(world, world.g11, world.reporter11, "draft")
    resp = api.post(f"/units/{world.g11.id}/report/approve", world.district1, json={})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "invalid_transition"
    make_report(world, world.g12, world.reporter12, "approved", reviewer=world.district1)
    resp = api.post(f"/units/{world.g12.id}/report/reopen", world.district1, json={"reason": "Sai ngày đại hội"})
    assert resp.status_code == 200 and resp.json["status"] == "returned"


def test_submitting_an_incomplete_report_is_422_with_the_missing_fields(world, api):
    make_report(world, world.g11, world.reporter11, "draft")
    resp = api.post(f"/units/{world.g11.id}/report/submit", world.reporter11, json={})
    assert resp.status_code == 422 and "held_date" in resp.json["error"]["fields"]


def test_a_transition_body_that_is_not_an_object_is_400(world, api):
    make_report(world, world.g11, world.reporter11, "draft")
    resp = api.post(f"/units/{world.g11.id}/report/submit", world.reporter11, json=[1, 2])
    assert resp.status_code == 400
    resp = api.post(f"/units/{world.g11.id}/report/submit", world.reporter11, json={"version": "abc"})
    assert resp.status_code == 400 and "version" in resp.json["error"]["fields"]


def test_openapi_describes_every_route_of_the_blueprint(world, app, client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_unknown_paths_and_methods_under_the_api_answer_json(world, client):
    resp = client.get("/api/v1/units/-5")
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"
    resp = client.post("/api/v1/campaigns")
    assert resp.status_code == 405 and "GET" in resp.headers["Allow"] and resp.is_json
    assert client.get("/khong-co").content_type.startswith("text/html")


def test_an_unknown_query_parameter_is_400_rather_than_ignored(world, api):
    resp = api.get("/progress?asof=2023-04-01", world.coordinator)
    assert resp.status_code == 400 and set(resp.json["error"]["fields"]) == {"asof"}


def test_an_id_beyond_the_integer_range_is_404(world, api):
    assert api.get(f"/units/{2**70}", world.coordinator).status_code == 404
    assert api.post(f"/units/{2**63}/report/submit", world.coordinator, json={}).status_code == 404


# ---- saving a draft (PUT) ----------------------------------------------------------------


def test_a_reporter_saves_a_first_draft_then_updates_it_with_its_version(world, api):
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11,
                   json={"planned_date": "2023-04-20", "form": "toan_the", "members_total": 40})
    assert resp.status_code == 200, resp.json
    first = resp.json
    assert (first["status"], first["planned_date"], first["members_total"]) == ("draft", "2023-04-20", 40)
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11,
                   json={"notes": "Đã họp trù bị", "version": first["version"]})
    assert resp.status_code == 200
    assert resp.json["notes"] == "Đã họp trù bị" and resp.json["members_total"] == 40
    assert resp.json["version"] > first["version"] and resp.headers["ETag"] == f'"{resp.json["version"]}"'
    assert isinstance(resp.json["warnings"], list)


def test_a_stale_put_is_409_with_the_current_version(world, api):
    v1 = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 40}).json["version"]
    v2 = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 41, "version": v1}).json["version"]
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 42},
                   headers={"If-Match": f'"{v1}"'})
    assert resp.status_code == 409
    assert resp.json["error"]["current_version"] == v2 and resp.json["error"]["current"]["members_total"] == 41
    assert api.get(f"/units/{world.g11.id}/report", world.district1).json["members_total"] == 41


def test_a_put_without_version_on_an_existing_report_is_a_conflict_with_the_current_one(world, api):
    """No version: the client saw no report (as a form opened before the first save). One exists: 409."""
    v = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 40}).json["version"]
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 41})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "conflict"
    assert resp.json["error"]["current_version"] == v and resp.json["error"]["current"]["members_total"] == 40


def test_a_draft_with_contradictions_is_saved_and_the_answer_says_what_blocks_sending(world, api):
    v = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 40}).json["version"]
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11,
                   json={"version": v, "executive_size": 5, "executive_women": 9, "members_total": 50})
    assert resp.status_code == 200, resp.json
    assert (resp.json["executive_women"], resp.json["members_total"]) == (9, 50)
    assert "Không được lớn hơn" in resp.json["errors"]["executive_women"] and isinstance(resp.json["warnings"], list)
    sent = api.post(f"/units/{world.g11.id}/report/submit", world.reporter11, json={"version": resp.json["version"]})
    assert sent.status_code == 422 and "executive_women" in sent.json["error"]["fields"]  # the full check


def test_input_that_cannot_be_stored_is_422_with_the_fields_and_nothing_is_saved(world, api):
    v = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 40}).json["version"]
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11,
                   json={"version": v, "members_total": 50, "summoned": "bốn mươi", "form": "hop_mat"})
    assert resp.status_code == 422 and set(resp.json["error"]["fields"]) == {"summoned", "form"}
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"version": v, "khong_co": 1})
    assert resp.status_code == 422 and set(resp.json["error"]["fields"]) == {"khong_co"}
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"version": v, "officers": 3})
    assert resp.status_code == 422 and set(resp.json["error"]["fields"]) == {"officers"}
    assert api.get(f"/units/{world.g11.id}/report", world.reporter11).json["members_total"] == 40


def test_officers_are_saved_from_a_json_list(world, api):
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={
        "officers": [{"role": "chair", "full_name": "Nguyễn Thị Hoa", "gender": "female", "vote_pct": 92.5}],
    })
    assert resp.status_code == 200, resp.json
    officer = resp.json["officers"][0]
    assert officer == {"id": officer["id"], "role": "chair", "full_name": "Nguyễn Thị Hoa", "gender": "female", "vote_pct": 92.5}


def test_only_the_units_own_officer_may_save_and_other_units_are_404(world, api):
    assert api.put(f"/units/{world.g11.id}/report", world.reporter12, json={"members_total": 1}).status_code == 404
    assert api.put(f"/units/{world.g21.id}/report", world.district1, json={"members_total": 1}).status_code == 404
    resp = api.put(f"/units/{world.g11.id}/report", world.district1, json={"members_total": 1})
    assert resp.status_code == 403
    v = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"members_total": 40}).json["version"]
    resp = api.put(f"/units/{world.g11.id}/report", world.district1, json={"members_total": 1, "version": v})
    assert resp.status_code == 403
    from sqlalchemy import func, select

    from shared.models import CongressReport

    assert world.session.scalar(select(func.count(CongressReport.id))) == 1


def test_a_submitted_report_cannot_be_saved_and_a_closed_campaign_is_read_only(world, api):
    make_report(world, world.g11, world.reporter11, "submitted")
    v = api.get(f"/units/{world.g11.id}/report", world.reporter11).json["version"]
    assert api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"version": v, "notes": "x"}).status_code == 403
    world.campaign.closed = True
    world.session.commit()
    assert api.put(f"/units/{world.g12.id}/report", world.reporter12, json={"notes": "x"}).status_code == 403


def test_a_closed_campaigns_draft_cannot_be_saved_or_sent(world, api):
    v = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"notes": "trước khi đóng"}).json["version"]
    world.campaign.closed = True
    world.session.commit()
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"version": v, "notes": "sau khi đóng"})
    assert resp.status_code == 403 and "Đợt đại hội đã kết thúc" in resp.json["error"]["message"]
    assert api.post(f"/units/{world.g11.id}/report/submit", world.reporter11, json={"version": v}).status_code == 403
    report = api.get(f"/units/{world.g11.id}/report", world.reporter11).json
    assert (report["notes"], report["version"], report["status"]) == ("trước khi đóng", v, "draft")


def test_a_concurrent_first_save_is_a_409_with_the_report_the_other_request_made(world, api, monkeypatch):
    import shared.reports as reports
    from shared.db import make_session_factory

    original = reports.get_report

    def look_then_lose_the_race(session, campaign, unit):
        monkeypatch.setattr(reports, "get_report", original)
        other = make_session_factory(world.session.get_bind())()
        reports.create_report(other, other.merge(campaign), other.merge(unit), other.merge(world.reporter11)).notes = "máy kia"
        other.commit()
        other.close()
        return None  # what this request saw a moment before the other's insert

    monkeypatch.setattr(reports, "get_report", look_then_lose_the_race)
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"notes": "máy này"})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "conflict"
    assert resp.json["error"]["current"]["notes"] == "máy kia"
    assert api.get(f"/units/{world.g11.id}/report", world.reporter11).json["notes"] == "máy kia"


# ---- rows keep their identity ----------------------------------------------------------------------


def _two_recommendations(world, api):
    from shared import dashboard
    from shared.models import Recommendation

    saved = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"recommendations": [
        {"topic": "housing", "text": "Nhà ở xã hội"}, {"topic": "income", "text": "Tăng lương tối thiểu"}]}).json
    first, second = saved["recommendations"]
    s = world.session
    rec = s.get(Recommendation, second["id"])
    dashboard.update_recommendation(s, rec, world.coordinator, status="in_progress",
                                    resolution_note="Đang làm việc với Sở Lao động.", expected_version=rec.version)
    s.commit()
    return saved["version"], first, second


def test_deleting_the_first_of_two_recommendations_keeps_the_seconds_id_status_and_history(world, api):
    from sqlalchemy import select

    from shared.models import AuditLog

    version, first, second = _two_recommendations(world, api)
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"version": version, "recommendations": [
        {"id": second["id"], "topic": "income", "text": "Tăng lương tối thiểu"}]})
    assert resp.status_code == 200, resp.json
    (kept,) = resp.json["recommendations"]
    assert (kept["id"], kept["status"], kept["resolution_note"]) == (
        second["id"], "in_progress", "Đang làm việc với Sở Lao động.")
    history = world.session.scalars(select(AuditLog.action).where(
        AuditLog.object_type == "recommendation", AuditLog.object_id == second["id"])).all()
    assert history == ["recommendation.update"]


def test_the_unit_cannot_send_the_follow_up_fields_and_its_resave_keeps_them(world, api):
    version, first, second = _two_recommendations(world, api)
    path = f"/units/{world.g11.id}/report"
    resp = api.put(path, world.reporter11, json={"version": version, "recommendations": [
        first, {**second, "status": "open", "resolution_note": ""}]})
    assert resp.status_code == 422
    assert set(resp.json["error"]["fields"]) >= {"recommendations-1-status", "recommendations-1-resolution_note"}
    rows = [{k: r[k] for k in ("id", "topic", "text", "addressed_to")} for r in (first, second)]
    rows[1]["text"] = "Tăng lương tối thiểu vùng"
    resp = api.put(path, world.reporter11, json={"version": version, "recommendations": rows})
    assert resp.status_code == 200, resp.json
    kept = resp.json["recommendations"][1]
    assert (kept["text"], kept["status"], kept["resolution_note"]) == (
        "Tăng lương tối thiểu vùng", "in_progress", "Đang làm việc với Sở Lao động.")


def test_a_row_id_of_another_units_report_is_refused(world, api):
    theirs = api.put(f"/units/{world.g12.id}/report", world.reporter12, json={"recommendations": [
        {"topic": "jobs", "text": "Của đơn vị khác"}]}).json["recommendations"][0]
    resp = api.put(f"/units/{world.g11.id}/report", world.reporter11, json={"recommendations": [
        {"id": theirs["id"], "topic": "jobs", "text": "Chiếm dòng"}]})
    assert resp.status_code == 422 and "recommendations-0-id" in resp.json["error"]["fields"]
    assert api.get(f"/units/{world.g12.id}/report", world.reporter12).json["recommendations"][0]["text"] == "Của đơn vị khác"


def test_guessing_passwords_for_a_token_is_rate_limited_with_a_json_429(world, client):
    for _ in range(5):
        resp = client.post("/api/v1/tokens", json={"username": "dieuphoi", "password": "doan-mo"})
        assert resp.status_code == 401
    resp = client.post("/api/v1/tokens", json={"username": "dieuphoi", "password": "matkhau123"})
    assert resp.status_code == 429 and resp.json["error"]["code"] == "too_many_requests"


def test_a_nul_byte_in_a_query_is_a_json_400(world, api):
    resp = api.get("/units?q=a%00b", world.coordinator)
    assert resp.status_code == 400 and resp.json["error"]["code"] == "bad_request"


def test_a_nul_byte_in_a_json_body_is_400_before_it_reaches_the_database(world, client):
    resp = client.post("/api/v1/tokens", json={"username": "dieu\x00phoi", "password": "x"})
    assert resp.status_code == 400 and resp.is_json


def test_a_first_save_and_its_send_store_each_version_as_it_stood_in_few_statements(world, api, app):
    """The bench's request pair: one PUT with every field, officers and recommendations, then the send.
    Each version row holds the report as it then stood; the statements per request are counted, so that a
    lookup or lazy load added back to this path (the national submit throughput) fails here."""
    from sqlalchemy import event, select

    from shared.models import CongressReport, ReportVersion
    from shared.reports import snapshot
    from tests.review.conftest import complete_values

    body = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in complete_values(world.g11, world.campaign).items()}
    body["officers"] = [{"role": "chair", "full_name": "Nguyễn Thị Lan", "gender": "female", "vote_pct": 92.5}]
    body["recommendations"] = [{"topic": "jobs", "text": "Giữ việc làm cho công nhân", "addressed_to": "Sở LĐTBXH"}]
    world.district1.email = "rachgia@example.vn"  # its reviewer is notified in the portal and by mail
    world.session.commit()
    path = f"/units/{world.g11.id}/report"
    assert api.get("/me", world.reporter11).status_code == 200  # a token's first use stamps it (not counted)
    statements: list[str] = []
    engine = app.extensions["daihoi.engine"]
    listen = lambda *a: statements.append(a[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        saved = api.put(path, world.reporter11, json=body)
        assert saved.status_code == 200, saved.json
        at_save = len(statements)
        sent = api.post(f"{path}/submit", world.reporter11, json={"version": saved.json["version"]})
        assert sent.status_code == 200, sent.json
        at_send = len(statements) - at_save
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    # The first save inserts the report with what was typed: its first version (no empty row updated after).
    assert (saved.json["version"], sent.json["version"]) == (1, 2)
    # token, campaign, report lookup, INSERT of the report, officers, recommendations, status,
    # version, audit; at commit the data-version upsert (which reads the bucket's path itself)
    assert at_save <= 10, "\n".join(s[:70] for s in statements[:at_save])
    # token, campaign, report, officers, recommendations, elected members and delegates (issue 19: the
    # version's snapshot holds them), UPDATE, reviewers, status, version, audit, notification, mail; commit as above
    assert at_send <= 15, "\n".join(s[:70] for s in statements[at_save:])

    s = world.session
    s.expire_all()
    report = s.scalar(select(CongressReport).where(CongressReport.unit_id == world.g11.id))
    versions = dict(s.execute(select(ReportVersion.version, ReportVersion.data).where(ReportVersion.report_id == report.id)).all())
    assert sorted(versions) == [1, 2] and versions[2] == snapshot(report)
    assert versions[1] == {**snapshot(report), "status": "draft"}
    assert versions[2]["officers"][0]["full_name"] == "Nguyễn Thị Lan" and versions[2]["recommendations"][0]["topic"] == "jobs"
