"""The TUI's report screen shows the named people (issue 19): where the figures come from, the ballots, the
elected and the delegates, the recognition decision, through the local source (the API's shapes)."""
from __future__ import annotations

import datetime as dt

from shared import people
from shared.models import CongressReport, ElectedMember
from tests.tui.conftest import own_loop, settle
from tui.app import DaihoiApp
from tui.screens.report import ReportScreen, summary


@own_loop
async def test_the_report_screen_lists_the_elected_people(local_source, province, tmp_path):
    s = province.session
    report = s.query(CongressReport).filter_by(unit_id=province.g11.id).one()
    report.ballots_issued = report.ballots_valid = 36
    report.members = [ElectedMember(position=0, full_name="Nguyễn Văn An", gender="male", birth_year=1975,
                                    positions="chair", chair_elected="congress", votes=30)]
    people.apply_counts(report)
    s.flush()
    people.record_decision(s, province.district1, report, number="7/QĐ-LĐLĐ", signed_on=dt.date(2023, 4, 1))
    s.commit()
    data = local_source.report(None, province.g11.id)
    text = summary(data)
    assert "Số liệu nhân sự: Tính từ danh sách" in text
    assert "Nguyễn Văn An · 1975 · Chủ tịch · 30 phiếu" in text
    assert "Đã có quyết định công nhận số 7/QĐ-LĐLĐ ngày 01/04/2023" in text
    app = DaihoiApp(local_source, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReportScreen({"id": province.g11.id, "name": province.g11.name, "code": "G11"}))
        await settle(pilot)
        assert "Nguyễn Văn An" in str(app.screen.query_one("#report").content)
