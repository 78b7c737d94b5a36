"""The people pages (issue 19): a reporter enters the elected people and delegates one at a time; the reviewer
resolves a short quorum and records the recognition decision; the superior allocates delegates and exports the
consolidated list. Every route is scoped: another unit's people cannot be read or changed by a URL or a field."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from shared import workflow
from shared.models import CongressReport, ElectedMember
from shared.reports import get_or_create_report
from tests.conftest import csrf_token
from tests.report_data import complete_results

HELD = dt.date(2023, 5, 10)


@pytest.fixture
def world(factory, db, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11, username="cs11")
    t.other_reporter = factory.user("reporter", t.g12, username="cs12")
    t.reviewer = factory.user("district", t.d1, username="rg")
    t.other_district = factory.user("district", t.d2, username="gr")
    t.observer_in = factory.user("observer", t.d1, username="qs_in")
    t.observer_out = factory.user("observer", t.d2, username="qs_out")
    return t


def _version(html: str) -> str:
    m = re.search(r'name="version" value="(\d*)"', html)
    return m.group(1) if m else ""


def _add_member(client, unit_id, **fields):
    page = client.get(f"/units/{unit_id}/people")
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, f"/units/{unit_id}/people"), "version": _version(html),
            "full_name": "Nguyễn Văn An", "gender": "male", "birth_year": "1980", "positions": ["chair"],
            "chair_elected": "congress", "votes": "30", "party_member": "on"}
    data.update(fields)
    return client.post(f"/units/{unit_id}/people/members", data=data)


def test_a_reporter_adds_edits_and_removes_a_member(world, login_as, client, db):
    login_as("cs11")
    resp = _add_member(client, world.g11.id)
    assert resp.status_code == 303
    report = db.query(CongressReport).filter_by(unit_id=world.g11.id).one()
    person = report.members[0]
    assert (person.full_name, person.position_codes, person.party_member) == ("Nguyễn Văn An", ["chair"], True)
    assert report.executive_size == 1 and report.executive_party == 1
    page = client.get(f"/units/{world.g11.id}/people").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Tính từ danh sách" in page
    # Edit: the id is kept.
    edit = client.get(f"/units/{world.g11.id}/people/members/{person.id}/edit").get_data(as_text=True)
    resp = client.post(f"/units/{world.g11.id}/people/members/{person.id}", data={
        "csrf_token": csrf_token(client, f"/units/{world.g11.id}/people"), "version": _version(edit),
        "full_name": "Nguyễn Văn Ân", "gender": "male", "birth_year": "1981", "positions": ["chair"], "votes": "31"})
    assert resp.status_code == 303
    db.expire_all()
    assert db.get(ElectedMember, person.id).full_name == "Nguyễn Văn Ân"
    page = client.get(f"/units/{world.g11.id}/people").get_data(as_text=True)
    resp = client.post(f"/units/{world.g11.id}/people/members/{person.id}/delete", data={
        "csrf_token": csrf_token(client, f"/units/{world.g11.id}/people"), "version": _version(page)})
    assert resp.status_code == 303
    pid = person.id
    db.expunge_all()
    assert db.get(ElectedMember, pid) is None


def test_an_invalid_person_keeps_what_was_typed_with_errors_in_vietnamese(world, login_as, client, db):
    login_as("cs11")
    resp = _add_member(client, world.g11.id, full_name="Trần Thị Bích", birth_year="19x8", gender="female")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Năm sinh phải là năm" in html and 'value="Trần Thị Bích"' in html and 'value="19x8"' in html
    assert db.query(ElectedMember).count() == 0


def test_a_member_below_half_of_the_valid_ballots_is_refused_on_the_page(world, login_as, client, db):
    login_as("cs11")
    page = client.get(f"/units/{world.g11.id}/people").get_data(as_text=True)
    resp = client.post(f"/units/{world.g11.id}/people/ballots", data={
        "csrf_token": csrf_token(client, f"/units/{world.g11.id}/people"), "version": _version(page),
        "ballots_issued": "40", "ballots_valid": "40"})
    assert resp.status_code == 303
    resp = _add_member(client, world.g11.id, votes="20")
    assert resp.status_code == 422
    assert "trên một nửa số phiếu hợp lệ" in resp.get_data(as_text=True)
    assert db.query(ElectedMember).count() == 0


def test_a_stale_version_is_a_conflict_that_keeps_the_typed_person(world, login_as, client, db):
    login_as("cs11")
    _add_member(client, world.g11.id)
    seen = _version(client.get(f"/units/{world.g11.id}/people").get_data(as_text=True))  # the page as opened
    _add_member(client, world.g11.id, full_name="Trần Thị Bình", positions=["executive"])  # someone saves since
    resp = _add_member(client, world.g11.id, full_name="Lê Văn Cường", positions=["executive"], version=seen)
    assert resp.status_code == 409
    assert 'value="Lê Văn Cường"' in resp.get_data(as_text=True)


def test_people_of_another_unit_cannot_be_read_or_changed(world, login_as, client, db):
    login_as("cs11")
    assert _add_member(client, world.g11.id).status_code == 303
    person = db.query(ElectedMember).one()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("cs12")
    token = csrf_token(client, "/")
    assert client.get(f"/units/{world.g11.id}/people").status_code == 404
    assert client.get(f"/units/{world.g11.id}/people/delegates").status_code == 404
    assert client.get(f"/units/{world.g11.id}/people/members/{person.id}/edit").status_code == 404
    assert client.post(f"/units/{world.g11.id}/people/members/{person.id}/delete", data={"csrf_token": token}).status_code == 404
    # Its own unit's URL with the other report's person id: still 404, nothing changes.
    assert client.post(f"/units/{world.g12.id}/people/members/{person.id}", data={
        "csrf_token": token, "full_name": "X", "gender": "male", "birth_year": "1980", "positions": ["executive"]}).status_code == 404
    assert client.post(f"/units/{world.g12.id}/people/members/{person.id}/delete", data={"csrf_token": token}).status_code == 404
    db.expire_all()
    assert db.get(ElectedMember, person.id).full_name == "Nguyễn Văn An"


def test_observers_see_people_only_in_their_scope_and_change_nothing(world, login_as, client, db):
    login_as("cs11")
    _add_member(client, world.g11.id)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("qs_out")
    assert client.get(f"/units/{world.g11.id}/people").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("qs_in")
    page = client.get(f"/units/{world.g11.id}/people")
    assert page.status_code == 200 and "Nguyễn Văn An" in page.get_data(as_text=True)
    assert "person-form" not in page.get_data(as_text=True)
    resp = client.post(f"/units/{world.g11.id}/people/members", data={
        "csrf_token": csrf_token(client, "/"), "full_name": "X", "gender": "male", "birth_year": "1980",
        "positions": ["executive"]})
    assert resp.status_code == 403


def _approved(db, world, *, short_quorum=False):
    report = get_or_create_report(db, world.campaign, world.g11, world.reporter)
    complete_results(report, HELD)
    report.ballots_issued = report.ballots_valid = 36
    report.members = [ElectedMember(position=0, full_name="Nguyễn Văn An", gender="male", birth_year=1975,
                                    positions="chair", chair_elected="congress", votes=30),
                      ElectedMember(position=1, full_name="Trần Thị Bích", gender="female", birth_year=1990,
                                    positions="vice_chair", votes=29),
                      ElectedMember(position=2, full_name="Phạm Văn Dũng", gender="male", birth_year=1970,
                                    positions="executive,inspection_head", votes=28)]
    if short_quorum:
        report.present = report.ballots_issued = report.ballots_valid = 20
        for m in report.members:
            m.votes = 15
        report.quorum_reason = "Mưa bão."
    db.flush()
    workflow.submit(db, report, world.reporter, report.version)
    if not short_quorum:
        workflow.approve(db, report, world.reviewer, report.version)
    db.commit()
    return report


def test_the_reviewer_records_the_quorum_resolution_then_approves(world, login_as, client, db):
    report = _approved(db, world, short_quorum=True)
    login_as("rg")
    token = csrf_token(client, "/review")
    resp = client.post(f"/review/{report.id}/approve", data={"csrf_token": token, "version": report.version})
    assert resp.status_code == 409 and "cách đã xử lý" in resp.get_data(as_text=True)
    page = client.get(f"/review/{report.id}/decision").get_data(as_text=True)
    assert "không đủ hai phần ba" in page
    resp = client.post(f"/review/{report.id}/quorum", data={"csrf_token": token, "version": report.version,
                                                             "quorum_resolution": ""})
    assert resp.status_code == 422
    resp = client.post(f"/review/{report.id}/quorum", data={"csrf_token": token, "version": report.version,
                                                             "quorum_resolution": "Đã tổ chức lại phiên bầu."})
    assert resp.status_code == 303
    db.expire_all()
    report = db.get(CongressReport, report.id)
    resp = client.post(f"/review/{report.id}/approve", data={"csrf_token": token, "version": report.version})
    assert resp.status_code == 303
    db.expire_all()
    assert db.get(CongressReport, report.id).status == "approved"


def test_the_reviewer_downloads_and_records_the_decision_the_unit_sees_it(world, login_as, client, db):
    report = _approved(db, world)
    login_as("gr")  # another district: not even the page
    assert client.get(f"/review/{report.id}/decision").status_code == 404
    assert client.get(f"/review/{report.id}/decision.docx").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("rg")
    resp = client.get(f"/review/{report.id}/decision.docx")
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.data))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Độc lập - Tự do - Hạnh phúc" in text and "Trần Thị Bích" in text
    token = csrf_token(client, f"/review/{report.id}/decision")
    resp = client.post(f"/review/{report.id}/decision", data={"csrf_token": token, "decision_number": "",
                                                               "decision_date": "32/13/2023"})
    assert resp.status_code == 422 and 'value="32/13/2023"' in resp.get_data(as_text=True)
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    resp = client.post(f"/review/{report.id}/decision", data={
        "csrf_token": token, "decision_number": "25/QĐ-LĐLĐ", "decision_date": "20/05/2023",
        "scan": (pdf, "qd.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 303
    review_page = client.get(f"/review/{report.id}").get_data(as_text=True)
    assert "Đã có quyết định công nhận số 25/QĐ-LĐLĐ ngày 20/05/2023" in review_page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("cs11")
    page = client.get(f"/units/{world.g11.id}/people").get_data(as_text=True)
    assert "Đã có quyết định công nhận số 25/QĐ-LĐLĐ" in page
    assert client.get(f"/units/{world.g11.id}/people/decision-scan").status_code == 200
    own = client.get(f"/review/{report.id}/decision")  # the unit reads its own lists there, without the forms
    assert own.status_code == 200 and "decision_number" not in own.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("cs12")
    assert client.get(f"/units/{world.g11.id}/people/decision-scan").status_code == 404


def test_allocation_and_the_consolidated_delegate_list(world, login_as, client, db):
    login_as("rg")
    token = csrf_token(client, "/people/delegates")
    assert client.post(f"/people/allocations/{world.g11.id}", data={"csrf_token": token, "official": "1",
                                                                    "alternate": "0"}).status_code == 303
    assert client.post(f"/people/allocations/{world.g21.id}", data={"csrf_token": token, "official": "1",
                                                                    "alternate": "0"}).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("cs11")
    page = client.get(f"/units/{world.g11.id}/people/delegates").get_data(as_text=True)
    assert "1 đại biểu chính thức" in page
    data = {"csrf_token": csrf_token(client, "/"), "full_name": "Nguyễn Văn An", "gender": "male",
            "birth_year": "1975", "kind": "official", "title": "Chủ tịch công đoàn", "version": _version(page)}
    assert client.post(f"/units/{world.g11.id}/people/delegates", data=data).status_code == 303
    page = client.get(f"/units/{world.g11.id}/people/delegates").get_data(as_text=True)
    resp = client.post(f"/units/{world.g11.id}/people/delegates",
                       data={**data, "full_name": "Trần Thị Bích", "gender": "female", "version": _version(page)})
    assert resp.status_code == 422 and "Vượt số đại biểu chính thức" in resp.get_data(as_text=True)
    assert client.get("/people/delegates").status_code == 404  # a grassroots union has no congress of delegates below
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("rg")
    page = client.get("/people/delegates").get_data(as_text=True)
    assert "Nguyễn Văn An" in page
    book = load_workbook(io.BytesIO(client.get("/people/delegates.xlsx").data))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "Nguyễn Văn An" in cells
    doc = Document(io.BytesIO(client.get("/people/delegates.docx").data))
    assert "DANH SÁCH ĐẠI BIỂU" in "\n".join(p.text for p in doc.paragraphs)
    assert round(doc.sections[0].page_width.cm, 1) == 21.0
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("gr")
    assert client.get(f"/people/delegates?unit={world.d1.id}").status_code == 404
    assert "Nguyễn Văn An" not in client.get("/people/delegates").get_data(as_text=True)


def test_the_dashboard_counts_recognised_units_as_of_a_day(world, login_as, client, db):
    from shared import people

    report = _approved(db, world)
    people.record_decision(db, world.reviewer, report, number="3/QĐ", signed_on="25/05/2023")
    db.commit()
    login_as("rg")
    page = client.get("/dashboard?section=personnel&as_of=31/05/2023").get_data(as_text=True)
    recognised = re.search(r'<p id="recognised">(.*?)</p>', page, re.S).group(1)
    assert re.search(r'data-level="grassroots">Công đoàn cơ sở: 1<', recognised)
    page = client.get("/dashboard?section=personnel&as_of=24/05/2023").get_data(as_text=True)
    assert re.search(r'data-level="grassroots">Công đoàn cơ sở: 0<', page)
    assert "Số BCH có danh sách tên (số liệu tính từ danh sách): 1" in client.get(
        "/dashboard?section=personnel&as_of=31/05/2023").get_data(as_text=True)


def test_the_print_view_lists_the_people(world, login_as, client, db):
    report = _approved(db, world)
    login_as("cs11")
    page = client.get(f"/units/{world.g11.id}/report/print").get_data(as_text=True)
    assert "Danh sách người trúng cử" in page and "Trần Thị Bích (nữ)" in page and "Chủ nhiệm UBKT" in page
    assert report.id
