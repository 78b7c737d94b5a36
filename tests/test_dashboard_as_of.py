"""As of means as of: every figure of the dashboard, its XLSX and its DOCX that carries an as-of date is
computed as of that date, on hand-built data with dates on both sides of it (issue 17, item 5).

The rules (README, "Dashboard"): a congress counts once held by the day; a level report once submitted by
the day (acknowledged or returned once reviewed by it); a recommendation once its report had been submitted
by the day, with the follow-up status it had on that day; a work of the register once completed by the day,
an exemplary entry once recorded by it, a report's emulation counts once its congress was held by it."""
from __future__ import annotations

import datetime as dt
import io
import re

import docx
import openpyxl
import pytest

from shared import clock
from shared import dashboard as dash
from shared.models import (
    CongressReport, CongressWork, ExemplaryEntry, LevelReport, PartyBody, Recommendation, ReportStatusChange,
)

DAY = dt.date(2023, 4, 15)  # the as-of date asked for
TODAY = dt.date(2023, 12, 1)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _report(db, campaign, unit, held: dt.date, submitted: dt.date, **counts) -> CongressReport:
    report = CongressReport(
        campaign_id=campaign.id, unit_id=unit.id, planned_date=held, planned_at=_at(held - dt.timedelta(days=30)),
        held_date=held, status="submitted", submitted_at=_at(submitted), executive_size=5, executive_women=2, **counts,
    )
    db.add(report)
    db.flush()
    db.add_all([
        ReportStatusChange(report_id=report.id, changed_at=_at(held - dt.timedelta(days=30)), from_status=None, to_status="draft", version=1),
        ReportStatusChange(report_id=report.id, changed_at=_at(submitted), from_status="draft", to_status="submitted", version=1),
    ])
    return report


@pytest.fixture
def world(db, factory, today):
    """Facts dated before and after DAY: congresses, recommendations (one resolved after DAY), level
    reports, works and exemplary people of the register."""
    today(TODAY)
    t = factory.tree()
    campaign = factory.campaign()
    t.campaign = campaign
    t.coordinator = factory.user("coordinator", t.province, username="dieuphoi")
    # G11 held and sent its report before DAY; G12 after it; G21 never.
    g11 = _report(db, campaign, t.g11, dt.date(2023, 3, 10), dt.date(2023, 3, 12),
                  works_count=5, works_value_vnd=99_000_000, exemplary_count=4, funding_vnd=2_000_000)
    g12 = _report(db, campaign, t.g12, dt.date(2023, 5, 10), dt.date(2023, 5, 12),
                  works_count=3, works_value_vnd=30_000_000, exemplary_count=2, funding_vnd=1_000_000)
    recs = [
        Recommendation(report_id=g11.id, campaign_id=campaign.id, unit_id=t.g11.id, topic="jobs", text="Việc làm ổn định"),
        Recommendation(report_id=g11.id, campaign_id=campaign.id, unit_id=t.g11.id, topic="housing", text="Nhà ở xã hội"),
        Recommendation(report_id=g12.id, campaign_id=campaign.id, unit_id=t.g12.id, topic="jobs", text="Tăng lương"),
    ]
    db.add_all(recs)
    # Level reports: D1's sent before DAY (acknowledged after it), D2's sent after DAY, the delegation's
    # started after DAY.
    bodies = [PartyBody(unit_id=t.d1.id, name="Thành ủy Rạch Giá", kind="district_committee"),
              PartyBody(unit_id=t.d2.id, name="Huyện ủy Giồng Riềng", kind="district_committee"),
              PartyBody(unit_id=t.province.id, name="Đảng đoàn Liên đoàn Lao động tỉnh", kind="federation_delegation")]
    db.add_all(bodies)
    db.flush()
    db.add_all([
        LevelReport(campaign_id=campaign.id, party_body_id=bodies[0].id, status="acknowledged", created_at=_at(dt.date(2023, 3, 1)),
                    submitted_at=_at(dt.date(2023, 4, 10)), reviewed_at=_at(dt.date(2023, 4, 20))),
        LevelReport(campaign_id=campaign.id, party_body_id=bodies[1].id, status="submitted", created_at=_at(dt.date(2023, 3, 1)),
                    submitted_at=_at(dt.date(2023, 8, 10))),
        LevelReport(campaign_id=campaign.id, party_body_id=bodies[2].id, status="draft", created_at=_at(dt.date(2023, 11, 1))),
    ])
    # The register: G11 itemised two works (one completed after DAY), so its report's 5 works are not
    # counted; G21 recorded an individual before DAY and a collective after it.
    db.add_all([
        CongressWork(campaign_id=campaign.id, unit_id=t.g11.id, name="Nhà văn hóa", value_vnd=10_000_000,
                     completed_on=dt.date(2023, 3, 20), created_at=_at(dt.date(2023, 3, 21))),
        CongressWork(campaign_id=campaign.id, unit_id=t.g11.id, name="Sân thể thao", value_vnd=50_000_000,
                     completed_on=dt.date(2023, 6, 1), created_at=_at(dt.date(2023, 6, 2))),
        ExemplaryEntry(campaign_id=campaign.id, unit_id=t.g21.id, kind="individual", name="Nguyễn Thị Mai",
                       created_at=_at(dt.date(2023, 3, 1))),
        ExemplaryEntry(campaign_id=campaign.id, unit_id=t.g21.id, kind="collective", name="Tổ Công đoàn",
                       created_at=_at(dt.date(2023, 9, 1))),
    ])
    db.commit()
    # The coordinator resolves the first recommendation on 01/06/2023 (after DAY): audited.
    clock.pin(dt.date(2023, 6, 1))
    dash.update_recommendation(db, recs[0], t.coordinator, status="resolved", resolution_note="Đã bố trí việc làm",
                               expected_version=recs[0].version)
    db.commit()
    clock.pin(TODAY)
    return t


