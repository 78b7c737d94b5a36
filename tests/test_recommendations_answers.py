"""Recommendations routed and answered (issue 20 item 5): the register, routing one or many, answers, the
history, the addressee role's scope, the list forwarded to a body (XLSX, DOCX) and the per-addressee counts."""
from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from shared import answers
from shared.errors import Conflict, DomainError, Forbidden, NotFound
from shared.models import Addressee, AuditLog, CongressReport, Recommendation, RecommendationChange, User
from tests.conftest import csrf_token

TODAY = dt.date(2023, 6, 1)


@pytest.fixture
def world(db, factory, today):
    """Two districts; a recommendation of each district's union; the provincial and the two districts'
    People's Committees; an addressee account for D1's; routers of the province and of each district."""
    today(TODAY)
    t = factory.tree()
    c = factory.campaign()
    w = SimpleNamespace(**vars(t), campaign=c)
    recs = {}
    for key, unit in (("g11", t.g11), ("g12", t.g12), ("g21", t.g21)):
        report = CongressReport(campaign_id=c.id, unit_id=unit.id, held_date=dt.date(2023, 3, 1), status="approved")
        db.add(report)
        db.flush()
        rec = Recommendation(report_id=report.id, campaign_id=c.id, unit_id=unit.id, topic="housing",
                             text=f"Đề nghị xây nhà ở xã hội cho công nhân ({unit.name}).", addressed_to="UBND")
        db.add(rec)
        db.flush()
        recs[key] = rec
    w.recs = recs
    w.ubnd_tinh = Addressee(name="Ủy ban nhân dân tỉnh Thử nghiệm", kind="province_committee", unit_id=t.province.id)
    w.ubnd_d1 = Addressee(name="Ủy ban nhân dân thành phố Rạch Giá", kind="district_committee", unit_id=t.d1.id)
    w.ubnd_d2 = Addressee(name="Ủy ban nhân dân huyện Giồng Riềng", kind="district_committee", unit_id=t.d2.id)
    db.add_all([w.ubnd_tinh, w.ubnd_d1, w.ubnd_d2])
    db.commit()
    w.coord = factory.user("coordinator", t.province, username="dp")
    w.admin = factory.user("admin", t.province, username="qt")
    w.dist1 = factory.user("district", t.d1, username="rg")
    w.dist2 = factory.user("district", t.d2, username="gr")
    w.office1 = factory.user("addressee", t.d1, username="ubnd_rg", addressee_id=w.ubnd_d1.id)
    w.office2 = factory.user("addressee", t.d2, username="ubnd_gr", addressee_id=w.ubnd_d2.id)
    w.observer = factory.user("observer", t.d1, username="qs")
    return w


def _post(client, url, data, page=None):
    token = csrf_token(client, page or url)
    return client.post(url, data={"csrf_token": token, **data})


# ---- the domain ---------------------------------------------------------------------------------------


def test_route_answer_and_history_in_the_domain(db, world):
    w = world
    rec = w.recs["g11"]
    answers.route(db, w.coord, [rec.id], addressee_id=w.ubnd_d1.id, due_date="30/06/2023")
    db.commit()
    assert (rec.addressee_id, rec.due_date, rec.routed_at.date()) == (w.ubnd_d1.id, dt.date(2023, 6, 30), TODAY)
    assert answers.answer_state(rec) == "waiting"
    from shared.models import Notification

    note = db.scalar(select(Notification).where(Notification.user_id == w.office1.id))
    assert note.text == "1 kiến nghị mới được chuyển đến Ủy ban nhân dân thành phố Rạch Giá, hạn trả lời 30/06/2023."
    assert db.scalar(select(Notification).where(Notification.user_id == w.office2.id)) is None
    assert answers.answer_state(rec, dt.date(2023, 7, 1)) == "overdue"

    answers.answer(db, w.office1, rec, status="resolved", text="Đã bố trí quỹ đất tại phường Rạch Sỏi.",
                   answered_on="31/05/2023", number="123/UBND-VP", expected_version=rec.version)
    db.commit()
    assert (rec.status, rec.answered_on, rec.answer_number, rec.answered_by_id) == \
        ("resolved", dt.date(2023, 5, 31), "123/UBND-VP", w.office1.id)
    lines = answers.history(db, rec)
    assert [h.action for h in lines] == ["route", "answer"]
    assert lines[0].addressee == w.ubnd_d1.name and lines[0].due_date == dt.date(2023, 6, 30)
    assert (lines[1].from_status, lines[1].to_status, lines[1].answer_number) == ("open", "resolved", "123/UBND-VP")
    audit = db.scalars(select(AuditLog.action).where(AuditLog.object_type == "recommendation",
                                                     AuditLog.object_id == rec.id).order_by(AuditLog.id)).all()
    assert audit == ["recommendation.route", "recommendation.answer"]


