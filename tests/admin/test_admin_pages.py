"""Administration pages: units, accounts, campaigns, audit log, import upload; scope and roles."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from shared.models import AuditLog, Campaign, Unit, User
from shared.progress import progress_by_level
from tests.admin.helpers import csv_bytes
from tests.conftest import PASSWORD, csrf_token, login


@pytest.fixture
def t(factory):
    tree = factory.tree()
    factory.campaign()
    return tree


def _post(client, url, data, page=None):
    data = {**data, "csrf_token": csrf_token(client, page or url)}
    return client.post(url, data=data)


def _audit(db, action):
    db.expire_all()
    return list(db.scalars(select(AuditLog).where(AuditLog.action == action)))


# ---- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, unit", [("coordinator", "province"), ("district", "d1"), ("reporter", "g11"), ("observer", "d1")])
def test_only_admin_and_federation_reach_administration(client, factory, login_as, t, role, unit):
    login_as(factory.user(role, getattr(t, unit)))
    for url in ("/admin/", "/admin/units", "/admin/users", "/admin/audit", "/admin/units/import"):
        assert client.get(url).status_code == 403, url
    assert "Quản trị" not in client.get("/").get_data(as_text=True)


def test_federation_sees_admin_pages_but_not_campaigns(client, factory, login_as, t):
    login_as(factory.user("federation", t.province))
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
    assert client.get("/admin/units").status_code == 200
    assert client.get("/admin/campaigns").status_code == 403


# ---- units -----------------------------------------------------------------------------------


def test_units_tree_and_diacritic_insensitive_search(client, factory, login_as, t):
    login_as(factory.user("federation", t.province))
    html = client.get("/admin/units").get_data(as_text=True)
    assert t.d1.name in html and t.d2.name in html and "2 trực thuộc" in html
    html = client.get(f"/admin/units/{t.d1.id}/children").get_data(as_text=True)
    assert t.g11.name in html and t.g21.name not in html
    html = client.get("/admin/units?q=vinh lac").get_data(as_text=True)
    assert t.g11.name in html and t.g12.name not in html


def test_district_scoped_manager_gets_404_outside_its_subtree(client, factory, login_as, t, db):
    # An admin account scoped to a district (the tree allows it): everything outside is invisible.
    login_as(factory.user("admin", t.d1))
    for url in (f"/admin/units/{t.g21.id}/edit", f"/admin/units/{t.d2.id}/new", f"/admin/units/{t.g21.id}/move",
                f"/admin/units/{t.d2.id}/children", f"/admin/units?unit={t.province.id}"):
        assert client.get(url).status_code == 404, url
    resp = _post(client, f"/admin/units/{t.g21.id}/deactivate", {}, page="/admin/units")
    assert resp.status_code == 404
    db.expire_all()
    assert db.get(Unit, t.g21.id).active


def test_create_and_edit_a_unit_with_errors_next_to_fields(client, factory, login_as, t, db):
    login_as(factory.user("federation", t.province))
    url = f"/admin/units/{t.d1.id}/new"
    resp = _post(client, url, {"code": "g11", "name": " ", "sector": "state", "members_count": "-1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Hãy nhập tên đơn vị." in html and "Không được âm." in html
    resp = _post(client, url, {"code": "g11", "name": "Trùng mã", "sector": "state", "members_count": "3"})
    assert resp.status_code == 422 and "Mã “G11” đã được dùng" in resp.get_data(as_text=True)
    resp = _post(client, url, {"code": "rg-13", "name": "Công đoàn cơ sở  Phường Vĩnh Thanh", "sector": "state",
                               "members_count": "55", "contact_email": "CD@vt.vn"})
    assert resp.status_code == 303
    db.expire_all()
    unit = db.scalar(select(Unit).where(Unit.code == "RG-13"))
    assert unit.level == "grassroots" and unit.path == t.d1.path + f"{unit.id:08d}/"
    assert unit.name == "Công đoàn cơ sở Phường Vĩnh Thanh" and unit.contact_email == "cd@vt.vn"
    resp = _post(client, f"/admin/units/{unit.id}/edit", {"code": "RG-13", "name": "CĐCS Phường Vĩnh Thanh",
                                                            "sector": "non_state", "members_count": "60"})
    assert resp.status_code == 303
    entry = _audit(db, "unit.update")[0]
    assert entry.changes["name"] == ["Công đoàn cơ sở Phường Vĩnh Thanh", "CĐCS Phường Vĩnh Thanh"]
    assert entry.changes["sector"] == ["state", "non_state"] and entry.unit_id == unit.id
    assert _audit(db, "unit.create")[0].object_id == unit.id


def test_moving_a_unit_rewrites_the_whole_subtree_and_refuses_cycles_and_wrong_levels(client, factory, login_as, t, db):
    q = factory.unit("Tỉnh hai", "province", code="Q")
    deep = factory.unit("Tổ công đoàn", "grassroots", t.d1, code="G19")
    login_as(factory.user("admin", t.province))
    # wrong level: a grassroots union under the province
    resp = _post(client, f"/admin/units/{t.g11.id}/move", {"parent": t.province.id})
    assert resp.status_code == 422 and "phải trực thuộc" in resp.get_data(as_text=True)
    # out of the admin's scope: 404, even as a posted id
    resp = _post(client, f"/admin/units/{t.d1.id}/move", {"parent": q.id})
    assert resp.status_code == 404
    # a grassroots union to the other district
    resp = _post(client, f"/admin/units/{t.g12.id}/move", {"parent": t.d2.id})
    assert resp.status_code == 303
    db.expire_all()
    g12 = db.get(Unit, t.g12.id)
    assert g12.parent_id == t.d2.id and g12.path == t.d2.path + f"{g12.id:08d}/"
    assert _audit(db, "unit.move")[0].changes["parent"] == ["D1", "D2"]
    assert db.get(Unit, deep.id).path == t.d1.path + f"{deep.id:08d}/"


def test_move_refuses_a_cycle(db, factory, t):
    from shared.admin import move_unit
    from shared.errors import DomainError

    admin = factory.user("admin", t.province)
    with pytest.raises(DomainError, match="vào chính nó"):
        move_unit(db, admin, db.get(Unit, t.d1.id), db.get(Unit, t.g11.id))


def test_a_district_move_rewrites_its_whole_subtree_in_one_update(db, factory, t):
    from sqlalchemy import event

    from shared.admin import rewrite_subtree
    from shared.units import child_path

    q = factory.unit("Tỉnh hai", "province", code="Q")
    statements = []

    def spy(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE UNITS"):
            statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", spy)
    try:
        moved = rewrite_subtree(db, t.d1.id, t.d1.path, q.id, child_path(q.path, t.d1.id))
        db.commit()
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert moved == 3 and len(statements) == 1
    db.expire_all()
    units = {u.code: u for u in db.scalars(select(Unit))}
    assert units["D1"].parent_id == q.id and units["D1"].path == f"{q.id:08d}/{t.d1.id:08d}/"
    assert units["G11"].path == units["D1"].path + f"{t.g11.id:08d}/"
    assert units["G21"].path == t.g21.path  # the other district did not move


def test_deactivating_a_unit_takes_its_subtree_and_it_leaves_the_progress(client, factory, login_as, t, db):
    login_as(factory.user("federation", t.province))
    resp = _post(client, f"/admin/units/{t.d1.id}/deactivate", {}, page=f"/admin/units/{t.d1.id}/edit")
    assert resp.status_code == 303
    db.expire_all()
    assert not db.get(Unit, t.d1.id).active and not db.get(Unit, t.g11.id).active and db.get(Unit, t.g21.id).active
    assert db.scalar(select(func.count(Unit.id))) == 6  # nothing deleted
    campaign = db.scalar(select(Campaign))
    assert progress_by_level(db, campaign, db.get(Unit, t.province.id), dt.date(2023, 4, 1))["grassroots"].expected == 1
    assert _audit(db, "unit.deactivate")[0].changes["units"] == 3
    # own unit cannot be deactivated
    resp = _post(client, f"/admin/units/{t.province.id}/deactivate", {}, page="/admin/units")
    assert resp.status_code == 303
    assert db.get(Unit, t.province.id).active


# ---- accounts --------------------------------------------------------------------------------


def test_creating_an_account_shows_a_one_time_password_once_and_forces_a_change(app, client, factory, login_as, t, db):
    login_as(factory.user("federation", t.province))
    resp = _post(client, "/admin/users/new", {"username": "Vinhlac.CD", "full_name": "Lê Thị Thu", "role": "reporter",
                                              "unit_code": "g11"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    password = re.search(r"data-password>([^<]+)<", html).group(1)
    assert len(password) == 12
    db.expire_all()
    user = db.scalar(select(User).where(User.username == "vinhlac.cd"))
    assert user.unit_id == t.g11.id and user.must_change_password and password not in user.password_hash
    assert _audit(db, "user.create")[0].unit_id == t.g11.id
    assert password not in client.get("/admin/users").get_data(as_text=True)

    # The new user logs in with it and must change it before anything else.
    other = app.test_client()
    assert login(other, "vinhlac.cd", password).status_code == 302
    resp = other.get("/")
    assert resp.status_code == 302 and resp.location.endswith("/account/password")
    resp = other.get("/", headers={"HX-Request": "true", "HX-Target": "progress"})
    assert resp.status_code == 204 and resp.headers["HX-Redirect"] == "/account/password"
    resp = _post(other, "/account/password", {"current": password, "password": "matkhau123", "confirm": "matkhau123"})
    assert resp.status_code == 422 and "quá phổ biến" in resp.get_data(as_text=True)
    resp = _post(other, "/account/password", {"current": password, "password": "Sông Cái Lớn 2028", "confirm": "Sông Cái Lớn 2028"})
    assert resp.status_code == 303
    assert other.get("/").status_code == 200


def test_federation_cannot_create_an_admin_nor_touch_one(client, factory, login_as, t, db):
    admin = factory.user("admin", t.province, username="quantri")
    login_as(factory.user("federation", t.province))
    resp = _post(client, "/admin/users/new", {"username": "sieuquantri", "role": "admin", "unit_code": "P"})
    assert resp.status_code == 403
    assert client.get(f"/admin/users/{admin.id}/edit").status_code == 403
    resp = _post(client, f"/admin/users/{admin.id}/reset-password", {}, page="/admin/users")
    assert resp.status_code == 403
    db.expire_all()
    assert db.scalar(select(User).where(User.username == "sieuquantri")) is None
    assert db.get(User, admin.id).session_version == 1


def test_account_administration_is_scoped_to_the_subtree(client, factory, login_as, t, db):
    outsider = factory.user("reporter", t.g21, username="ngocchuc")
    insider = factory.user("reporter", t.g11, username="vinhlac")
    login_as(factory.user("admin", t.d1))  # an administrator of one district only
    html = client.get("/admin/users").get_data(as_text=True)
    assert "vinhlac" in html and "ngocchuc" not in html
    assert client.get(f"/admin/users/{outsider.id}/edit").status_code == 404
    assert _post(client, f"/admin/users/{outsider.id}/deactivate", {}, page="/admin/users").status_code == 404
    # a unit outside the scope cannot be given, even to an account inside it
    resp = _post(client, f"/admin/users/{insider.id}/edit", {"role": "reporter", "unit_code": "G21"})
    assert resp.status_code == 422 and "trong phạm vi của bạn" in resp.get_data(as_text=True)
    # role and level must match
    resp = _post(client, f"/admin/users/{insider.id}/edit", {"role": "reporter", "unit_code": "D1"})
    assert resp.status_code == 422 and "không dùng cho đơn vị" in resp.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, outsider.id).active and db.get(User, insider.id).unit_id == t.g11.id


def test_edit_deactivate_reset_and_force_change_end_sessions(app, client, factory, login_as, t, db):
    target = factory.user("district", t.d1, username="rachgia")
    victim_client = app.test_client()
    assert login(victim_client, "rachgia").status_code == 302
    login_as(factory.user("federation", t.province))

    resp = _post(client, f"/admin/users/{target.id}/edit", {"full_name": "LĐLĐ Rạch Giá", "role": "observer", "unit_code": "D1"})
    assert resp.status_code == 303
    assert victim_client.get("/").status_code == 302  # a role change ends the old sessions
    db.expire_all()
    assert db.get(User, target.id).role == "observer"
    assert _audit(db, "user.update")[0].changes["role"] == ["district", "observer"]

    resp = _post(client, f"/admin/users/{target.id}/force-password-change", {}, page=f"/admin/users/{target.id}/edit")
    assert resp.status_code == 303
    db.expire_all()
    assert db.get(User, target.id).must_change_password

    resp = _post(client, f"/admin/users/{target.id}/reset-password", {}, page=f"/admin/users/{target.id}/edit")
    password = re.search(r"data-password>([^<]+)<", resp.get_data(as_text=True)).group(1)
    assert login(app.test_client(), "rachgia", PASSWORD).status_code == 401
    assert login(app.test_client(), "rachgia", password).status_code == 302

    resp = _post(client, f"/admin/users/{target.id}/deactivate", {}, page=f"/admin/users/{target.id}/edit")
    assert resp.status_code == 303
    assert login(app.test_client(), "rachgia", password).status_code == 401
    actions = {e.action for e in db.scalars(select(AuditLog).where(AuditLog.object_id == target.id, AuditLog.object_type == "user"))}
    assert {"user.update", "user.force_password_change", "user.reset_password", "user.deactivate"} <= actions


def test_an_administrator_cannot_lock_itself_out(client, factory, login_as, t, db):
    me = factory.user("admin", t.province)
    login_as(me)
    resp = _post(client, f"/admin/users/{me.id}/deactivate", {}, page="/admin/users")
    assert resp.status_code == 303
    resp = _post(client, f"/admin/users/{me.id}/edit", {"role": "observer", "unit_code": "P"})
    assert resp.status_code == 422
    db.expire_all()
    assert db.get(User, me.id).active and db.get(User, me.id).role == "admin"


# ---- own password -------------------------------------------------------------------------------


def test_changing_the_password_logs_the_other_sessions_out(app, client, factory, login_as, t, db):
    user = factory.user("district", t.d1, username="rachgia")
    laptop = app.test_client()
    assert login(laptop, "rachgia").status_code == 302
    login_as(user)
    assert 'href="/account/password"' in client.get("/").get_data(as_text=True)
    for bad, message in (({"current": "sai-mat-khau", "password": "Kien Giang 2028", "confirm": "Kien Giang 2028"}, "hiện tại không đúng"),
                         ({"current": PASSWORD, "password": "ngan", "confirm": "ngan"}, "ít nhất 8 ký tự"),
                         ({"current": PASSWORD, "password": "12345678", "confirm": "12345678"}, "quá phổ biến"),
                         ({"current": PASSWORD, "password": "rachgia-2028", "confirm": "rachgia-2028"}, "tên đăng nhập"),
                         ({"current": PASSWORD, "password": "Kien Giang 2028", "confirm": "Kien Giang 2029"}, "Không khớp")):
        resp = _post(client, "/account/password", bad)
        assert resp.status_code == 422 and message in resp.get_data(as_text=True), message
    assert laptop.get("/").status_code == 200

    resp = _post(client, "/account/password", {"current": PASSWORD, "password": "Kien Giang 2028", "confirm": "Kien Giang 2028"})
    assert resp.status_code == 303
    assert client.get("/").status_code == 200  # this session goes on
    resp = laptop.get("/")
    assert resp.status_code == 302 and "/login" in resp.location  # the other one is over
    assert login(app.test_client(), "rachgia", "Kien Giang 2028").status_code == 302
    db.expire_all()
    assert db.get(User, user.id).session_version == 2
    assert _audit(db, "user.password_change")[0].user_id == user.id


# ---- campaigns ---------------------------------------------------------------------------------


CAMPAIGN_2028 = {
    "name": "Đại hội công đoàn các cấp nhiệm kỳ 2028-2033", "term": "2028-2033", "start_date": "01/01/2028",
    "pilot_until_grassroots": "15/03/2028", "deadline_grassroots": "30/06/2028", "deadline_district": "31/08/2028",
    "deadline_province": "31/10/2028", "members_threshold": "120", "youth_age": "35", "target_women_pct": "35",
    "target_young_pct": "20", "target_party_pct": "55",
}


def test_campaign_creation_and_progress_against_the_new_deadlines(client, factory, login_as, t, db, today):
    login_as(factory.user("admin", t.province))
    bad = {**CAMPAIGN_2028, "deadline_district": "01/06/2028", "pilot_until_grassroots": "31/02/2028", "target_women_pct": "130"}
    resp = _post(client, "/admin/campaigns/new", bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Ngày không hợp lệ" in html and "Từ 0 đến 100" in html
    resp = _post(client, "/admin/campaigns/new", {**CAMPAIGN_2028, "deadline_district": "01/06/2028"})
    assert resp.status_code == 422 and "không được trước hạn chót cấp cơ sở" in resp.get_data(as_text=True)
    resp = _post(client, "/admin/campaigns/new", CAMPAIGN_2028)
    assert resp.status_code == 303
    db.expire_all()
    campaign = db.scalar(select(Campaign).where(Campaign.term == "2028-2033"))
    assert campaign.deadline_grassroots == dt.date(2028, 6, 30) and campaign.pilot_until_grassroots == dt.date(2028, 3, 15)
    assert campaign.members_threshold == 120 and campaign.target_women_pct == 35
    assert _audit(db, "campaign.create")[0].object_id == campaign.id

    # The new campaign is the current one, and its deadlines drive the progress figures.
    today(dt.date(2028, 7, 10))
    html = client.get("/").get_data(as_text=True)
    assert campaign.name in html and "30/06/2028" in html
    levels = progress_by_level(db, campaign, db.get(Unit, t.province.id), dt.date(2028, 7, 10))
    assert levels["grassroots"].deadline == dt.date(2028, 6, 30)
    assert levels["grassroots"].overdue == 3 and levels["district"].pending == 2
    assert levels["grassroots"].days_left == -10


def test_copy_from_the_previous_campaign_shifts_the_dates_by_one_term(client, factory, login_as, t):
    login_as(factory.user("admin", t.province))
    previous = t.province  # noqa: F841 - the fixture made the 2023-2028 campaign
    html = client.get("/admin/campaigns").get_data(as_text=True)
    campaign_id = re.search(r"/admin/campaigns/new\?copy=(\d+)", html).group(1)
    html = client.get(f"/admin/campaigns/new?copy={campaign_id}").get_data(as_text=True)
    assert 'value="2028-2033"' in html and 'value="31/05/2028"' in html and 'value="31/10/2028"' in html
    assert "nhiệm kỳ 2028-2033" in html


def test_closing_a_campaign(client, factory, login_as, t, db):
    login_as(factory.user("admin", t.province))
    campaign = db.scalar(select(Campaign))
    resp = _post(client, f"/admin/campaigns/{campaign.id}/close", {}, page="/admin/campaigns")
    assert resp.status_code == 303
    db.expire_all()
    assert db.get(Campaign, campaign.id).closed
    assert "Đã đóng" in client.get("/admin/campaigns").get_data(as_text=True)
    assert _audit(db, "campaign.close")


# ---- audit log ---------------------------------------------------------------------------------


def test_audit_log_filters_and_scope(client, factory, login_as, t, db):
    from shared import audit

    rg = factory.user("district", t.d1, username="rachgia")
    gr = factory.user("district", t.d2, username="giongrieng")
    audit.record(db, rg, "unit.update", "unit", t.g11.id, unit_id=t.g11.id, changes={"name": ["A", "B"]})
    audit.record(db, gr, "unit.update", "unit", t.g21.id, unit_id=t.g21.id)
    audit.record(db, rg, "unit.move", "unit", t.g12.id, unit_id=t.g12.id)
    db.commit()
    login_as(factory.user("admin", t.d1))
    html = client.get("/admin/audit").get_data(as_text=True)
    assert 'data-action="unit.update"' in html and "giongrieng" not in html
    html = client.get("/admin/audit?action=unit.move").get_data(as_text=True)
    assert html.count('data-action="unit.move"') == 1 and 'data-action="unit.update"' not in html
    html = client.get("/admin/audit?unit=g11&user=rachgia").get_data(as_text=True)
    assert "A → B" in html and 'data-action="unit.move"' not in html
    resp = client.get("/admin/audit?from=32/13/2023")
    assert resp.status_code == 422 and "Ngày không hợp lệ" in resp.get_data(as_text=True)
    html = client.get("/admin/audit?from=01/01/2000&to=02/01/2000").get_data(as_text=True)
    assert "Không có mục nào" in html


def _text_of_rows(html: str) -> str:
    """What the audit table says to a reader: its cells' text, without tags and attributes."""
    rows = html.split('id="audit-rows"', 1)[1].split("</table>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows))


def test_the_audit_log_reads_like_the_reports_own_trail(app, client, db, factory, login_as, t, today):
    """Labels and field descriptions, not action codes, object types or Python dumps of rows."""
    from shared.reports import save_draft

    today(dt.date(2023, 6, 1))
    campaign = db.scalar(select(Campaign))
    reporter = factory.user("reporter", t.g11, username="coso11")
    report = save_draft(db, campaign, t.g11, reporter, {
        "present": 30, "planned_date": "2023-04-15",
        "officers": [{"role": "chair", "full_name": "Lê Văn An", "gender": "male", "vote_pct": 92.5}],
    }, None).report
    db.commit()
    save_draft(db, campaign, t.g11, reporter, {"present": 36, "officers": []}, report.version)
    db.commit()
    login_as(factory.user("admin", t.province))
    other = factory.user("district", t.d1, username="rachgia")
    resp = _post(client, f"/admin/users/{other.id}/edit", {"full_name": "Rạch Giá", "role": "observer", "unit_code": "D1"})
    assert resp.status_code == 303
    html = client.get("/admin/audit").get_data(as_text=True)
    text = _text_of_rows(html)
    assert "Lưu báo cáo" in text and "Báo cáo đại hội" in text and "Sửa tài khoản" in text
    assert "Số có mặt: 30 → 36" in text and "Ngày dự kiến đại hội: (trống) → 15/04/2023" in text
    assert "Chủ tịch, Phó Chủ tịch, Chủ nhiệm UBKT: xóa “Chủ tịch: Lê Văn An (Nam, 92,50 %)”" in text
    assert "Vai trò: Công đoàn cấp trên cơ sở → Theo dõi" in text
    for code in ("report.save", "congress_report", "user.update", "{'", "'role'", "present:", "None"):
        assert code not in text, code
    # the same words as the report's own trail under its form
    unit_client = app.test_client()
    login(unit_client, "coso11")
    trail = unit_client.get(f"/units/{t.g11.id}/report").get_data(as_text=True).split('id="audit-trail"', 1)[1]
    assert "Số có mặt: 30 → 36" in trail and "Chủ tịch: Lê Văn An (Nam, 92,50 %)" in trail


# ---- import page -------------------------------------------------------------------------------


def test_import_page_checks_then_imports_within_scope(client, factory, login_as, t, db):
    login_as(factory.user("federation", t.province))
    html = client.get("/admin/units/import").get_data(as_text=True)
    assert "upload-progress" in html and "/admin/units/import/template.xlsx" in html
    resp = client.get("/admin/units/import/template.xlsx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK" and "attachment" in resp.headers["Content-Disposition"]

    rows = [("G13", "Công đoàn cơ sở Mới", "co so", "D1", "FDI", 500, "", ""),
            ("G14", "Công đoàn cơ sở Lỗi", "co so", "D9", "FDI", 5, "", "")]

    def upload(mode):
        return client.post("/admin/units/import", data={
            "csrf_token": csrf_token(client, "/admin/units/import"), "mode": mode,
            "file": (io.BytesIO(csv_bytes(rows)), "don-vi.csv"),
        }, content_type="multipart/form-data")

    resp = upload("dry_run")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Không có đơn vị cấp trên mã “D9”" in html and 'data-count="created">1<' in html
    resp = upload("all")
    assert resp.status_code == 422 and "không dòng nào được nhập" in resp.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(Unit).where(Unit.code == "G13")) is None
    resp = upload("valid_only")
    assert resp.status_code == 200 and "Đã nhập" in resp.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(Unit).where(Unit.code == "G13")).sector == "fdi"
    assert _audit(db, "units.import")[0].unit_id == t.province.id


