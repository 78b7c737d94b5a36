"""The save use case without the portal: shared.reports.save_draft / save_and_submit hold every rule of a
save (what the portal and the API both call), and shared.validation tells storable input from contradictions."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from shared import dashboard, history, workflow
from shared.db import make_session_factory
from shared.errors import Conflict, DomainError, Forbidden
from shared.models import AuditLog, CongressReport, Officer, Recommendation
from shared.reports import create_report, get_report, report_warnings, save_and_submit, save_draft
from shared.validation import validate_report


@pytest.fixture
def setup(factory, today, db):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11)
    return t


def save(db, t, data, version=None, user=None):
    """A draft save as the unit's own officer; `version` None is a form opened before any report existed."""
    return save_draft(db, t.campaign, t.g11, user or t.reporter, data, version)


def count_reports(db) -> int:
    return db.scalar(select(func.count(CongressReport.id)))


JSON_DATA = {
    "planned_date": "2023-04-20", "form": "toan_the", "held_date": "2023-04-20", "members_total": 40,
    "summoned": 40, "present": 30, "executive_size": 5, "executive_women": 2, "executive_young": 1,
    "executive_party": 3, "executive_reelected": 3, "executive_new": 2, "standing_size": 0,
    "inspection_size": 3, "delegates_official": 1,
    "officers": [{"role": "chair", "full_name": "Lê Thị Mai", "gender": "female", "vote_pct": 88.5}],
    "recommendations": [{"topic": "housing", "text": "Nhà ở cho công nhân", "addressed_to": "UBND tỉnh"}],
}


def test_a_first_save_creates_the_draft_from_json_types_and_records_a_version(db, setup):
    saved = save(db, setup, JSON_DATA)
    db.commit()
    report = saved.report
    assert (saved.errors, saved.warnings, saved.sent) == ({}, [], False)
    assert report.status == "draft" and report.planned_at is not None
    assert report.officers[0].full_name == "Lê Thị Mai"
    assert report.recommendations[0].unit_id == setup.g11.id and report.recommendations[0].status == "open"
    workflow.submit(db, report, setup.reporter)
    assert report.status == "submitted"


# ---- who and when -------------------------------------------------------------------------------


def test_a_closed_campaigns_report_cannot_be_created_or_saved(db, setup):
    report = save(db, setup, {"notes": "trước khi đóng"}).report
    db.commit()
    version = report.version
    setup.campaign.closed = True
    db.commit()
    with pytest.raises(Forbidden, match="Đợt đại hội đã kết thúc"):
        save(db, setup, {"notes": "sau khi đóng"}, version)
    db.rollback()
    assert db.get(CongressReport, report.id).notes == "trước khi đóng"
    with pytest.raises(Forbidden, match="Đợt đại hội đã kết thúc"):  # and no first save either
        save_draft(db, setup.campaign, setup.g12, setup.reporter, {"notes": "x"}, None)
    db.rollback()
    assert count_reports(db) == 1


def test_only_the_units_own_officers_create_or_save_its_report_when_it_has_an_account(db, factory, setup):
    district = factory.user("district", setup.d1)
    other_reporter = factory.user("reporter", setup.g12)
    for user in (district, other_reporter):
        with pytest.raises(Forbidden):
            save(db, setup, {"notes": "của người khác"}, user=user)
        db.rollback()
    assert count_reports(db) == 0
    assert workflow.reports_for(setup.reporter, setup.g11) and not workflow.reports_for(district, setup.g11)
    report = save(db, setup, {"notes": "của đơn vị"}).report
    db.commit()
    with pytest.raises(Forbidden):
        save(db, setup, {"notes": "cấp trên sửa"}, report.version, user=district)


def test_a_sent_report_cannot_be_saved(db, setup):
    saved = save_and_submit(db, setup.campaign, setup.g11, setup.reporter, {**JSON_DATA, "notes": "đã gửi"}, None)
    db.commit()
    assert saved.sent and saved.report.status == "submitted"
    with pytest.raises(Forbidden):
        save(db, setup, {"notes": "sửa sau khi gửi"}, saved.report.version)


# ---- versions --------------------------------------------------------------------------------------


def test_a_stale_version_conflicts_with_the_current_report(db, setup):
    report = save(db, setup, {"notes": "một"}).report
    db.commit()
    version = report.version
    save(db, setup, {"notes": "hai"}, version)
    db.commit()
    with pytest.raises(Conflict) as exc:
        save(db, setup, {"notes": "ba"}, version)
    assert exc.value.current.notes == "hai" and exc.value.current.version > version