def test_answer_rules(db, world):
    w = world
    rec = w.recs["g11"]
    with pytest.raises(DomainError, match="chưa được chuyển"):
        answers.answer(db, w.coord, rec, status="resolved", text="x", answered_on=TODAY)
    answers.route(db, w.coord, [rec.id], addressee_id=w.ubnd_d1.id, due_date=TODAY)
    with pytest.raises(DomainError) as refused:
        answers.answer(db, w.office1, rec, status="open", text=" ", answered_on="02/06/2023", number="x" * 61)
    assert set(refused.value.fields) == {"status", "answer_text", "answered_on", "answer_number"}
    with pytest.raises(Conflict):
        answers.answer(db, w.office1, rec, status="resolved", text="Đã giải quyết.", answered_on=TODAY,
                       expected_version=rec.version + 1)
    # Another body's office: not even visible.
    with pytest.raises(NotFound):
        answers.answer(db, w.office2, rec, status="resolved", text="Đã giải quyết.", answered_on=TODAY)
    with pytest.raises(Forbidden):
        answers.route(db, w.office1, [rec.id], addressee_id=w.ubnd_d1.id, due_date=TODAY)


def test_a_district_routes_only_its_own_and_only_to_bodies_on_its_line(db, world):
    w = world
    with pytest.raises(NotFound):  # another district's recommendation
        answers.route(db, w.dist1, [w.recs["g11"].id, w.recs["g21"].id], addressee_id=w.ubnd_d1.id, due_date=TODAY)
    with pytest.raises(NotFound):  # another district's People's Committee
        answers.route(db, w.dist1, [w.recs["g11"].id], addressee_id=w.ubnd_d2.id, due_date=TODAY)
    routed = answers.route(db, w.dist1, [w.recs["g11"].id, w.recs["g12"].id], addressee_id=w.ubnd_tinh.id,
                           due_date="15/06/2023")
    assert {r.addressee_id for r in routed} == {w.ubnd_tinh.id}
    with pytest.raises(DomainError, match="chuyển"):
        answers.route(db, w.dist1, [w.recs["g11"].id], addressee_id=w.ubnd_d1.id, due_date="31/05/2023")


