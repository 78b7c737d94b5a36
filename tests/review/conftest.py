"""A small province with one account per role, and complete reports submitted through the workflow."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from shared import people, workflow
from shared.models import AuditLog, CongressReport, Officer, Unit
from shared.reports import get_or_create_report, record_version
from shared.validation import suggested_form


def complete_values(unit: Unit, campaign) -> dict:
    """A report that passes the submit check at its level (quorum met, committee sizes in range)."""
    form = suggested_form(campaign, unit)
    held = {"grassroots": dt.date(2023, 3, 10), "district": dt.date(2023, 6, 20), "province": dt.date(2023, 10, 12)}[unit.level]
    size = {"grassroots": 5, "district": 19, "province": 31}[unit.level]
    standing = {"grassroots": 0, "district": 6, "province": 9}[unit.level]
    inspection = {"grassroots": 3, "district": 5, "province": 7}[unit.level]
    members = unit.members_count or 200
    return dict(
        planned_date=held, form=form, held_date=held, members_total=members, summoned=min(members, 150),
        present=min(members, 150), executive_size=size, executive_women=2, executive_young=1, executive_party=3,
        executive_reelected=size - 2, executive_new=2, standing_size=standing, inspection_size=inspection,
        delegates_official=2,
    )


class Reports:
    """Makes reports in a given state the way users would: a unit fills it in and submits it."""

    def __init__(self, db, world):
        self.db = db
        self.w = world

    def draft(self, unit: Unit, **values) -> CongressReport:
        reporter = self.w.reporter_of[unit.id]
        report = get_or_create_report(self.db, self.w.campaign, unit, reporter)
        for name, value in {**complete_values(unit, self.w.campaign), **values}.items():
            setattr(report, name, value)
        if not report.officers:
            report.officers.append(Officer(position=0, role="chair", full_name="Nguyễn Thị Lan", gender="female", vote_pct=Decimal("92.5")))
        if people.quorum_short(report.summoned, report.present) and not report.quorum_reason:
            report.quorum_reason = "Mưa bão, nhiều đoàn viên ở xa."  # issue 19: sent below the quorum only with a reason
        self.db.flush()
        record_version(self.db, report, reporter)
        self.db.commit()
        return report

    def submitted(self, unit: Unit, **values) -> CongressReport:
        report = self.draft(unit, **values)
        workflow.submit(self.db, report, self.w.reporter_of[unit.id])
        self.db.commit()
        return report

    def returned(self, unit: Unit, reason: str = "Thiếu biên bản kiểm phiếu", **values) -> CongressReport:
        report = self.submitted(unit, **values)
        workflow.return_report(self.db, report, self.w.reviewer_of[unit.id], reason)
        self.db.commit()
        return report

    def approved(self, unit: Unit, **values) -> CongressReport:
        report = self.submitted(unit, **values)
        if people.quorum_short(report.summoned, report.present):  # issue 19: approved once the reviewer resolved it
            people.record_quorum_resolution(self.db, self.w.reviewer_of[unit.id], report, "Đã xác minh.", report.version)
        workflow.approve(self.db, report, self.w.reviewer_of[unit.id])
        self.db.commit()
        return report


@pytest.fixture
def world(factory, db):
    """Province P > districts D1 (Rạch Giá), D2 (Giồng Riềng) > grassroots G11, G12 (D1), G21 (D2)."""
    t = factory.tree()
    campaign = factory.campaign()
    u = factory.user
    w = SimpleNamespace(**vars(t), campaign=campaign)
    w.admin = u("admin", t.province, username="quantri", email="quantri@example.vn")
    w.coordinator = u("coordinator", t.province, username="dieuphoi1")
    w.federation = u("federation", t.province, username="liendoan1", email="liendoan@example.vn")
    w.d1_reviewer = u("district", t.d1, username="rachgia1", email="rachgia@example.vn")
    w.d2_reviewer = u("district", t.d2, username="giongrieng1")
    w.observer = u("observer", t.d1, username="quansat1")
    w.g11_reporter = u("reporter", t.g11, username="vinhlac", email="vinhlac@example.vn")
    w.g12_reporter = u("reporter", t.g12, username="dongho")
    w.g21_reporter = u("reporter", t.g21, username="ngocchuc")
    w.reporter_of = {t.g11.id: w.g11_reporter, t.g12.id: w.g12_reporter, t.g21.id: w.g21_reporter,
                     t.d1.id: w.d1_reviewer, t.d2.id: w.d2_reviewer, t.province.id: w.federation}
    w.reviewer_of = {t.g11.id: w.d1_reviewer, t.g12.id: w.d1_reviewer, t.g21.id: w.d2_reviewer,
                     t.d1.id: w.federation, t.d2.id: w.federation, t.province.id: w.admin}
    w.reports = Reports(db, w)
    return w


def audit_count(db, report_id: int | None = None) -> int:
    stmt = select(func.count(AuditLog.id))
    if report_id is not None:
        stmt = stmt.where(AuditLog.object_type == "congress_report", AuditLog.object_id == report_id)
    return db.scalar(stmt)


def fresh(db, report: CongressReport) -> CongressReport:
    """The report as stored now (another session's view, not this session's cache)."""
    db.expire_all()
    return db.get(CongressReport, report.id)