def test_import_page_refuses_other_file_types(client, factory, login_as, t):
    login_as(factory.user("admin", t.province))
    resp = client.post("/admin/units/import", data={
        "csrf_token": csrf_token(client, "/admin/units/import"), "mode": "dry_run",
        "file": (io.BytesIO(b"%PDF-1.4"), "don-vi.pdf"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 422 and "Chỉ nhận tệp .xlsx hoặc .csv." in resp.get_data(as_text=True)


def test_list_pages_do_not_query_per_row(app, client, factory, login_as, t, db):
    from sqlalchemy import event

    from shared import audit

    for i in range(30):
        unit = factory.unit(f"Công đoàn cơ sở số {i}", "grassroots", t.d1 if i % 2 else t.d2)
        user = factory.user("reporter", unit)
        audit.record(db, user, "unit.update", "unit", unit.id, unit_id=unit.id)
    db.commit()
    login_as(factory.user("admin", t.province))
    engine = app.extensions["daihoi.engine"]
    counts = {}
    for url in ("/admin/users", "/admin/audit", f"/admin/units?unit={t.d1.id}", "/admin/units?q=so"):
        statements = []
        spy = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", spy)
        try:
            html = client.get(url).get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", spy)
        assert "số 1" in html or "unit.update" in html, url
        counts[url] = len(statements)
    assert max(counts.values()) <= 10, counts  # 30 rows each: a query per row would show


def test_import_page_checks_against_the_chosen_campaign(client, factory, login_as, t, db):
    from shared.reports import get_or_create_report

    campaign = factory.campaign()
    user = factory.user("federation", t.province)
    get_or_create_report(db, campaign, db.get(Unit, t.g11.id), user).status = "submitted"
    db.commit()
    login_as(user)
    html = client.get("/admin/units/import").get_data(as_text=True)
    assert f'<option selected value="{campaign.id}">' in html or f'value="{campaign.id}" selected' in html
    rows = [("G11", t.g11.name, "co so", "D2", "", "", "", "")]

    def upload(campaign_value):
        return client.post("/admin/units/import", data={
            "csrf_token": csrf_token(client, "/admin/units/import"), "mode": "dry_run", "campaign": campaign_value,
            "file": (io.BytesIO(csv_bytes(rows)), "don-vi.csv"),
        }, content_type="multipart/form-data")

    resp = upload(str(campaign.id))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "“G11” đang chờ duyệt" in html and 'id="campaign-effect"' in html
    resp = upload("")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "“G11” đang chờ duyệt" not in html and 'id="campaign-effect"' not in html
    resp = upload("999999")  # a campaign that is not offered
    assert resp.status_code == 422 and "Hãy chọn một đợt đại hội trong danh sách." in resp.get_data(as_text=True)