def test_dashboard_counts_per_addressee_as_of_a_day(db, world, today):
    """Hand-built: three recommendations to D1's committee (one answered in time, one answered late, one
    never), one to the province's; counts as of several days."""
    w = world
    extra = Recommendation(report_id=w.recs["g11"].report_id, campaign_id=w.campaign.id, unit_id=w.g11.id,
                           topic="jobs", text="Việc làm cho công nhân.")
    db.add(extra)
    db.flush()
    for rec, body, routed, due, answered in (
        (w.recs["g11"], w.ubnd_d1, dt.datetime(2023, 4, 1, 9), dt.date(2023, 5, 1), dt.date(2023, 4, 20)),
        (w.recs["g12"], w.ubnd_d1, dt.datetime(2023, 4, 1, 9), dt.date(2023, 5, 1), dt.date(2023, 5, 10)),
        (extra, w.ubnd_d1, dt.datetime(2023, 4, 5, 9), dt.date(2023, 5, 5), None),
        (w.recs["g21"], w.ubnd_tinh, dt.datetime(2023, 5, 2, 9), dt.date(2023, 6, 1), None),
    ):
        rec.addressee_id, rec.routed_at, rec.due_date, rec.answered_on = body.id, routed, due, answered
    db.commit()

    def counts(day, scope=w.province):
        return {c.addressee.name: (c.received, c.answered, c.overdue)
                for c in answers.addressee_counts(db, w.campaign, scope, day)}

    d1, tinh = w.ubnd_d1.name, w.ubnd_tinh.name
    assert counts(dt.date(2023, 3, 31)) == {}
    assert counts(dt.date(2023, 4, 1)) == {d1: (2, 0, 0)}
    assert counts(dt.date(2023, 4, 20)) == {d1: (3, 1, 0)}
    assert counts(dt.date(2023, 5, 2)) == {d1: (3, 1, 1), tinh: (1, 0, 0)}
    assert counts(dt.date(2023, 5, 6)) == {d1: (3, 1, 2), tinh: (1, 0, 0)}
    assert counts(dt.date(2023, 5, 10)) == {d1: (3, 2, 1), tinh: (1, 0, 0)}
    assert counts(dt.date(2023, 6, 2)) == {d1: (3, 2, 1), tinh: (1, 0, 1)}
    assert counts(dt.date(2023, 6, 2), scope=w.d2) == {tinh: (1, 0, 1)}


# ---- the pages: scope and roles ---------------------------------------------------------------------


def _route_all_to_their_committees(db, w):
    answers.route(db, w.coord, [w.recs["g11"].id, w.recs["g12"].id], addressee_id=w.ubnd_d1.id, due_date="30/06/2023")
    answers.route(db, w.coord, [w.recs["g21"].id], addressee_id=w.ubnd_d2.id, due_date="30/06/2023")
    db.commit()


def test_an_addressee_sees_and_answers_only_its_own(client, db, world, login_as):
    w = world
    _route_all_to_their_committees(db, w)
    login_as(w.office1)
    listing = client.get("/recommendations").get_data(as_text=True)
    assert f'data-rec="{w.recs["g11"].id}"' in listing and f'data-rec="{w.recs["g12"].id}"' in listing
    assert f'data-rec="{w.recs["g21"].id}"' not in listing
    assert 'name="ids"' not in listing  # no routing for an addressee
    # Editing the URL: another body's recommendation, the filter of another body.
    assert client.get(f"/recommendations/{w.recs['g21'].id}").status_code == 404
    other = client.get(f"/recommendations?addressee={w.ubnd_d2.id}").get_data(as_text=True)
    assert f'data-rec="{w.recs["g21"].id}"' not in other
    assert client.get(f"/recommendations/addressees/{w.ubnd_d2.id}/list.xlsx").status_code == 404
    # Answering another body's recommendation through its form URL: 404, nothing written.
    rec21 = w.recs["g21"]
    resp = _post(client, f"/recommendations/{rec21.id}/answer",
                 {"status": "resolved", "answer_text": "x", "answered_on": "01/06/2023", "version": 1},
                 page=f"/recommendations/{w.recs['g11'].id}")
    assert resp.status_code == 404
    db.expire_all()
    assert db.get(Recommendation, rec21.id).answered_on is None
    # Routing by a form field: refused.
    resp = _post(client, "/recommendations/route", {"ids": [w.recs["g11"].id], "addressee_id": w.ubnd_d1.id,
                                                    "due_date": "30/06/2023"}, page="/recommendations")
    assert resp.status_code == 403
    # Its own: answered, visible in the history.
    rec = w.recs["g11"]
    url = f"/recommendations/{rec.id}"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page) or \
        re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page)
    resp = _post(client, f"{url}/answer", {"status": "in_progress", "answer_text": "Đang rà soát quỹ đất.",
                                           "answered_on": "01/06/2023", "answer_number": "45/UBND",
                                           "version": db.get(Recommendation, rec.id).version}, page=url)
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    page = client.get(url).get_data(as_text=True)
    assert "Đang rà soát quỹ đất." in page and "45/UBND" in page
    history = page.split('id="rec-history"')[1]
    assert "Trả lời" in history and "Chuyển đến cơ quan trả lời" in history
    db.expire_all()
    assert db.get(Recommendation, rec.id).answered_by_id == w.office1.id
    assert version is None or version  # the form carries the version