# What each date must show.
THEN = dict(level_reports="1/3", recs=2, resolved=0, open=2, works=1, works_value=10_000_000, exemplary=5,
            individuals=1, collectives=0, funding=2_000_000)
NOW = dict(level_reports="2/3", recs=3, resolved=1, open=2, works=5, works_value=90_000_000, exemplary=8,
           individuals=1, collectives=1, funding=3_000_000)


def _number(html: str, pattern: str) -> int:
    return int(re.search(pattern, html).group(1).replace(".", ""))


def _cell(html: str, marker: str, field: str) -> int:
    row = html.split(marker, 1)[1].split("</tr>", 1)[0]
    return int(re.search(rf'data-field="{field}"[^>]*>([\d.]+)<', row).group(1).replace(".", ""))


@pytest.mark.parametrize("day,want", [(DAY, THEN), (TODAY, NOW)], ids=["as-of", "today"])
def test_the_page_counts_only_what_was_known_on_the_day(world, client, login_as, day, want):
    login_as(world.coordinator)
    query = f"as_of={day:%d/%m/%Y}"
    overview = client.get(f"/dashboard?{query}").get_data(as_text=True)
    assert f"Báo cáo cấp ủy đã nhận: {want['level_reports']}" in overview

    recs = client.get(f"/dashboard?section=recommendations&{query}").get_data(as_text=True)
    assert _cell(recs, '<tr data-topic="total">', "total") == want["recs"]
    assert _cell(recs, '<tr data-topic="total">', "resolved") == want["resolved"]
    assert _cell(recs, '<tr data-topic="total">', "open") == want["open"]

    works = client.get(f"/dashboard?section=emulation&{query}").get_data(as_text=True)
    summary = works.split('id="emulation-summary"', 1)[1].split("</p>", 1)[0]
    for field in ("works", "exemplary", "individuals", "collectives"):
        assert _number(summary, rf'data-field="{field}">([\d.]+)<') == want[field], field
    assert _number(summary, r'data-field="works_value_vnd">([\d.]+)<') == want["works_value"]
    assert _number(summary, r'data-field="funding">([\d.]+)<') == want["funding"]

    people = client.get(f"/dashboard?section=personnel&{query}").get_data(as_text=True)
    assert _cell(people, 'data-row="grassroots"', "committees") == (1 if day == DAY else 2)


def _sheet(wb, name):
    rows = list(wb[name].iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.mark.parametrize("day,want", [(DAY, THEN), (TODAY, NOW)], ids=["as-of", "today"])
def test_the_xlsx_holds_only_what_was_known_on_the_day(world, client, login_as, day, want):
    login_as(world.coordinator)
    resp = client.get(f"/dashboard/export.xlsx?as_of={day:%d/%m/%Y}")
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    head, rows = _sheet(wb, "Kiến nghị")
    assert len(rows) == want["recs"]
    status = head.index("Tình trạng")
    assert sum(1 for r in rows if r[status] == "Đã giải quyết") == want["resolved"]
    note = head.index("Kết quả giải quyết")
    assert [r[note] for r in rows if r[note]] == ([] if day == DAY else ["Đã bố trí việc làm"])
    texts = [r[head.index("Nội dung")] for r in rows]
    assert ("Tăng lương" in texts) == (day > dt.date(2023, 5, 12))  # G12's, sent after DAY

    head, rows = _sheet(wb, "Nhân sự")
    total = dict(zip(head, next(r for r in rows if r and r[0] == "Tổng cộng")))
    assert total["Công trình chào mừng"] == want["works"]
    assert total["Giá trị công trình (đồng)"] == want["works_value"]
    assert total["Điển hình tiên tiến"] == want["exemplary"]


@pytest.mark.parametrize("day,want", [(DAY, THEN), (TODAY, NOW)], ids=["as-of", "today"])
def test_the_docx_states_only_what_was_known_on_the_day(world, client, login_as, day, want):
    login_as(world.coordinator)
    resp = client.get(f"/dashboard/export.docx?as_of={day:%d/%m/%Y}")
    assert resp.status_code == 200
    document = docx.Document(io.BytesIO(resp.data))
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"Số liệu tính đến ngày {day:%d/%m/%Y}" in body
    assert f"tổng hợp {want['recs']} kiến nghị; đã giải quyết {want['resolved']}," in body
    value = f"{want['works_value']:,}".replace(",", ".")
    assert f"Có {want['works']} công trình, sản phẩm chào mừng đại hội với tổng giá trị {value} đồng; " \
           f"{want['exemplary']} điển hình" in body