def test_a_form_opened_before_the_report_existed_conflicts_once_it_exists(db, setup):
    save(db, setup, {"notes": "máy kia"})
    db.commit()
    with pytest.raises(Conflict) as exc:
        save(db, setup, {"notes": "máy này"}, None)  # no version: this user saw no report
    assert exc.value.current.notes == "máy kia"


def test_a_concurrent_first_save_is_a_conflict_not_an_integrity_error(db, setup, monkeypatch):
    """Another request creates the unit's report between this save's look-up and its insert."""
    import shared.reports as reports

    looked = []

    def look_then_lose_the_race(session, campaign, unit):
        if not looked:
            looked.append(True)
            other = make_session_factory(db.get_bind())()
            create_report(other, other.merge(campaign), other.merge(unit), other.merge(setup.reporter)).notes = "máy kia"
            other.commit()
            other.close()
            return None  # what this request saw a moment before
        return get_report(session, campaign, unit)

    monkeypatch.setattr(reports, "get_report", look_then_lose_the_race)
    with pytest.raises(Conflict) as exc:
        save(db, setup, {"notes": "máy này"})
    assert exc.value.current is not None and exc.value.current.notes == "máy kia"
    db.rollback()
    assert count_reports(db) == 1


def test_a_write_between_load_and_flush_is_a_conflict(db, setup, monkeypatch):
    """The version matched at our read, but another writer got in before our UPDATE."""
    import shared.reports as reports

    report = save(db, setup, {"notes": "một"}).report
    db.commit()
    original = reports.get_report

    def load_then_someone_saves(session, campaign, unit):
        monkeypatch.setattr(reports, "get_report", original)
        found = original(session, campaign, unit)
        other = make_session_factory(db.get_bind())()
        theirs = other.get(CongressReport, found.id)
        save_draft(other, other.merge(campaign), other.merge(unit), other.merge(setup.reporter),
                   {"notes": "máy kia"}, theirs.version)
        other.commit()
        other.close()
        return found

    monkeypatch.setattr(reports, "get_report", load_then_someone_saves)
    with pytest.raises(Conflict) as exc:
        save(db, setup, {"notes": "máy này"}, report.version)
    assert exc.value.current.notes == "máy kia"
    db.rollback()
    assert db.get(CongressReport, report.id).notes == "máy kia"


def test_a_transition_after_someone_else_saved_is_a_conflict_and_writes_nothing(db, setup):
    """A transition writes the report's own row with one version-checked UPDATE (shared.reports.update_report,
    not the ORM's flush): when another writer moved the version since this session read it, the UPDATE
    matches no row, nothing of the transition is written and the caller gets a Conflict."""
    from shared.models import ReportStatusChange
    from shared.reports import update_report

    report = save(db, setup, {**JSON_DATA, "notes": "một"}).report
    db.commit()
    read_version = report.version
    other = make_session_factory(db.get_bind())()
    theirs = other.get(CongressReport, report.id)
    save_draft(other, other.merge(setup.campaign), other.merge(setup.g11), other.merge(setup.reporter),
               {**JSON_DATA, "notes": "máy kia"}, theirs.version)
    other.commit()
    other.close()

    assert report.version == read_version  # this session still holds what it read
    with pytest.raises(Conflict):
        workflow.submit(db, report, setup.reporter)
    db.rollback()
    stored = db.get(CongressReport, report.id)
    db.refresh(stored)
    assert (stored.status, stored.notes, stored.version) == ("draft", "máy kia", read_version + 1)
    assert not db.scalar(select(func.count(ReportStatusChange.id)).where(
        ReportStatusChange.report_id == report.id, ReportStatusChange.to_status == "submitted"))
    assert not db.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "report.submit"))

    # and update_report itself: False and nothing written for a stale version, True and the next version
    # for the current one
    stale = CongressReport.__table__.c
    assert update_report(db, stored, {"notes": "mới"}) is True and stored.version == read_version + 2
    db.commit()
    db.execute(CongressReport.__table__.update().where(stale.id == stored.id).values(version=stale.version + 1))
    db.commit()
    db.expunge(stored)  # keep the object's version as it was read (read_version + 2), the row is at + 3
    stored = db.merge(stored, load=False)
    assert update_report(db, stored, {"notes": "cũ"}) is False
    db.rollback()
    row = db.execute(select(stale.notes, stale.version).where(stale.id == stored.id)).one()
    assert tuple(row) == ("mới", read_version + 3)