@pytest.mark.parametrize("path", ["/", "/dashboard", "/review", "/calendar", f"/units/1", "/party/documents",
                                  "/dashboard/recommendations", "/api/v1/progress"])
def test_an_addressee_reaches_nothing_else(client, db, world, login_as, path):
    login_as(world.office1)
    resp = client.get(path)
    if path == "/":
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/recommendations")
    else:
        assert resp.status_code in (401, 403), (path, resp.status_code)


def test_the_addressee_menu_is_its_recommendations(client, db, world, login_as):
    login_as(world.office1)
    page = client.get("/recommendations").get_data(as_text=True)
    menu = page.split('class="mainnav"')[1].split("</nav>")[0]
    assert "/recommendations" in menu
    assert not any(p in menu for p in ("/dashboard", "/review", "/calendar", "/party", "/admin"))


def test_a_district_routes_in_bulk_only_within_its_scope(client, db, world, login_as):
    w = world
    login_as(w.dist1)
    listing = client.get("/recommendations").get_data(as_text=True)
    assert f'data-rec="{w.recs["g21"].id}"' not in listing
    assert w.ubnd_d2.name not in listing  # not offered
    # Another district's recommendation slipped into the ticked ids: all refused.
    resp = _post(client, "/recommendations/route", {"ids": [w.recs["g11"].id, w.recs["g21"].id],
                                                    "addressee_id": w.ubnd_d1.id, "due_date": "30/06/2023"},
                 page="/recommendations")
    assert resp.status_code == 404
    # Another district's committee by a form field.
    resp = _post(client, "/recommendations/route", {"ids": [w.recs["g11"].id], "addressee_id": w.ubnd_d2.id,
                                                    "due_date": "30/06/2023"}, page="/recommendations")
    assert resp.status_code == 404
    db.expire_all()
    assert all(db.get(Recommendation, r.id).addressee_id is None for r in w.recs.values())
    assert client.get(f"/recommendations/{w.recs['g21'].id}").status_code == 404
    # Its own two at once.
    resp = _post(client, "/recommendations/route", {"ids": [w.recs["g11"].id, w.recs["g12"].id],
                                                    "addressee_id": w.ubnd_d1.id, "due_date": "30/06/2023"},
                 page="/recommendations")
    assert resp.status_code == 303
    db.expire_all()
    assert {db.get(Recommendation, r.id).addressee_id for r in (w.recs["g11"], w.recs["g12"])} == {w.ubnd_d1.id}
    # A bad due date re-renders with the error, 422.
    resp = _post(client, "/recommendations/route", {"ids": [w.recs["g11"].id], "addressee_id": w.ubnd_d1.id,
                                                    "due_date": "31/02/2023"}, page="/recommendations")
    assert resp.status_code == 422


