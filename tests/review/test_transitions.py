"""Every transition, allowed and refused, per role: a refusal says why in Vietnamese and changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared import workflow
from shared.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from shared.models import ReportStatusChange, ReportVersion
from tests.review.conftest import audit_count, fresh


def _state(db, report):
    r = fresh(db, report)
    changes = db.scalar(select(func.count(ReportStatusChange.id)).where(ReportStatusChange.report_id == r.id))
    return (r.status, r.version, r.return_reason, changes, audit_count(db, r.id))


def test_the_district_returns_with_a_reason_the_unit_resubmits_and_the_district_approves(world, db):
    report = world.reports.submitted(world.g11)
    workflow.return_report(db, report, world.d1_reviewer, "  Thiếu   biên bản kiểm phiếu ")
    db.commit()
    r = fresh(db, report)
    assert r.status == "returned" and r.return_reason == "Thiếu biên bản kiểm phiếu"
    assert workflow.can_edit(world.g11_reporter, r)

    workflow.submit(db, r, world.g11_reporter)
    db.commit()
    assert fresh(db, report).status == "submitted" and fresh(db, report).return_reason is None

    workflow.approve(db, fresh(db, report), world.d1_reviewer)
    db.commit()
    r = fresh(db, report)
    assert r.status == "approved" and r.reviewed_by_id == world.d1_reviewer.id
    assert not workflow.can_edit(world.g11_reporter, r)  # approved reports are locked

    workflow.reopen(db, r, world.d1_reviewer, "Sai số đoàn viên")
    db.commit()
    r = fresh(db, report)
    assert r.status == "returned" and r.return_reason == "Sai số đoàn viên"
    steps = db.execute(
        select(ReportStatusChange.from_status, ReportStatusChange.to_status, ReportStatusChange.reason)
        .where(ReportStatusChange.report_id == r.id).order_by(ReportStatusChange.id)
    ).all()
    assert [tuple(s) for s in steps] == [
        (None, "draft", None), ("draft", "submitted", None),
        ("submitted", "returned", "Thiếu biên bản kiểm phiếu"), ("returned", "submitted", None),
        ("submitted", "approved", None), ("approved", "returned", "Sai số đoàn viên"),
    ]
    # A snapshot per transition, each under its own version number.
    versions = db.scalars(select(ReportVersion.version).where(ReportVersion.report_id == r.id)).all()
    assert len(versions) == len(set(versions)) >= 5


def test_the_federation_reviews_district_reports_and_admin_the_province_report(world, db):
    d1 = world.reports.submitted(world.d1)
    workflow.approve(db, d1, world.federation)
    province = world.reports.submitted(world.province)
    with pytest.raises(Forbidden):  # nobody is the province's superior but the admin
        workflow.approve(db, province, world.federation)
    workflow.approve(db, province, world.admin)
    db.commit()
    assert fresh(db, d1).status == "approved" and fresh(db, province).status == "approved"


@pytest.mark.parametrize(
    "who, error",
    [
        ("coordinator", Forbidden),
        ("observer", Forbidden),
        ("g11_reporter", Forbidden),  # the unit itself
        ("g12_reporter", NotFound),  # a sibling unit
        ("d2_reviewer", NotFound),  # another district's reviewer
        ("federation", Forbidden),  # not the direct superior of a grassroots union
    ],
)
@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_only_the_direct_superior_acts(world, db, who, error, action):
    report = world.reports.approved(world.g11) if action == "reopen" else world.reports.submitted(world.g11)
    before = _state(db, report)
    user = getattr(world, who)
    call = {
        "approve": lambda: workflow.approve(db, report, user),
        "return": lambda: workflow.return_report(db, report, user, "Lý do"),
        "reopen": lambda: workflow.reopen(db, report, user, "Lý do"),
    }[action]
    with pytest.raises(error) as exc:
        call()
    assert exc.value.message  # a Vietnamese sentence for the user
    db.rollback()
    assert _state(db, report) == before


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_return_and_reopen_need_a_reason(world, db, reason):
    submitted = world.reports.submitted(world.g11)
    approved = world.reports.approved(world.g12)
    before = (_state(db, submitted), _state(db, approved))
    with pytest.raises(DomainError) as exc:
        workflow.return_report(db, submitted, world.d1_reviewer, reason)
    assert exc.value.fields == {"reason": "Phải ghi rõ lý do."}
    with pytest.raises(DomainError):
        workflow.reopen(db, approved, world.d1_reviewer, reason)
    db.rollback()
    assert (_state(db, submitted), _state(db, approved)) == before


def test_a_stale_version_is_refused(world, db):
    report = world.reports.submitted(world.g11)
    seen = report.version
    workflow.return_report(db, report, world.d1_reviewer, "Thiếu chữ ký")
    workflow.submit(db, report, world.g11_reporter)  # the unit fixed it meanwhile
    db.commit()
    before = _state(db, report)
    for call in (
        lambda: workflow.approve(db, report, world.d1_reviewer, expected_version=seen),
        lambda: workflow.return_report(db, report, world.d1_reviewer, "Lý do", expected_version=seen),
    ):
        with pytest.raises(Conflict) as exc:
            call()
        assert "người khác thay đổi" in exc.value.message
    db.rollback()
    assert _state(db, report) == before


def test_transitions_out_of_order_are_refused(world, db):
    draft = world.reports.draft(world.g11)
    approved = world.reports.approved(world.g12)
    with pytest.raises(InvalidTransition, match="Bản nháp"):
        workflow.approve(db, draft, world.d1_reviewer)
    with pytest.raises(InvalidTransition):
        workflow.return_report(db, draft, world.d1_reviewer, "Lý do")
    with pytest.raises(InvalidTransition):
        workflow.approve(db, approved, world.d1_reviewer)
    with pytest.raises(InvalidTransition):
        workflow.reopen(db, world.reports.submitted(world.g21), world.d2_reviewer, "Lý do")
    db.rollback()
    assert fresh(db, draft).status == "draft" and fresh(db, approved).status == "approved"


def test_a_closed_campaign_refuses_every_transition(world, db):
    sent = world.reports.submitted(world.g11)
    back = world.reports.submitted(world.g12)
    workflow.return_report(db, back, world.d1_reviewer, "Thiếu biên bản")
    db.commit()
    world.campaign.closed = True
    db.commit()
    before = (_state(db, sent), _state(db, back))
    for call in (
        lambda: workflow.approve(db, fresh(db, sent), world.d1_reviewer),
        lambda: workflow.return_report(db, fresh(db, sent), world.d1_reviewer, "Lý do"),
        lambda: workflow.submit(db, fresh(db, back), world.g12_reporter),
    ):
        with pytest.raises(Forbidden, match="Đợt đại hội đã kết thúc"):
            call()
        db.rollback()
    assert (_state(db, sent), _state(db, back)) == before