# ---- the draft rule: contradictions are saved, unstorable input is not -------------------------------


@pytest.mark.parametrize("data, field", [
    ({"summoned": "40", "present": "41"}, "present"),
    ({"executive_size": 5, "executive_reelected": 3, "executive_new": 3}, "executive_new"),
    ({"executive_size": 5, "executive_women": 9}, "executive_women"),
    ({"held_date": "2022-12-31"}, "held_date"),
    ({"held_date": "2023-06-02"}, "held_date"),
    ({"form": "dai_bieu"}, "form_override_reason"),
    ({"officers": [{"role": "chair", "full_name": "A", "vote_pct": 40}]}, "officers-0-vote_pct"),
])
def test_a_draft_with_a_contradiction_is_saved_and_says_what_blocks_sending(db, setup, data, field):
    saved = save(db, setup, data)
    db.commit()
    assert field in saved.errors
    db.expire_all()
    stored = get_report(db, setup.campaign, setup.g11)
    assert stored is not None and stored.version == saved.report.version
    with pytest.raises(DomainError) as exc:  # sending is the full check
        workflow.submit(db, stored, setup.reporter)
    assert field in exc.value.fields


@pytest.mark.parametrize("data, field", [
    ({"summoned": "bốn mươi"}, "summoned"),
    ({"members_total": "-3"}, "members_total"),
    ({"funding_vnd": 10**16}, "funding_vnd"),
    ({"form": "hop_mat"}, "form"),
    ({"planned_date": "32/13/2023"}, "planned_date"),
    ({"officers": [{"role": "thu_ky", "full_name": "A"}]}, "officers-0-role"),
    ({"officers": [{"role": "chair", "vote_pct": 90}]}, "officers-0-full_name"),
    ({"recommendations": [{"text": "Không có lĩnh vực"}]}, "recommendations-0-topic"),
])
def test_input_that_cannot_be_stored_keeps_the_draft_unsaved(db, setup, data, field):
    report = save(db, setup, {"notes": "trước"}).report
    db.commit()
    version = report.version
    with pytest.raises(DomainError) as exc:
        save(db, setup, {**data, "notes": "sau"}, version)
    assert field in exc.value.fields and exc.value.message.startswith("Chưa lưu")
    db.rollback()
    db.expire_all()
    assert (db.get(CongressReport, report.id).notes, db.get(CongressReport, report.id).version) == ("trước", version)
    with pytest.raises(DomainError):  # nor is a first save of such input created
        save_draft(db, setup.campaign, setup.g12, setup.reporter, data, None)
    db.rollback()
    assert count_reports(db) == 1


def test_save_and_submit_keeps_the_draft_and_sends_only_what_passes_the_full_check(db, setup):
    saved = save_and_submit(db, setup.campaign, setup.g11, setup.reporter, {"planned_date": "20/04/2023"}, None)
    db.commit()
    assert not saved.sent and {"held_date", "executive_size", "officers"} <= set(saved.errors)
    assert saved.report.status == "draft" and saved.report.planned_date == dt.date(2023, 4, 20)  # kept
    saved = save_and_submit(db, setup.campaign, setup.g11, setup.reporter, JSON_DATA, saved.report.version)
    db.commit()
    assert saved.sent and saved.errors == {} and saved.report.status == "submitted"


def test_report_warnings_flag_quorum(db, setup):
    report = save(db, setup, {"summoned": 90, "present": 59}).report
    assert any("hai phần ba" in w for w in report_warnings(report))


def test_validate_report_only_checks_what_was_given_on_a_draft(setup):
    errors, _ = validate_report({"planned_date": "20/04/2023"}, setup.campaign, setup.g11, full=False)
    assert errors == {}
    errors, _ = validate_report({"planned_date": "20/04/2023"}, setup.campaign, setup.g11, full=True)
    assert "held_date" in errors and "officers" in errors


# ---- rows keep their identity ----------------------------------------------------------------------


def two_recommendations(db, setup, factory):
    """A returned report with two recommendations; the coordinator has recorded a follow-up on the second."""
    report = save(db, setup, {"recommendations": [
        {"topic": "housing", "text": "Nhà ở xã hội"}, {"topic": "income", "text": "Tăng lương tối thiểu"},
    ]}).report
    db.commit()
    first, second = report.recommendations
    dashboard.update_recommendation(db, second, factory.user("coordinator", setup.province), status="in_progress",
                                    resolution_note="Đang làm việc với Sở Lao động.", expected_version=second.version)
    db.commit()
    return report, first, second


