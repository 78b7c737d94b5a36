"""Steering committees: composition warnings, listing on the unit page, scope of editing, export."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from shared import steering
from shared.models import SteeringCommittee, SteeringMember

DIRECTIVE = [
    ("Lê Văn Hùng", "Trưởng Ban Dân vận Thành ủy", "mass_mobilization", "head"),
    ("Trần Thị Lan", "Chủ tịch LĐLĐ thành phố", "federation", "standing_deputy"),
    ("Phạm Minh Tuấn", "Phó Trưởng Ban Tổ chức", "organisation", "member"),
    ("Ngô Thu Hạnh", "Phó Trưởng Ban Tuyên giáo", "propaganda", "member"),
]


def _committee(members, number="15-QĐ/TU", date=dt.date(2022, 12, 20)):
    c = SteeringCommittee(decision_number=number, decision_date=date)
    c.members = [SteeringMember(full_name=n, title=t, agency="", agency_kind=k, role=r) for n, t, k, r in members]
    return c


def test_directive_composition_gives_no_warning():
    assert steering.warnings(_committee(DIRECTIVE)) == []


def test_composition_departures_are_warned():
    assert steering.warnings(None) == ["Chưa có danh sách Ban Chỉ đạo đại hội."]
    wrong_head = [("A", "", "organisation", "head"), *DIRECTIVE[1:]]
    assert "Trưởng ban theo chỉ thị là Trưởng Ban Dân vận cấp ủy." in steering.warnings(_committee(wrong_head))
    no_deputy = [DIRECTIVE[0], *DIRECTIVE[2:], ("B", "", "federation", "member")]
    assert "Chưa có Phó Trưởng ban thường trực." in steering.warnings(_committee(no_deputy))
    deputy_not_federation = [DIRECTIVE[0], ("B", "", "sector", "standing_deputy"), *DIRECTIVE[2:]]
    warns = steering.warnings(_committee(deputy_not_federation))
    assert "Phó Trưởng ban thường trực theo chỉ thị là Chủ tịch Liên đoàn Lao động." in warns
    assert "Thiếu thành viên từ: Liên đoàn Lao động." in warns
    assert "Thiếu thành viên từ: Ban Tuyên giáo." in steering.warnings(_committee(DIRECTIVE[:3]))
    assert "Chưa ghi số và ngày quyết định thành lập." in steering.warnings(_committee(DIRECTIVE, number=None))
    two_heads = [*DIRECTIVE, ("C", "", "mass_mobilization", "head")]
    assert "Có nhiều hơn một Trưởng ban." in steering.warnings(_committee(two_heads))


def test_party_committee_sets_up_its_committee_and_the_unit_page_lists_it(party, as_user):
    d1 = party.t.d1
    c = as_user(party.pc1)
    resp = c.post_form(f"/party/units/{d1.id}/steering/decision", {"decision_number": "15-QĐ/TU", "decision_date": "20/12/2022"})
    assert resp.status_code == 303
    for name, title, kind, role in DIRECTIVE[:3]:
        resp = c.post_form(f"/party/units/{d1.id}/steering/members", {"full_name": name, "title": title, "agency": "Thành ủy", "agency_kind": kind, "role": role})
        assert resp.status_code == 303
    html = as_user(party.coordinator).get(f"/units/{d1.id}").get_data(as_text=True)
    assert "Ban Chỉ đạo đại hội" in html and "Lê Văn Hùng" in html and "Trưởng ban" in html
    assert "Thiếu thành viên từ: Ban Tuyên giáo." in html
    resp = c.post_form(f"/party/units/{d1.id}/steering/members", {"full_name": DIRECTIVE[3][0], "title": "", "agency": "", "agency_kind": "propaganda", "role": "member"})
    assert "Thiếu thành viên" not in c.get(f"/party/units/{d1.id}/steering").get_data(as_text=True)


def test_bad_input_is_shown_next_to_the_field(party, as_user):
    c = as_user(party.pc1)
    resp = c.post_form(f"/party/units/{party.t.d1.id}/steering/decision", {"decision_number": "1", "decision_date": "31/02/2023"})
    assert resp.status_code == 422 and "Ngày không hợp lệ" in resp.get_data(as_text=True)
    resp = c.post_form(f"/party/units/{party.t.d1.id}/steering/members", {"full_name": " ", "agency_kind": "federation", "role": "member"})
    assert resp.status_code == 422 and "Hãy nhập họ và tên." in resp.get_data(as_text=True)


def test_only_the_units_own_accounts_edit_it(party, as_user, factory):
    d1 = party.t.d1
    data = {"full_name": "X", "agency_kind": "other", "role": "member"}
    assert as_user(party.pc2).post_form(f"/party/units/{d1.id}/steering/members", data).status_code == 404
    assert as_user(party.pc2).get(f"/party/units/{d1.id}/steering").status_code == 404
    assert as_user(party.coordinator).post_form(f"/party/units/{d1.id}/steering/members", data).status_code == 404
    assert as_user(party.pc1).get(f"/party/units/{party.t.g11.id}/steering").status_code == 404  # grassroots: none


def test_committees_export_to_xlsx(party, as_user):
    c = as_user(party.pc1)
    c.post_form(f"/party/units/{party.t.d1.id}/steering/members", {"full_name": "Lê Văn Hùng", "title": "Trưởng Ban Dân vận", "agency": "Thành ủy", "agency_kind": "mass_mobilization", "role": "head"})
    resp = as_user(party.coordinator).get("/party/steering/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == party.t.d1.name and rows[1][3] == "Lê Văn Hùng" and rows[1][7] == "Trưởng ban"
    assert "Chưa có Phó Trưởng ban thường trực." in rows[1][8]
    listing = as_user(party.coordinator).get("/party/steering").get_data(as_text=True)
    assert party.t.d2.name in listing and "Chưa có danh sách Ban Chỉ đạo đại hội." in listing