def test_the_coordinator_routes_one_sees_history_and_a_stale_form_conflicts(client, db, world, login_as):
    w = world
    login_as(w.coord)
    rec = w.recs["g21"]
    url = f"/recommendations/{rec.id}"
    resp = _post(client, f"{url}/route", {"addressee_id": w.ubnd_d2.id, "due_date": "20/06/2023", "version": rec.version},
                 page=url)
    assert resp.status_code == 303
    resp = _post(client, f"{url}/route", {"addressee_id": w.ubnd_tinh.id, "due_date": "20/06/2023", "version": 1},
                 page=url)
    assert resp.status_code == 409
    # The coordinator records a paper answer.
    db.expire_all()
    resp = _post(client, f"{url}/answer", {"status": "resolved", "answer_text": "Đã giải quyết.",
                                           "answered_on": "01/06/2023", "version": db.get(Recommendation, rec.id).version},
                 page=url)
    assert resp.status_code == 303
    page = client.get(url).get_data(as_text=True)
    history = page.split('id="rec-history"')[1]
    assert w.ubnd_d2.name in history and "Chưa giải quyết → Đã giải quyết" in history
    # The follow-up of the dashboard writes the history too.
    token = csrf_token(client, f"/dashboard/recommendations/{rec.id}")
    db.expire_all()
    client.post(f"/dashboard/recommendations/{rec.id}", data={"csrf_token": token, "status": "in_progress",
                                                             "resolution_note": "Mở lại để theo dõi thêm.",
                                                             "version": db.get(Recommendation, rec.id).version})
    assert [c.action for c in db.scalars(select(RecommendationChange).where(
        RecommendationChange.recommendation_id == rec.id).order_by(RecommendationChange.id))] == ["route", "answer", "update"]


@pytest.mark.parametrize("role", ["observer", "reporter", "party_committee"])
def test_other_roles_have_no_recommendation_pages(client, db, world, factory, login_as, role):
    unit = world.g11 if role == "reporter" else world.d1
    login_as(factory.user(role, unit))
    assert client.get("/recommendations").status_code == 403
    assert client.get(f"/recommendations/{world.recs['g11'].id}").status_code == 403
    assert client.get("/recommendations/addressees").status_code == 403


def test_the_register_and_an_addressee_account(client, db, world, login_as):
    w = world
    login_as(w.dist1)
    assert w.ubnd_d2.name not in client.get("/recommendations/addressees").get_data(as_text=True)
    assert _post(client, "/recommendations/addressees", {"name": "Sở Xây dựng", "kind": "department",
                                                        "unit_id": w.province.id},
                 page="/recommendations/addressees").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/recommendations")})
    login_as(w.coord)
    resp = _post(client, "/recommendations/addressees", {"name": "Sở Xây dựng", "kind": "department",
                                                        "unit_id": w.province.id}, page="/recommendations/addressees")
    assert resp.status_code == 303
    body = db.scalar(select(Addressee).where(Addressee.name == "Sở Xây dựng"))
    assert body.kind == "department" and body.unit_id == w.province.id
    resp = _post(client, "/recommendations/addressees", {"name": "Sở Xây dựng", "kind": "department",
                                                        "unit_id": w.province.id}, page="/recommendations/addressees")
    assert resp.status_code == 422 and "Đã có cơ quan tên này" in resp.get_data(as_text=True)
    # The coordinator keeps the register; accounts are the administrator's.
    url = f"/recommendations/addressees/{body.id}"
    assert _post(client, f"{url}/accounts", {"username": "sxd"}, page=url).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/recommendations")})
    login_as(w.admin)
    resp = _post(client, f"{url}/accounts", {"username": "so_xay_dung", "full_name": "Văn phòng Sở Xây dựng"}, page=url)
    assert resp.status_code == 200 and "data-password" in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"].startswith("no-store")
    account = db.scalar(select(User).where(User.username == "so_xay_dung"))
    assert (account.role, account.addressee_id, account.unit_id, account.must_change_password) == \
        ("addressee", body.id, w.province.id, True)
    # The generic account form cannot make a bare addressee account.
    from shared import accounts

    with pytest.raises(DomainError, match="trang của cơ quan"):
        accounts.create_user(db, w.admin, username="tran", role="addressee", unit=w.province)


