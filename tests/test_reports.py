"""A unit plans and reports its congress in the portal: every validation rule, scope, CSRF,
optimistic locking, submit, the audit trail and the print view."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from sqlalchemy import select

from shared.models import AuditLog, CongressReport, ReportVersion
from shared.reports import report_warnings
from tests.conftest import csrf_token

VALID = {
    "planned_date": "20/04/2023", "form": "toan_the", "form_override_reason": "", "meeting_mode": "in_person",
    "is_pilot": "0", "planned_summoned": "40", "planned_executive_size": "5",
    "held_date": "20/04/2023", "members_total": "40", "summoned": "40", "present": "35",
    "executive_size": "5", "executive_women": "2", "executive_young": "1", "executive_party": "3",
    "executive_ethnic_minority": "0", "executive_reelected": "3", "executive_new": "2", "executive_from_plan": "4",
    "fulltime_not_reelected_age": "0", "standing_size": "0", "inspection_size": "3",
    "delegates_official": "1", "delegates_alternate": "0", "works_count": "2", "works_value_vnd": "15.000.000",
    "exemplary_count": "3", "funding_vnd": "2000000", "notes": "Đại hội thành công tốt đẹp.",
    "officers-present": "1", "officers-0-role": "chair", "officers-0-full_name": "Nguyễn Thị Hoa",
    "officers-0-gender": "female", "officers-0-vote_pct": "92,5",
    "recommendations-present": "1", "recommendations-0-topic": "income",
    "recommendations-0-text": "Đề nghị điều chỉnh lương tối thiểu vùng", "recommendations-0-addressed_to": "UBND tỉnh",
}


@pytest.fixture
def setup(factory, today):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11, username="coso11")
    return t


def url(unit, suffix=""):
    return f"/units/{unit.id}/report{suffix}"


def post(client, unit, data, action="save", version=None, suffix=""):
    token = csrf_token(client, url(unit))
    form = dict(data, csrf_token=token, action=action)
    if version is not None:
        form["version"] = str(version)
    return client.post(url(unit, suffix), data=form)


def stored(db, unit) -> CongressReport | None:
    db.expire_all()
    return db.scalar(select(CongressReport).where(CongressReport.unit_id == unit.id))


# ---- every rule: a failing and a passing case -----------------------------------------------

# (id, bad changes, field with the error, message fragment, good changes)
# Input that cannot be stored at all: "Lưu nháp" keeps nothing, says so plainly, marks the fields.
UNSTORABLE = [
    ("non_negative", {"members_total": "-3"}, "members_total", "Không được là số âm", {"members_total": "41"}),
    ("integer", {"summoned": "ba mươi"}, "summoned", "số nguyên", {"summoned": "38"}),
    ("grouped_money", {"funding_vnd": "2.000.00"}, "funding_vnd", "số nguyên", {"funding_vnd": "2.500.000"}),
    ("beyond_the_column", {"funding_vnd": "10000000000000000"}, "funding_vnd", "Không được lớn hơn", {"funding_vnd": "1000"}),
    ("date_format", {"planned_date": "32/13/2023"}, "planned_date", "dd/mm/yyyy", {"planned_date": "2023-04-20"}),
    ("vote_pct_range", {"officers-0-vote_pct": "120"}, "officers-0-vote_pct", "từ 0 đến 100", {"officers-0-vote_pct": "100"}),
    ("officer_name", {"officers-0-full_name": "  "}, "officers-0-full_name", "họ và tên", {"officers-0-full_name": "Lê Văn Bình"}),
    ("officer_role", {"officers-0-role": "thu_ky"}, "officers-0-role", "không hợp lệ", {"officers-0-role": "chair"}),
    ("recommendation_text", {"recommendations-0-text": ""}, "recommendations-0-text", "nội dung", {"recommendations-0-text": "Nhà ở xã hội"}),
    ("recommendation_topic", {"recommendations-0-topic": "xyz"}, "recommendations-0-topic", "không hợp lệ", {"recommendations-0-topic": "housing"}),
    ("notes_length", {"notes": "a" * 5001}, "notes", "5000 ký tự", {"notes": "a" * 5000}),
    ("reason_length", {"form": "dai_bieu", "form_override_reason": "x" * 501}, "form_override_reason", "500 ký tự",
     {"form": "dai_bieu", "form_override_reason": "x" * 500}),
    ("form_choice", {"form": "hop_mat"}, "form", "không hợp lệ", {"form": "toan_the"}),
]
# Contradictions between fields: the draft is saved with them; they are shown and block sending.
CONTRADICTIONS = [
    ("present_le_summoned", {"present": "41"}, "present", "Không được lớn hơn", {"present": "40"}),
    ("summoned_le_members", {"summoned": "45", "present": "30"}, "summoned", "Không được lớn hơn", {"summoned": "39", "present": "30"}),
    ("women_le_size", {"executive_women": "6"}, "executive_women", "Không được lớn hơn", {"executive_women": "5"}),
    ("young_le_size", {"executive_young": "7"}, "executive_young", "Không được lớn hơn", {"executive_young": "0"}),
    ("party_le_size", {"executive_party": "9"}, "executive_party", "Không được lớn hơn", {"executive_party": "5"}),
    ("ethnic_le_size", {"executive_ethnic_minority": "6"}, "executive_ethnic_minority", "Không được lớn hơn", {"executive_ethnic_minority": "1"}),
    ("from_plan_le_size", {"executive_from_plan": "6"}, "executive_from_plan", "Không được lớn hơn", {"executive_from_plan": "5"}),
    ("standing_le_size", {"standing_size": "6"}, "standing_size", "Không được lớn hơn", {"standing_size": "1"}),
    ("reelected_plus_new", {"executive_new": "3"}, "executive_new", "phải bằng số ủy viên BCH", {"executive_reelected": "2", "executive_new": "3"}),
    ("held_in_window", {"held_date": "31/12/2022"}, "held_date", "trong thời gian của đợt", {"held_date": "02/01/2023"}),
    ("held_not_future", {"held_date": "02/06/2023"}, "held_date", "không được sau ngày hôm nay", {"held_date": "01/06/2023"}),
    ("planned_in_window", {"planned_date": "01/11/2023"}, "planned_date", "trong thời gian của đợt", {"planned_date": "30/10/2023"}),
    ("elected_above_half", {"officers-0-vote_pct": "50"}, "officers-0-vote_pct", "trên 50", {"officers-0-vote_pct": "50,01"}),
    ("one_chair", {"officers-1-role": "chair", "officers-1-full_name": "Trần Văn C", "officers-1-vote_pct": "70"}, "officers", "một Chủ tịch",
     {"officers-1-role": "vice_chair", "officers-1-full_name": "Trần Văn C", "officers-1-vote_pct": "70"}),
    ("form_override_needs_reason", {"form": "dai_bieu"}, "form_override_reason", "lý do",
     {"form": "dai_bieu", "form_override_reason": "Đơn vị phân tán ở nhiều địa bàn."}),
]


def _error_of(html: str, field: str) -> str:
    return html.split(f'id="err-{field}">', 1)[1].split("</span>", 1)[0]


@pytest.mark.parametrize("bad, field, message, good", [r[1:] for r in UNSTORABLE], ids=[r[0] for r in UNSTORABLE])
def test_input_that_cannot_be_stored_keeps_the_draft_unsaved_and_says_so(
    client, db, login_as, setup, bad, field, message, good
):
    login_as(setup.reporter)
    resp = post(client, setup.g11, dict(VALID, **bad))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert message.lower() in _error_of(html, field).lower()
    banner = html.split('id="form-message"', 1)[1].split("</div>", 1)[0]
    assert "Chưa lưu:" in banner and f'href="#f-{field}"' in banner  # plainly, with the field named
    assert stored(db, setup.g11) is None  # nothing saved

    resp = post(client, setup.g11, dict(VALID, **good))
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    assert stored(db, setup.g11) is not None


@pytest.mark.parametrize("bad, field, message, good", [r[1:] for r in CONTRADICTIONS], ids=[r[0] for r in CONTRADICTIONS])
def test_a_contradiction_is_saved_shown_and_blocks_only_sending(client, db, login_as, setup, bad, field, message, good):
    login_as(setup.reporter)
    resp = post(client, setup.g11, dict(VALID, **bad))
    assert resp.status_code == 303  # "Lưu nháp" saved the draft
    report = stored(db, setup.g11)
    assert report is not None and report.status == "draft"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu bản nháp. Còn" in page and "phải sửa trước khi gửi" in page
    assert message.lower() in _error_of(page, field).lower()  # marked on the form
    blockers = page.split('id="send-blockers"', 1)[1].split("</div>", 1)[0]
    assert f'data-field="{field}"' in blockers and "Cần sửa trước khi gửi báo cáo" in blockers

    resp = post(client, setup.g11, dict(VALID, **bad), action="submit", version=report.version)
    assert resp.status_code == 303 and "check=send" in resp.headers["Location"]
    assert stored(db, setup.g11).status == "draft"  # not sent
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "chưa gửi được" in page and f'data-field="{field}"' in page

    resp = post(client, setup.g11, dict(VALID, **good), version=stored(db, setup.g11).version)
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="send-blockers"' not in page and _error_of(page, field) == ""


def test_submit_requires_the_results_and_a_chair(client, db, login_as, setup):
    login_as(setup.reporter)
    plan_only = {k: VALID[k] for k in ("planned_date", "form", "meeting_mode", "is_pilot", "planned_summoned")}
    assert post(client, setup.g11, plan_only).status_code == 303
    version = stored(db, setup.g11).version
    resp = post(client, setup.g11, dict(plan_only, **{"officers-present": "1"}), action="submit", version=version)
    assert resp.status_code == 303  # the draft is kept, the send refused: the page says what it needs
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="err-held_date">Bắt buộc nhập trước khi gửi báo cáo.' in html
    assert "Hãy nhập Chủ tịch công đoàn được bầu." in html
    report = stored(db, setup.g11)
    assert report.status == "draft" and report.held_date is None

    resp = post(client, setup.g11, VALID, action="submit", version=report.version)
    assert resp.status_code == 303
    report = stored(db, setup.g11)
    assert report.status == "submitted"
    assert report.submitted_at is not None
    page = client.get(url(setup.g11)).get_data(as_text=True)
    assert 'data-status="submitted"' in page
    assert 'id="report-form"' not in page  # read-only after submit
    assert "Nguyễn Thị Hoa" in page
    # and a later post is refused, the report unchanged
    assert post(client, setup.g11, dict(VALID, notes="sửa sau khi gửi"), version=report.version).status_code == 403
    assert stored(db, setup.g11).notes == "Đại hội thành công tốt đẹp."


def test_values_are_parsed_normalised_and_stored(client, db, login_as, setup):
    login_as(setup.reporter)
    nfd = unicodedata.normalize("NFD", "  Đại hội   đoàn kết  ")
    resp = post(client, setup.g11, dict(VALID, notes=nfd, **{"officers-0-full_name": unicodedata.normalize("NFD", "Nguyễn Thị Hoa")}))
    assert resp.status_code == 303
    r = stored(db, setup.g11)
    assert r.notes == "Đại hội đoàn kết"
    assert unicodedata.is_normalized("NFC", r.officers[0].full_name)
    assert r.works_value_vnd == 15_000_000 and r.funding_vnd == 2_000_000
    assert float(r.officers[0].vote_pct) == 92.5
    assert r.held_date == dt.date(2023, 4, 20)
    assert r.planned_at is not None  # counts as "with a plan"
    assert [x.topic for x in r.recommendations] == ["income"]


def test_a_rejected_form_keeps_everything_the_user_typed(client, login_as, setup):
    login_as(setup.reporter)
    resp = post(client, setup.g11, dict(VALID, present="bốn mươi mốt", notes="Ghi chú của tôi"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'value="bốn mươi mốt"' in html
    assert "Ghi chú của tôi" in html
    assert 'value="Nguyễn Thị Hoa"' in html
    assert 'value="15.000.000"' in html
    assert "Đề nghị điều chỉnh lương tối thiểu vùng" in html


def test_quorum_and_size_guidance_are_warnings_not_errors(client, db, login_as, setup):
    login_as(setup.reporter)
    resp = post(client, setup.g11, dict(VALID, present="26"))  # 26/40 < two thirds
    assert resp.status_code == 303
    assert any("hai phần ba" in w for w in report_warnings(stored(db, setup.g11)))
    assert "hai phần ba" in client.get(url(setup.g11)).get_data(as_text=True)

    resp = post(client, setup.g11, dict(VALID, present="27"), version=stored(db, setup.g11).version)  # 27*3 >= 80
    assert resp.status_code == 303
    assert not any("hai phần ba" in w for w in report_warnings(stored(db, setup.g11)))

    big = dict(VALID, executive_size="17", executive_reelected="10", executive_new="7", standing_size="7")
    assert post(client, setup.g11, big, version=stored(db, setup.g11).version).status_code == 303
    warnings = report_warnings(stored(db, setup.g11))
    assert any("ngoài khoảng hướng dẫn 3–15" in w for w in warnings)
    assert any("một phần ba" in w for w in warnings)

    small = dict(VALID, standing_size="1")
    assert post(client, setup.g11, small, version=stored(db, setup.g11).version).status_code == 303
    assert any("từ 9 ủy viên" in w for w in report_warnings(stored(db, setup.g11)))


# ---- scope and CSRF --------------------------------------------------------------------------


def test_reporter_cannot_open_or_post_another_units_report(client, db, login_as, setup):
    login_as(setup.reporter)
    assert client.get(url(setup.g12)).status_code == 404
    assert client.get(url(setup.g12, "/print")).status_code == 404
    token = csrf_token(client, url(setup.g11))
    assert client.post(url(setup.g12), data=dict(VALID, csrf_token=token)).status_code == 404
    assert client.post(url(setup.g12, "/validate"), data=dict(VALID, csrf_token=token)).status_code == 404
    assert client.post(url(setup.g12, "/rows"), data=dict(VALID, csrf_token=token, action="add_officer")).status_code == 404
    assert stored(db, setup.g12) is None
    # a unit or report id smuggled in hidden fields is ignored: the URL's (own) unit is saved
    resp = client.post(url(setup.g11), data=dict(VALID, csrf_token=token, unit_id=str(setup.g12.id), report_id="1"))
    assert resp.status_code == 303
    assert stored(db, setup.g12) is None
    assert stored(db, setup.g11) is not None


def test_district_reviews_read_only_and_another_district_gets_404(client, db, factory, login_as, setup):
    login_as(setup.reporter)
    post(client, setup.g11, VALID)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(factory.user("district", setup.d1))
    page = client.get(url(setup.g11))
    assert page.status_code == 200
    assert "Nguyễn Thị Hoa" in page.get_data(as_text=True)
    assert 'id="report-form"' not in page.get_data(as_text=True)
    assert post(client, setup.g11, dict(VALID, notes="cấp trên sửa")).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(factory.user("district", setup.d2))
    assert client.get(url(setup.g11)).status_code == 404


def test_a_post_without_csrf_token_is_refused(client, db, login_as, setup):
    login_as(setup.reporter)
    resp = client.post(url(setup.g11), data=dict(VALID, action="save"))
    assert resp.status_code == 400
    assert stored(db, setup.g11) is None


# ---- optimistic locking ----------------------------------------------------------------------


def test_a_stale_save_gets_a_conflict_page_with_both_versions(app, client, db, login_as, setup):
    login_as(setup.reporter)
    assert post(client, setup.g11, dict(VALID, notes="Bản đầu")).status_code == 303
    opened_version = stored(db, setup.g11).version
    # a second browser of the same unit saves first
    other = app.test_client()
    token = csrf_token(other, "/login")
    other.post("/login", data={"username": "coso11", "password": "matkhau123", "csrf_token": token})
    assert post(other, setup.g11, dict(VALID, notes="Bản của máy kia"), version=opened_version).status_code == 303
    # the first browser's save is stale
    resp = post(client, setup.g11, dict(VALID, notes="Bản của tôi"), version=opened_version)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Bản của tôi" in html and "Bản của máy kia" in html
    assert 'data-differs="notes"' in html
    assert stored(db, setup.g11).notes == "Bản của máy kia"  # never a silent overwrite
    # the user chooses to keep theirs: the page's form carries the current version
    current = stored(db, setup.g11).version
    assert f'name="version" value="{current}"' in html
    assert 'name="notes" value="Bản của tôi"' in html  # "keep mine" re-posts what the user typed
    assert post(client, setup.g11, dict(VALID, notes="Bản của tôi"), version=current).status_code == 303
    assert stored(db, setup.g11).notes == "Bản của tôi"


def test_a_form_opened_before_the_report_existed_conflicts_too(app, client, db, login_as, setup):
    login_as(setup.reporter)
    token = csrf_token(client, url(setup.g11))  # page opened: no report yet (empty version)
    other = app.test_client()
    other.post("/login", data={"username": "coso11", "password": "matkhau123", "csrf_token": csrf_token(other, "/login")})
    assert post(other, setup.g11, dict(VALID, notes="Máy kia")).status_code == 303
    resp = client.post(url(setup.g11), data=dict(VALID, csrf_token=token, version="", notes="Máy này"))
    assert resp.status_code == 409
    assert stored(db, setup.g11).notes == "Máy kia"


# ---- audit trail, rows, inline validation, print, home -------------------------------------


def test_every_save_and_the_submit_are_in_the_audit_trail(client, db, login_as, setup):
    login_as(setup.reporter)
    post(client, setup.g11, {"planned_date": "15/04/2023", "form": "toan_the"})
    v = stored(db, setup.g11).version
    post(client, setup.g11, dict(VALID, planned_date="20/04/2023"), version=v)
    v = stored(db, setup.g11).version
    post(client, setup.g11, VALID, action="submit", version=v)
    report = stored(db, setup.g11)
    entries = db.scalars(
        select(AuditLog).where(AuditLog.object_type == "congress_report", AuditLog.object_id == report.id).order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == ["report.save", "report.save", "report.save", "report.submit"]
    assert entries[0].changes["planned_date"] == [None, "2023-04-15"]
    assert entries[1].changes["planned_date"] == ["2023-04-15", "2023-04-20"]
    assert "present" in entries[1].changes
    assert entries[3].changes["status"] == ["draft", "submitted"]
    assert all(e.user_id == setup.reporter.id for e in entries)
    versions = db.scalars(select(ReportVersion.version).where(ReportVersion.report_id == report.id)).all()
    assert len(versions) >= 3
    page = client.get(url(setup.g11)).get_data(as_text=True)
    assert "Lịch sử thay đổi" in page
    assert "Ngày dự kiến đại hội: 15/04/2023 → 20/04/2023" in page
    assert "Trạng thái: Bản nháp → Đã gửi" in page


def test_rows_are_added_and_removed_without_javascript(client, db, login_as, setup):
    login_as(setup.reporter)
    resp = post(client, setup.g11, VALID, action="add_officer")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'name="officers-1-role"' in html and 'value="Nguyễn Thị Hoa"' in html
    assert stored(db, setup.g11) is None  # adding a row saves nothing
    resp = post(client, setup.g11, VALID, action="remove_recommendation-0")
    assert 'name="recommendations-0-text"' not in resp.get_data(as_text=True)


def test_htmx_rows_endpoint_returns_only_the_table(client, login_as, setup):
    login_as(setup.reporter)
    token = csrf_token(client, url(setup.g11))
    resp = client.post(
        url(setup.g11, "/rows"), data=dict(VALID, action="add_recommendation"),
        headers={"HX-Request": "true", "HX-Target": "recommendations", "X-CSRFToken": token},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.lstrip().startswith('<fieldset id="recommendations">')
    assert 'name="recommendations-1-topic"' in html
    assert "<html" not in html


def test_inline_validation_answers_each_fields_message_and_the_banner(client, login_as, setup):
    login_as(setup.reporter)
    token = csrf_token(client, url(setup.g11))
    resp = client.post(
        url(setup.g11, "/validate"), data={"summoned": "40", "present": "50", "officers-present": "1"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    html = resp.get_data(as_text=True)
    assert '<span class="field-error" id="err-present" hx-swap-oob="true">Không được lớn hơn' in html
    assert '<span class="field-error" id="err-summoned" hx-swap-oob="true"></span>' in html
    assert 'id="report-warnings"' in html
    resp = client.post(
        url(setup.g11, "/validate"), data={"summoned": "40", "present": "20"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    html = resp.get_data(as_text=True)
    assert 'id="err-present" hx-swap-oob="true"></span>' in html
    assert "hai phần ba" in html


def test_print_view_is_read_only_a4(client, login_as, setup):
    login_as(setup.reporter)
    post(client, setup.g11, VALID)
    resp = client.get(url(setup.g11, "/print"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "BÁO CÁO KẾT QUẢ ĐẠI HỘI" in html and "print.css" in html
    assert "Nguyễn Thị Hoa" in html and "15.000.000" in html
    assert "<form" not in html


def test_reporter_home_shows_its_report_and_a_button(client, login_as, setup):
    login_as(setup.reporter)
    html = client.get("/").get_data(as_text=True)
    assert 'id="my-report"' in html and "Lập kế hoạch đại hội" in html
    post(client, setup.g11, VALID)
    html = client.get("/").get_data(as_text=True)
    assert 'data-status="draft"' in html and "Tiếp tục điền báo cáo" in html
    assert f'href="/units/{setup.g11.id}/report"' in html


def test_unit_page_links_to_the_report(client, login_as, setup):
    login_as(setup.reporter)
    html = client.get(f"/units/{setup.g11.id}").get_data(as_text=True)
    assert f'href="/units/{setup.g11.id}/report?campaign={setup.campaign.id}"' in html
    assert "Ghi kế hoạch, báo cáo đại hội" in html


def test_a_closed_campaign_is_read_only(client, db, login_as, setup):
    login_as(setup.reporter)
    setup.campaign.closed = True
    db.commit()
    assert 'id="report-form"' not in client.get(url(setup.g11)).get_data(as_text=True)
    assert post(client, setup.g11, VALID).status_code == 403
    assert stored(db, setup.g11) is None


def test_a_returned_report_shows_the_reason_and_can_be_corrected_and_resubmitted(client, db, factory, login_as, setup):
    from shared import workflow

    login_as(setup.reporter)
    post(client, setup.g11, VALID, action="submit")
    report = stored(db, setup.g11)
    workflow.return_report(db, report, factory.user("district", setup.d1), "Thiếu số đại biểu dự khuyết")
    db.commit()
    page = client.get(url(setup.g11)).get_data(as_text=True)
    assert 'data-status="returned"' in page
    assert "Lý do: Thiếu số đại biểu dự khuyết" in page
    assert 'id="report-form"' in page
    resp = post(client, setup.g11, dict(VALID, delegates_alternate="1"), action="submit", version=stored(db, setup.g11).version)
    assert resp.status_code == 303
    report = stored(db, setup.g11)
    assert (report.status, report.delegates_alternate, report.return_reason) == ("submitted", 1, None)


def test_the_form_preselects_the_suggested_congress_form(client, factory, login_as, setup):
    login_as(factory.user("reporter", setup.g12))  # 300 members, above the threshold of 150
    html = client.get(url(setup.g12)).get_data(as_text=True)
    assert '<option value="dai_bieu" selected>' in html
    assert "Đề xuất: Đại hội đại biểu" in html


def test_inline_validation_points_at_the_row_on_the_page_even_after_an_empty_row(client, login_as, setup):
    login_as(setup.reporter)
    token = csrf_token(client, url(setup.g11))
    resp = client.post(
        url(setup.g11, "/validate"),
        data={"officers-present": "1", "officers-0-role": "", "officers-0-full_name": "", "officers-0-vote_pct": "",
              "officers-1-role": "chair", "officers-1-full_name": "Lê Văn Bình", "officers-1-vote_pct": "40"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    html = resp.get_data(as_text=True)
    assert 'id="err-officers-1-vote_pct" hx-swap-oob="true">Người trúng cử phải đạt trên 50' in html
    assert 'id="err-officers-0-vote_pct" hx-swap-oob="true"></span>' in html


def test_removing_a_row_after_an_empty_one_removes_that_row(client, login_as, setup):
    login_as(setup.reporter)
    rows = {"officers-present": "1", "officers-0-full_name": "An", "officers-1-full_name": "",
            "officers-2-full_name": "Cường"}
    html = post(client, setup.g11, rows, action="remove_officer-2").get_data(as_text=True)
    assert 'value="An"' in html and 'value="Cường"' not in html
    html = post(client, setup.g11, rows, action="add_officer").get_data(as_text=True)
    assert 'name="officers-3-full_name"' in html  # empty rows stay while the user is still filling them


def test_a_report_of_another_campaign_stays_on_that_campaign(client, db, factory, login_as, setup):
    newer = factory.campaign(name="Đợt thử nghiệm sau", start_date=dt.date(2023, 2, 1))  # now the current one
    login_as(setup.reporter)
    page = client.get(url(setup.g11) + f"?campaign={setup.campaign.id}").get_data(as_text=True)
    assert f'action="/units/{setup.g11.id}/report?campaign={setup.campaign.id}"' in page
    token = csrf_token(client, url(setup.g11))
    resp = client.post(url(setup.g11) + f"?campaign={setup.campaign.id}", data=dict(VALID, csrf_token=token))
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"?campaign={setup.campaign.id}")
    db.expire_all()
    saved = db.scalars(select(CongressReport).where(CongressReport.unit_id == setup.g11.id)).all()
    assert [r.campaign_id for r in saved] == [setup.campaign.id] != [newer.id]


# ---- one save use case: the portal answers what shared.reports.save_draft decides ----------------


def test_a_closed_campaigns_draft_cannot_be_saved_or_sent_from_the_form(client, db, login_as, setup):
    login_as(setup.reporter)
    assert post(client, setup.g11, dict(VALID, notes="trước khi đóng")).status_code == 303
    version = stored(db, setup.g11).version
    setup.campaign.closed = True
    db.commit()
    for action in ("save", "submit"):
        resp = post(client, setup.g11, dict(VALID, notes="sau khi đóng"), action=action, version=version)
        assert resp.status_code == 403 and "Đợt đại hội đã kết thúc" in resp.get_data(as_text=True)
    report = stored(db, setup.g11)
    assert (report.notes, report.version, report.status) == ("trước khi đóng", version, "draft")


def test_a_concurrent_first_save_from_the_form_is_the_conflict_page(client, db, login_as, setup, monkeypatch):
    import shared.reports as reports
    from shared.db import make_session_factory

    login_as(setup.reporter)
    original = reports.get_report

    def look_then_lose_the_race(session, campaign, unit):
        monkeypatch.setattr(reports, "get_report", original)
        other = make_session_factory(db.get_bind())()
        reports.create_report(other, other.merge(campaign), other.merge(unit), other.merge(setup.reporter)).notes = "Máy kia"
        other.commit()
        other.close()
        return None

    token = csrf_token(client, url(setup.g11))
    monkeypatch.setattr(reports, "get_report", look_then_lose_the_race)
    resp = client.post(url(setup.g11), data=dict(VALID, csrf_token=token, action="save", version="", notes="Máy này"))
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Máy này" in html and "Máy kia" in html
    assert stored(db, setup.g11).notes == "Máy kia"


# ---- rows keep their identity through the form --------------------------------------------------------


def _form_rows(html: str, key: str) -> list[str]:
    """The ids the form's hidden fields carry, row by row."""
    import re

    return re.findall(rf'name="{key}-\d+-id" value="(\d*)"', html)