def test_deleting_the_first_of_two_recommendations_keeps_the_second_whole(db, factory, setup):
    report, first, second = two_recommendations(db, setup, factory)
    second_id, first_id = second.id, first.id
    save(db, setup, {"recommendations": [{"id": second_id, "topic": "income", "text": "Tăng lương tối thiểu"}]},
         report.version)
    db.commit()
    db.expire_all()
    assert db.get(Recommendation, first_id) is None
    kept = db.get(Recommendation, second_id)
    assert (kept.status, kept.resolution_note) == ("in_progress", "Đang làm việc với Sở Lao động.")
    follow_up = db.scalars(select(AuditLog).where(AuditLog.object_type == "recommendation",
                                                  AuditLog.object_id == second_id)).all()
    assert [e.action for e in follow_up] == ["recommendation.update"]  # its history stays with it


def test_a_units_resave_never_writes_the_follow_up(db, factory, setup):
    report, first, second = two_recommendations(db, setup, factory)
    rows = [{"id": first.id, "topic": "housing", "text": "Nhà ở xã hội cho công nhân"},
            {"id": second.id, "topic": "income", "text": "Tăng lương tối thiểu", "status": "open",
             "resolution_note": "", "addressed_to": "UBND tỉnh"}]
    save(db, setup, {"recommendations": rows}, report.version)
    db.commit()
    db.expire_all()
    kept = db.get(Recommendation, second.id)
    assert (kept.status, kept.resolution_note, kept.addressed_to) == (
        "in_progress", "Đang làm việc với Sở Lao động.", "UBND tỉnh")
    assert db.get(Recommendation, first.id).text == "Nhà ở xã hội cho công nhân"


def test_a_row_id_of_another_report_is_refused_and_changes_nothing(db, factory, setup):
    other_reporter = factory.user("reporter", setup.g12)
    theirs = save_draft(db, setup.campaign, setup.g12, other_reporter,
                        {"recommendations": [{"topic": "jobs", "text": "Của đơn vị khác"}]}, None).report
    mine = save(db, setup, {"notes": "của tôi"}).report
    db.commit()
    foreign = theirs.recommendations[0].id
    with pytest.raises(DomainError) as exc:
        save(db, setup, {"recommendations": [{"id": foreign, "topic": "jobs", "text": "Chiếm dòng"}]}, mine.version)
    assert "recommendations-0-id" in exc.value.fields
    db.rollback()
    db.expire_all()
    assert db.get(Recommendation, foreign).text == "Của đơn vị khác"
    assert db.get(Recommendation, foreign).report_id == theirs.id


def test_officer_rows_are_matched_by_id_too(db, setup):
    report = save(db, setup, {"officers": [
        {"role": "chair", "full_name": "Lê Văn An", "vote_pct": 90},
        {"role": "vice_chair", "full_name": "Trần Thị Bình", "vote_pct": 80},
    ]}).report
    db.commit()
    an, binh = report.officers
    binh_id = binh.id
    save(db, setup, {"officers": [{"id": binh_id, "role": "vice_chair", "full_name": "Trần Thị Bình", "vote_pct": 81}]},
         report.version)
    db.commit()
    db.expire_all()
    officers = db.scalars(select(Officer).where(Officer.report_id == report.id)).all()
    assert [(o.id, o.full_name, o.position, float(o.vote_pct)) for o in officers] == [(binh_id, "Trần Thị Bình", 0, 81.0)]


def test_the_history_diff_and_the_trail_name_the_row_that_went(db, factory, setup):
    report, first, second = two_recommendations(db, setup, factory)
    old = report.version
    save(db, setup, {"recommendations": [{"id": second.id, "topic": "income", "text": "Tăng lương tối thiểu"}]},
         report.version)
    db.commit()
    changes = [(c.label, c.old, c.new) for c in history.compare(db, report, old, report.version)]
    assert changes == [("Kiến nghị, đề xuất", "Nhà ở: Nhà ở xã hội", "(trống)")]
    trail = history.report_trail(db, report)
    assert trail[0]["action_label"] == "Lưu báo cáo"
    assert trail[0]["changes"] == ["Kiến nghị, đề xuất: xóa “Nhà ở: Nhà ở xã hội”"]
