"""`daihoi import-results` as an operator runs it, on the demo province: a district brings in the results of a
hundred grassroots unions that have no account, from one spreadsheet, on both engines."""
from __future__ import annotations

import datetime as dt
import re
import subprocess

from openpyxl import load_workbook
from sqlalchemy import text

from shared.db import make_engine
from shared.result_imports import COLUMNS
from tests.realproc import ROOT, daihoi_command, daihoi_env
from tests.test_migrations import scratch_url  # noqa: F401  (fixture: an empty database on the test engine)

TODAY = "2023-03-10"  # mid-campaign: most grassroots congresses are still to be held


def daihoi(url: str, *args: str, ok: bool = True) -> str:
    proc = subprocess.run([*daihoi_command(), *args], cwd=ROOT, env=daihoi_env(url, DAIHOI_TODAY=TODAY),
                          capture_output=True, text=True, timeout=600)
    if ok:
        assert proc.returncode == 0, f"daihoi {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def test_a_district_brings_in_a_hundred_unions_without_accounts_from_one_spreadsheet(scratch_url, tmp_path):
    url = scratch_url
    daihoi(url, "db", "upgrade")
    daihoi(url, "demo", "--today", TODAY)
    # The education union (GD) has no account of its own yet, nor have its 200-odd schools
    daihoi(url, "create-user", "--username", "giaoduc", "--role", "district", "--unit", "GD",
           "--full-name", "Công đoàn ngành Giáo dục", "--password", "Truong-hoc-2023")
    template = tmp_path / "gd.xlsx"
    assert "gd.xlsx" in daihoi(url, "import-results-template", "--unit", "GD", "--user", "giaoduc", "-o", str(template))

    wb = load_workbook(template)
    ws = wb.worksheets[0]
    col = {name: i + 1 for i, name in enumerate(COLUMNS)}
    filled = []
    for r in range(2, ws.max_row + 1):
        if len(filled) == 100:
            break
        if ws.cell(r, col["status"]).value not in ("Chưa có", "Bản nháp") or ws.cell(r, col["account"]).value != "chưa có":
            continue
        members = ws.cell(r, col["members_total"]).value
        values = {"held_date": dt.datetime(2023, 3, 6), "planned_date": "06/03/2023", "form": "Đại hội toàn thể",
                  "summoned": members, "present": members - 1, "executive_size": 5, "executive_women": 3,
                  "executive_party": 4, "executive_young": 1, "executive_reelected": 3, "executive_new": 2,
                  "standing_size": 0, "inspection_size": 3, "chair_name": "Lê Thị Hồng", "chair_vote_pct": 0.9,
                  "delegates_official": 1}
        for name, value in values.items():
            ws.cell(r, col[name]).value = value
        filled.append(ws.cell(r, col["code"]).value)
    assert len(filled) == 100
    ws.append(["RG-0002", "", None, None, 30, "01/03/2023"])  # a union of Rạch Giá: not GD's to enter
    bad = tmp_path / "gd-sai.xlsx"
    wb.save(bad)

    out = daihoi(url, "import-results", str(bad), "--unit", "GD", "--user", "giaoduc", "--send", "--dry-run")
    assert "Không có công đoàn cơ sở mã “RG-0002” thuộc Công đoàn ngành Giáo dục." in out
    assert "Sẽ tạo" in out and "gửi 100 báo cáo" in out and "Chạy thử: chưa ghi gì" in out
    kept = int(re.search(r"không ghi đè (\d+) báo cáo", out).group(1))  # sent before today: listed
    out = daihoi(url, "import-results", str(bad), "--unit", "GD", "--user", "giaoduc", "--send", ok=False)
    assert "Tệp có lỗi nên không nhập dòng nào" in out

    ws.delete_rows(ws.max_row)
    good = tmp_path / "gd-dung.xlsx"
    wb.save(good)
    out = daihoi(url, "import-results", str(good), "--unit", "GD", "--user", "giaoduc", "--send")
    assert "0 lỗi" in out and "gửi 100 báo cáo" in out

    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            rows = conn.execute(text(
                "SELECT u.code, r.status, r.held_date, e.username FROM congress_reports r JOIN units u ON u.id = r.unit_id "
                "JOIN users e ON e.id = r.entered_by_id WHERE e.username = 'giaoduc'")).all()
            assert sorted(code for code, *_ in rows) == sorted(filled)
            assert {(status, str(held)) for _code, status, held, _user in rows} == {("submitted", "2023-03-06")}
            chairs = conn.scalar(text(
                "SELECT count(*) FROM officers o JOIN congress_reports r ON r.id = o.report_id "
                "JOIN users e ON e.id = r.entered_by_id WHERE e.username = 'giaoduc' AND o.role = 'chair' "
                "AND o.vote_pct = 90"))
            assert chairs == 100
    finally:
        eng.dispose()

    # The same file again changes nothing: every report is now sent, listed, never overwritten
    out = daihoi(url, "import-results", str(good), "--unit", "GD", "--user", "giaoduc")
    assert f"không ghi đè {kept + 100} báo cáo" in out and "Đã tạo 0, ghi 0, gửi 0" in out
    # A reporter cannot use the import
    out = daihoi(url, "import-results", str(good), "--unit", "RG", "--user", "coso", ok=False)
    assert "Chỉ công đoàn cấp trên trực tiếp cơ sở hoặc Liên đoàn Lao động tỉnh" in out