def _two_followed_up_recommendations(client, db, factory, setup):
    from shared import dashboard
    from shared.models import Recommendation

    rows = {"recommendations-0-topic": "housing", "recommendations-0-text": "Nhà ở xã hội",
            "recommendations-1-topic": "income", "recommendations-1-text": "Tăng lương tối thiểu"}
    assert post(client, setup.g11, {**VALID, **rows}).status_code == 303
    report = stored(db, setup.g11)
    first, second = report.recommendations
    second = db.get(Recommendation, second.id)
    dashboard.update_recommendation(db, second, factory.user("coordinator", setup.province), status="in_progress",
                                    resolution_note="Đang làm việc với Sở Lao động.", expected_version=second.version)
    db.commit()
    return first.id, second.id


def test_deleting_the_first_of_two_recommendations_keeps_the_second_whole(client, db, factory, login_as, setup):
    from shared.models import AuditLog, Recommendation

    login_as(setup.reporter)
    first_id, second_id = _two_followed_up_recommendations(client, db, factory, setup)
    page = client.get(url(setup.g11)).get_data(as_text=True)
    assert _form_rows(page, "recommendations") == [str(first_id), str(second_id)]
    assert 'name="recommendations-0-status"' not in page and 'name="recommendations-0-resolution_note"' not in page
    # the page as the browser posts it, then "Xóa dòng" on the first row (no JavaScript), then "Lưu nháp"
    posted = {**VALID, "recommendations-0-id": str(first_id), "recommendations-0-topic": "housing",
              "recommendations-0-text": "Nhà ở xã hội", "recommendations-1-id": str(second_id),
              "recommendations-1-topic": "income", "recommendations-1-text": "Tăng lương tối thiểu"}
    page = post(client, setup.g11, posted, action="remove_recommendation-0").get_data(as_text=True)
    assert _form_rows(page, "recommendations") == [str(second_id)]  # the remaining row kept its own id
    remaining = {k: v for k, v in posted.items() if not k.startswith("recommendations-")}
    remaining.update({"recommendations-present": "1", "recommendations-0-id": str(second_id),
                      "recommendations-0-topic": "income", "recommendations-0-text": "Tăng lương tối thiểu"})
    assert post(client, setup.g11, remaining, version=stored(db, setup.g11).version).status_code == 303
    db.expire_all()
    assert db.get(Recommendation, first_id) is None
    kept = db.get(Recommendation, second_id)
    assert (kept.status, kept.resolution_note) == ("in_progress", "Đang làm việc với Sở Lao động.")
    assert db.scalars(select(AuditLog.action).where(AuditLog.object_type == "recommendation",
                                                    AuditLog.object_id == second_id)).all() == ["recommendation.update"]


