"""shared.reports.update_report and shared.validation without the portal (what the API also calls)."""
from __future__ import annotations

import datetime as dt

import pytest

from shared import workflow
from shared.errors import Conflict, DomainError, Forbidden
from shared.reports import get_or_create_report, report_warnings, update_report
from shared.validation import validate_report


@pytest.fixture
def setup(factory, today, db):
    today(dt.date(2023, 6, 1))
    t = factory.tree()
    t.campaign = factory.campaign()
    t.reporter = factory.user("reporter", t.g11)
    t.report = get_or_create_report(db, t.campaign, t.g11, t.reporter)
    return t


JSON_DATA = {
    "planned_date": "2023-04-20", "form": "toan_the", "held_date": "2023-04-20", "members_total": 40,
    "summoned": 40, "present": 30, "executive_size": 5, "executive_women": 2, "executive_young": 1,
    "executive_party": 3, "executive_reelected": 3, "executive_new": 2, "standing_size": 0,
    "inspection_size": 3, "delegates_official": 1,
    "officers": [{"role": "chair", "full_name": "Lê Thị Mai", "gender": "female", "vote_pct": 88.5}],
    "recommendations": [{"topic": "housing", "text": "Nhà ở cho công nhân", "addressed_to": "UBND tỉnh", "status": "open"}],
}


def test_update_report_takes_json_types_and_records_a_version(db, setup):
    warnings = update_report(db, setup.report, setup.reporter, JSON_DATA, expected_version=setup.report.version)
    assert warnings == []
    assert setup.report.planned_at is not None
    assert setup.report.officers[0].full_name == "Lê Thị Mai"
    assert setup.report.recommendations[0].unit_id == setup.g11.id
    workflow.submit(db, setup.report, setup.reporter)
    assert setup.report.status == "submitted"


def test_invalid_data_changes_nothing(db, setup):
    update_report(db, setup.report, setup.reporter, {"summoned": "40", "present": "30"}, None)
    with pytest.raises(DomainError) as exc:
        update_report(db, setup.report, setup.reporter, {"present": "41", "notes": "x"}, None)
    assert "present" in exc.value.fields
    assert setup.report.present == 30 and setup.report.notes is None
    # a draft save checks parts against the stored whole
    with pytest.raises(DomainError):
        update_report(db, setup.report, setup.reporter, {"summoned": "20"}, None)


def test_stale_version_conflicts_and_others_cannot_edit(db, factory, setup):
    version = setup.report.version
    update_report(db, setup.report, setup.reporter, {"notes": "một"}, version)
    with pytest.raises(Conflict):
        update_report(db, setup.report, setup.reporter, {"notes": "hai"}, version)
    with pytest.raises(Forbidden):
        update_report(db, setup.report, factory.user("district", setup.d1), {"notes": "ba"}, None)


def test_submit_runs_the_full_check_and_changes_nothing_on_error(db, setup):
    update_report(db, setup.report, setup.reporter, {"planned_date": "20/04/2023"}, None)
    with pytest.raises(DomainError) as exc:
        workflow.submit(db, setup.report, setup.reporter)
    assert {"held_date", "executive_size", "officers"} <= set(exc.value.fields)
    assert setup.report.status == "draft"


def test_report_warnings_flag_quorum(db, setup):
    update_report(db, setup.report, setup.reporter, {"summoned": 90, "present": 59}, None)
    assert any("hai phần ba" in w for w in report_warnings(setup.report))


def test_validate_report_only_checks_what_was_given_on_a_draft(setup):
    errors, _ = validate_report({"planned_date": "20/04/2023"}, setup.campaign, setup.g11, full=False)
    assert errors == {}
    errors, _ = validate_report({"planned_date": "20/04/2023"}, setup.campaign, setup.g11, full=True)
    assert "held_date" in errors and "officers" in errors


def test_a_concurrent_write_between_load_and_flush_is_a_conflict(db, setup):
    from shared.db import make_session_factory
    from shared.models import CongressReport

    db.commit()
    other = make_session_factory(db.get_bind())()
    theirs = other.get(CongressReport, setup.report.id)
    update_report(other, theirs, other.merge(setup.reporter), {"notes": "máy kia"}, None)
    other.commit()
    other.close()
    # this session still holds the old version: the UPDATE ... WHERE version = old matches nothing
    with pytest.raises(Conflict):
        update_report(db, setup.report, setup.reporter, {"notes": "máy này"}, None)
    db.rollback()
    assert db.get(CongressReport, setup.report.id).notes == "máy kia"


def test_a_union_of_exactly_the_threshold_holds_a_delegate_congress(factory):
    """"From 150 members up: delegate congress": 150 is a delegate congress, 149 an all-member one."""
    from shared.validation import suggested_form

    t = factory.tree()
    campaign = factory.campaign(members_threshold=150)
    at, below = factory.unit("CĐCS 150", "grassroots", t.d1, members_count=150), factory.unit("CĐCS 149", "grassroots", t.d1, members_count=149)
    assert suggested_form(campaign, at) == "dai_bieu"
    assert suggested_form(campaign, below) == "toan_the"
    assert suggested_form(campaign, t.d1) == "dai_bieu"