def test_the_list_searches_the_text_whatever_its_marks_and_case(client, db, world, login_as):
    """"toi thieu" finds "TỐI THIỂU", "nha o xa hoi" finds "nhà ở xã hội": the recommendations' text is searched
    through its folded key, which follows the text when the unit corrects it."""
    w = world
    w.recs["g11"].text = "Đề nghị điều chỉnh lương TỐI THIỂU vùng cho Đoàn viên."
    db.commit()
    assert w.recs["g11"].text_folded == "de nghi dieu chinh luong toi thieu vung cho doan vien."
    login_as(w.coord)

    def found(q: str) -> set[int]:
        html = client.get("/recommendations", query_string={"q": q}).get_data(as_text=True)
        return {rec.id for rec in w.recs.values() if f"/recommendations/{rec.id}\"" in html}

    every = {rec.id for rec in w.recs.values()}
    g11 = {w.recs["g11"].id}
    assert found("") == every
    assert found("toi thieu") == g11 and found("TỐI THIỂU") == g11 and found("đoàn viên") == g11
    assert found("nha o xa hoi") == every - g11 and found("NHÀ Ở  XÃ HỘI") == every - g11
    assert found("50%_") == set()  # wildcards match themselves


def test_the_accounts_list_searches_names_whatever_their_marks(client, db, world, factory, login_as):
    w = world
    factory.user("district", w.d2, username="nguyen_anh", full_name="Nguyễn Thị Ánh Đào")
    login_as(w.admin)
    for q in ("anh dao", "ÁNH ĐÀO", "nguyen thi"):
        html = client.get("/admin/users", query_string={"q": q}).get_data(as_text=True)
        assert "nguyen_anh" in html and "ubnd_rg" not in html, q
    assert "nguyen_anh" not in client.get("/admin/users", query_string={"q": "anh dung"}).get_data(as_text=True)


# ---- the forwarded list -------------------------------------------------------------------------------


def test_the_forwarded_list_xlsx_and_letter_docx(client, db, world, login_as):
    from docx import Document
    from openpyxl import load_workbook

    w = world
    _route_all_to_their_committees(db, w)
    login_as(w.coord)
    base = f"/recommendations/addressees/{w.ubnd_d1.id}"
    resp = client.get(f"{base}/list.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb.worksheets[0]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    text = "\n".join(cells)
    assert w.ubnd_d1.name in text
    assert w.recs["g11"].text in text and w.recs["g12"].text in text and w.recs["g21"].text not in text
    assert int(ws.page_setup.paperSize) == 9  # A4
    due = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert due and all(d.date() == dt.date(2023, 6, 30) for d in due)

    resp = client.get(f"{base}/letter.docx")
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.data))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    body = "\n".join(p.text for p in doc.paragraphs)
    tables = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert f"Kính gửi: {w.ubnd_d1.name}" in body
    assert w.recs["g11"].text in tables and w.recs["g12"].text in tables and w.recs["g21"].text not in tables
    assert "BAN DÂN VẬN" in tables  # the coordinator writes as Ban Dân vận

    # Another district's body is out of a district's reach.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/recommendations")})
    login_as(w.dist1)
    assert client.get(f"/recommendations/addressees/{w.ubnd_d2.id}/list.xlsx").status_code == 404
    resp = client.get(f"/recommendations/addressees/{w.ubnd_tinh.id}/list.xlsx")
    assert resp.status_code == 200