def test_a_units_resave_of_a_returned_report_keeps_the_coordinators_follow_up(client, db, factory, login_as, setup):
    from shared import workflow
    from shared.models import Recommendation

    login_as(setup.reporter)
    first_id, second_id = _two_followed_up_recommendations(client, db, factory, setup)
    report = stored(db, setup.g11)
    workflow.submit(db, report, setup.reporter)
    workflow.return_report(db, report, factory.user("district", setup.d1), "Bổ sung kiến nghị")
    db.commit()
    page = client.get(url(setup.g11)).get_data(as_text=True)
    ids = _form_rows(page, "recommendations")
    # an old page (or a hand-made post) that still sends the follow-up fields changes nothing of them
    posted = {**VALID, "recommendations-0-id": ids[0], "recommendations-0-topic": "housing",
              "recommendations-0-text": "Nhà ở xã hội", "recommendations-1-id": ids[1],
              "recommendations-1-topic": "income", "recommendations-1-text": "Tăng lương tối thiểu vùng",
              "recommendations-1-status": "open", "recommendations-1-resolution_note": ""}
    resp = post(client, setup.g11, posted, action="submit", version=stored(db, setup.g11).version)
    assert resp.status_code == 303
    db.expire_all()
    kept = db.get(Recommendation, second_id)
    assert (kept.text, kept.status, kept.resolution_note) == (
        "Tăng lương tối thiểu vùng", "in_progress", "Đang làm việc với Sở Lao động.")
    assert stored(db, setup.g11).status == "submitted"


