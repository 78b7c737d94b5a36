"""A complete, valid congress result for tests that need a submittable report (submit runs the full check)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shared.models import CongressReport, Officer
from shared.validation import suggested_form


def complete_results(report: CongressReport, held: dt.date | None = None) -> CongressReport:
    """Fill every field the submit check requires (with a valid chair), keeping what is already set."""
    report.planned_date = report.planned_date or held or report.campaign.start_date
    report.form = report.form or suggested_form(report.campaign, report.unit)
    report.held_date = held or report.held_date
    report.members_total = 40
    report.summoned = 40
    report.present = 36
    report.executive_size = 5
    report.executive_women = 2
    report.executive_young = 1
    report.executive_party = 3
    report.executive_reelected = 3
    report.executive_new = 2
    report.standing_size = 0
    report.inspection_size = 3
    report.delegates_official = 1
    if not report.officers:
        report.officers = [Officer(position=0, role="chair", full_name="Nguyễn Văn An", gender="male", vote_pct=Decimal("90"))]
    return report