def test_the_dashboard_panel(client, db, world, login_as, today):
    w = world
    _route_all_to_their_committees(db, w)
    today(dt.date(2023, 7, 5))
    login_as(w.coord)
    section = client.get("/dashboard?section=recommendations").get_data(as_text=True)
    assert "/recommendations/by-addressee" in section
    panel = client.get("/recommendations/by-addressee?as_of=01/07/2023", headers={"HX-Request": "true"}).get_data(as_text=True)
    row = panel.split(f'data-addressee="{w.ubnd_d1.id}"')[1].split("</tr>")[0]
    assert re.search(r'data-field="received">2<', row) and re.search(r'data-field="overdue">2<', row)
    before = client.get("/recommendations/by-addressee?as_of=30/06/2023", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.search(r'data-field="overdue">0<', before.split(f'data-addressee="{w.ubnd_d1.id}"')[1].split("</tr>")[0])
    client.post("/logout", data={"csrf_token": csrf_token(client, "/recommendations")})
    login_as(w.dist1)
    panel = client.get("/recommendations/by-addressee").get_data(as_text=True)
    assert f'data-addressee="{w.ubnd_d2.id}"' not in panel and f'data-addressee="{w.ubnd_d1.id}"' in panel
    assert client.get(f"/recommendations/by-addressee?unit={w.d2.id}").status_code == 404


# ---- the API -------------------------------------------------------------------------------------------


def test_the_api_lists_and_answers_an_addressee_s_own_only(client, db, world):
    from shared import tokens

    w = world
    _route_all_to_their_committees(db, w)
    token, _row = tokens.issue(db, w.office1)
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    listing = client.get("/api/v1/recommendations", headers=headers).get_json()
    assert {r["id"] for r in listing["items"]} == {w.recs["g11"].id, w.recs["g12"].id}
    assert all(r["addressee"]["id"] == w.ubnd_d1.id and r["state"] == "waiting" for r in listing["items"])
    assert client.get(f"/api/v1/recommendations/{w.recs['g21'].id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/recommendations/{w.recs['g21'].id}/answer", headers=headers,
                       json={"status": "resolved", "answer_text": "x", "answered_on": "2023-06-01"}).status_code == 404
    assert client.get("/api/v1/progress", headers=headers).status_code == 403
    rec = w.recs["g11"]
    resp = client.post(f"/api/v1/recommendations/{rec.id}/answer", headers=headers,
                       json={"status": "resolved", "answer_text": "Đã bố trí quỹ đất.", "answered_on": "2023-06-01",
                             "answer_number": "9/UBND", "version": 99})
    assert resp.status_code == 409 and resp.get_json()["error"]["current_version"] == db.get(Recommendation, rec.id).version
    resp = client.post(f"/api/v1/recommendations/{rec.id}/answer", headers=headers,
                       json={"status": "resolved", "answer_text": "Đã bố trí quỹ đất.", "answered_on": "2023-06-02"})
    assert resp.status_code == 422 and "answered_on" in resp.get_json()["error"]["fields"]
    resp = client.post(f"/api/v1/recommendations/{rec.id}/answer", headers=headers,
                       json={"status": "resolved", "answer_text": "Đã bố trí quỹ đất.", "answered_on": "2023-06-01",
                             "answer_number": "9/UBND"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["state"], body["answer_number"], [h["action"] for h in body["history"]]) == \
        ("answered", "9/UBND", ["route", "answer"])


# ---- the demo province --------------------------------------------------------------------------------


def test_the_demo_has_answered_overdue_and_waiting_recommendations(db, demo):
    from sqlalchemy import func, text

    from shared import clock
    from shared.models import Campaign, Unit

    office = db.scalar(select(User).where(User.username == "ubnd_rachgia"))
    states = {}
    for rec in db.scalars(select(Recommendation).where(Recommendation.addressee_id == office.addressee_id)):
        states[answers.answer_state(rec)] = states.get(answers.answer_state(rec), 0) + 1
    assert states.get("answered", 0) > 0 and states.get("overdue", 0) > 0 and states.get("waiting") == 3
    # The dashboard's figures are the SQL's.
    campaign = db.scalar(select(Campaign))
    root = db.scalar(select(Unit).where(Unit.level == "province"))
    day = clock.today()
    counts = {c.addressee.id: c for c in answers.addressee_counts(db, campaign, root, day)}
    mine = counts[office.addressee_id]
    sql = db.execute(text(
        "SELECT count(*), sum(CASE WHEN answered_on IS NOT NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN due_date < :d AND answered_on IS NULL THEN 1 ELSE 0 END) "
        "FROM recommendations WHERE addressee_id = :a"), {"a": office.addressee_id, "d": day}).one()
    assert (mine.received, mine.answered, mine.overdue) == tuple(int(x) for x in sql)
    assert db.scalar(select(func.count(RecommendationChange.id))) > 0