def test_officer_rows_keep_their_ids_through_added_and_removed_rows(client, db, login_as, setup):
    from shared.models import Officer

    login_as(setup.reporter)
    two = {**VALID, "officers-1-role": "vice_chair", "officers-1-full_name": "Trần Văn Công", "officers-1-vote_pct": "80"}
    assert post(client, setup.g11, two).status_code == 303
    hoa, cong = stored(db, setup.g11).officers
    page = client.get(url(setup.g11)).get_data(as_text=True)
    assert _form_rows(page, "officers") == [str(hoa.id), str(cong.id)]
    posted = {**two, "officers-0-id": str(hoa.id), "officers-1-id": str(cong.id)}
    page = post(client, setup.g11, posted, action="add_officer").get_data(as_text=True)
    assert _form_rows(page, "officers") == [str(hoa.id), str(cong.id), ""]  # the new row has no id yet
    page = post(client, setup.g11, posted, action="remove_officer-0").get_data(as_text=True)
    assert _form_rows(page, "officers") == [str(cong.id)]
    token = csrf_token(client, url(setup.g11))  # the same with htmx: the rows endpoint swaps the table only
    block = client.post(url(setup.g11, "/rows"), data=dict(posted, action="remove_officer-0"),
                        headers={"HX-Request": "true", "HX-Target": "officers", "X-CSRFToken": token})
    assert _form_rows(block.get_data(as_text=True), "officers") == [str(cong.id)]
    only_cong = {k: v for k, v in posted.items() if not k.startswith("officers-")}
    only_cong.update({"officers-present": "1", "officers-0-id": str(cong.id), "officers-0-role": "vice_chair",
                      "officers-0-full_name": "Trần Văn Công", "officers-0-vote_pct": "80"})
    assert post(client, setup.g11, only_cong, version=stored(db, setup.g11).version).status_code == 303
    db.expire_all()
    assert [(o.id, o.full_name) for o in db.scalars(select(Officer))] == [(cong.id, "Trần Văn Công")]
