"""Importing the unit tree from spreadsheets: normalisation, every kind of bad row, all or nothing."""
from __future__ import annotations

import io
import unicodedata

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from portal.cli import main
from shared.imports import import_units, template_workbook
from shared.models import AuditLog, Unit
from tests.admin.helpers import HEADER, csv_bytes, province_rows, write_xlsx


def _units(db) -> dict[str, Unit]:
    db.expire_all()
    return {u.code: u for u in db.scalars(select(Unit))}


def _run(db, data: bytes, filename="don-vi.csv", **kw):
    return import_units(db, io.BytesIO(data), filename=filename, **kw)


def test_nfd_text_and_headers_without_diacritics_are_normalised(db):
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731 - what macOS Excel writes
    header = ["ma don vi", "TEN DON VI", "cap", "Ma don vi cap tren", "khu vuc", "so doan vien", "Email", "dien thoai"]
    rows = [
        (" kg ", nfd("Liên đoàn Lao động tỉnh Kiên Giang"), nfd("Tỉnh"), "", nfd("nhà nước"), "", "", ""),
        ("rg", nfd("LĐLĐ thành phố  Rạch Giá"), "huyen", "KG", "Nha nuoc", "1.250", "LienHe@RachGia.vn", "0297 386 2000"),
        ("rg-0001", nfd("Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc"), nfd("cơ sở"), "rg", "su nghiep", 42, "", ""),
    ]
    report = _run(db, csv_bytes(rows, header=header, delimiter=";"))
    db.commit()
    assert report.applied and report.error_count == 0 and report.created == 3
    units = _units(db)
    g = units["RG-0001"]
    assert g.name == "Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc"
    assert unicodedata.is_normalized("NFC", g.name)
    assert g.name_folded == "cong doan co so truong tieu hoc vinh lac"
    assert g.level == "grassroots" and g.sector == "public_service" and g.members_count == 42
    rg = units["RG"]
    assert rg.name == "LĐLĐ thành phố Rạch Giá" and rg.members_count == 1250
    assert rg.contact_email == "lienhe@rachgia.vn" and rg.contact_phone == "0297 386 2000"
    assert g.path == units["KG"].path + f"{rg.id:08d}/{g.id:08d}/"
    assert g.parent_id == rg.id


BAD_ROWS = [
    ("P", "Tỉnh", "tỉnh", "", "nhà nước", 0),                                 # row 2: fine
    ("D1", "Huyện Một", "huyện", "P", "nhà nước", 0),                         # 3: fine
    ("", "Không có mã", "cơ sở", "D1", "nhà nước", 5),                        # 4: missing code
    ("D1", "Huyện Một lần hai", "huyện", "P", "nhà nước", 0),                 # 5: duplicate code
    ("G1", "Cơ sở mồ côi", "cơ sở", "KHONGCO", "nhà nước", 5),                # 6: unknown parent
    ("G2", "Cơ sở dưới tỉnh", "cơ sở", "P", "nhà nước", 5),                   # 7: wrong level under its parent
    ("X1", "Vòng một", "huyện", "X2", "nhà nước", 0),                         # 8: cycle
    ("X2", "Vòng hai", "huyện", "X1", "nhà nước", 0),                         # 9: cycle
    ("G3", "Âm đoàn viên", "cơ sở", "D1", "nhà nước", -3),                   # 10: negative members
    ("G4", "Chữ đoàn viên", "cơ sở", "D1", "nhà nước", "nhiều"),             # 11: non-numeric members
    ("G5", "Khu vực lạ", "cơ sở", "D1", "hợp tác xã", 5),                     # 12: unknown sector
    ("G6", "Cấp lạ", "phường", "D1", "nhà nước", 5),                          # 13: unknown level
    ("G7", "Tự làm cấp trên", "cơ sở", "G7", "nhà nước", 5),                  # 14: its own parent
    ("G8", "Con của dòng lỗi", "cơ sở", "X1", "nhà nước", 5),                 # 15: parent row has errors
    ("G9", "Hợp lệ", "cơ sở", "D1", "ngoài nhà nước", 30),                    # 16: fine
    ("CĐ 10", "Mã có dấu và khoảng trắng", "cơ sở", "D1", "nhà nước", 5),    # 17: bad code
]


def _errors_by_row(report) -> dict[int, str]:
    out: dict[int, str] = {}
    for e in report.errors:
        out[e.row] = out.get(e.row, "") + e.message
    return out


@pytest.mark.parametrize("dry_run", [True, False])
def test_every_kind_of_bad_row_is_reported_with_its_row_number_and_nothing_changes(db, factory, dry_run):
    factory.unit("Tỉnh cũ", "province", code="OLD")
    report = _run(db, csv_bytes(BAD_ROWS), dry_run=dry_run)
    errors = _errors_by_row(report)
    assert set(errors) == {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17}
    assert "Thiếu mã" in errors[4]
    assert "trùng với dòng 3" in errors[5]
    assert "Không có đơn vị cấp trên mã “KHONGCO”" in errors[6]
    assert "Sai cấp" in errors[7] and "cấp huyện" in errors[7]
    assert "Vòng lặp" in errors[8] and "Vòng lặp" in errors[9] and "Vòng lặp" in errors[14]
    assert "không được âm" in errors[10]
    assert "không phải là số" in errors[11]
    assert "Khu vực “hợp tác xã” không hợp lệ" in errors[12]
    assert "Cấp “phường” không hợp lệ" in errors[13]
    assert "dòng 8" in errors[15]
    assert "chỉ được gồm chữ không dấu" in errors[17]
    assert not report.applied
    # counts of what a clean run would do, for the dry run's report
    assert report.created == 3 and report.skipped == 13
    db.commit()
    assert set(_units(db)) == {"OLD"}
    assert db.scalar(select(func.count(AuditLog.id))) == 0


def test_valid_only_imports_the_good_rows_and_skips_the_bad_ones(db):
    report = _run(db, csv_bytes(BAD_ROWS), valid_only=True)
    db.commit()
    assert report.applied and report.created == 3 and report.skipped == 13
    assert set(_units(db)) == {"P", "D1", "G9"}
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "units.import"))
    assert entry.changes["created"] == 3 and entry.changes["error_count"] == report.error_count


def test_reimporting_the_same_file_changes_nothing_and_updates_by_code(db):
    rows = province_rows(2, 3)
    assert _run(db, csv_bytes(rows)).created == 9
    db.commit()
    before = {c: (u.id, u.path, u.name) for c, u in _units(db).items()}
    again = _run(db, csv_bytes(rows))
    db.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)
    assert {c: (u.id, u.path, u.name) for c, u in _units(db).items()} == before

    # One renamed, one moved to the other district, members left empty (kept as they were).
    changed = [list(r) for r in rows]
    changed[3][1] = "Công đoàn cơ sở Đổi tên"
    moved = next(r for r in changed if r[0] == "D001-00003")
    moved[3], moved[5] = "D002", ""
    report = _run(db, csv_bytes(changed))
    db.commit()
    assert (report.created, report.updated, report.unchanged) == (0, 2, 7)
    units = _units(db)
    assert units[changed[3][0]].name_folded == "cong doan co so doi ten"
    m = units["D001-00003"]
    assert m.parent_id == units["D002"].id and m.path == units["D002"].path + f"{m.id:08d}/"
    assert m.members_count == rows[[r[0] for r in rows].index("D001-00003")][5]


def test_a_district_moved_by_import_takes_its_whole_subtree(db):
    rows = [("P", "Tỉnh", "tỉnh", "", "", ""), ("Q", "Tỉnh hai", "tỉnh", "", "", ""),
            ("D", "Huyện", "huyện", "P", "", ""), ("G", "Cơ sở", "cơ sở", "D", "", "")]
    _run(db, csv_bytes(rows))
    db.commit()
    rows[2] = ("D", "Huyện", "huyện", "Q", "", "")
    report = _run(db, csv_bytes(rows))
    db.commit()
    assert report.updated == 1
    u = _units(db)
    assert u["G"].path == f"{u['Q'].id:08d}/{u['D'].id:08d}/{u['G'].id:08d}/"


def test_import_into_a_descendant_is_a_cycle_and_level_changes_are_refused(db, factory):
    t = factory.tree()
    rows = [("D1", "Huyện", "huyện", "G11", "", ""), ("G12", "Cơ sở", "huyện", "P", "", "")]
    errors = _errors_by_row(_run(db, csv_bytes(rows)))
    assert "Vòng lặp" in errors[2]
    assert "Không đổi được cấp" in errors[3]
    db.commit()
    assert _units(db)["D1"].parent_id == t.province.id


def test_units_are_never_deleted_and_missing_ones_are_deactivated_only_when_asked(db, factory):
    t = factory.tree()
    rows = [("P", t.province.name, "tỉnh", "", "", ""), ("D1", t.d1.name, "huyện", "P", "", ""),
            ("G11", t.g11.name, "cơ sở", "D1", "", "")]
    report = _run(db, csv_bytes(rows))
    db.commit()
    assert report.deactivated == 0 and all(u.active for u in _units(db).values())
    report = _run(db, csv_bytes(rows), deactivate_missing=True)
    db.commit()
    units = _units(db)
    assert report.deactivated == 3
    assert {c for c, u in units.items() if not u.active} == {"D2", "G12", "G21"}
    assert len(units) == 6
    # Importing a deactivated unit again brings it back.
    report = _run(db, csv_bytes(rows + [("G12", t.g12.name, "cơ sở", "D1", "", "")]))
    db.commit()
    assert report.updated == 1 and _units(db)["G12"].active


def test_a_scoped_import_cannot_reach_outside_the_subtree(db, factory):
    t = factory.tree()
    rows = [("G13", "Mới trong D1", "cơ sở", "D1", "", ""), ("G22", "Mới trong D2", "cơ sở", "D2", "", ""),
            ("G21", "Đổi tên ngoài phạm vi", "cơ sở", "D1", "", ""), ("D1", "Chuyển gốc", "huyện", "D2", "", "")]
    d1 = db.get(Unit, t.d1.id)
    errors = _errors_by_row(_run(db, csv_bytes(rows), scope=d1))
    assert set(errors) == {2, 3, 4, 5}
    assert "dòng 5" in errors[2]  # its parent's row is refused, so it cannot go in either
    assert "ngoài phạm vi" in errors[3] and "ngoài phạm vi" in errors[4]
    assert "chính bạn" in errors[5]


def test_missing_columns_and_wrong_file_types_are_clear_errors(db):
    from shared.errors import DomainError

    with pytest.raises(DomainError, match="thiếu cột: “Mã đơn vị cấp trên”"):
        _run(db, csv_bytes([("P", "Tỉnh", "tỉnh")], header=["Mã đơn vị", "Tên đơn vị", "Cấp"]))
    with pytest.raises(DomainError, match="Chỉ nhận tệp"):
        _run(db, b"hello", filename="don-vi.pdf")
    with pytest.raises(DomainError, match="Không đọc được tệp Excel"):
        _run(db, b"not a zip", filename="don-vi.xlsx")


def test_the_template_has_headers_a_help_sheet_and_imports_as_is(db, tmp_path):
    from openpyxl import load_workbook

    data = template_workbook()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Đơn vị", "Hướng dẫn"]
    assert [c.value for c in wb["Đơn vị"][1]] == HEADER
    assert "tỉnh / huyện / cơ sở" in " ".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row)
    report = _run(db, data, filename="mau.xlsx")
    assert report.error_count == 0 and report.created == 3


def test_cli_imports_150_rows_with_a_progress_bar_dry_run_first(database_url, db, monkeypatch, tmp_path):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    path = write_xlsx(tmp_path / "tinh.xlsx", province_rows(3, 49))
    assert len(province_rows(3, 49)) == 151
    runner = CliRunner()
    result = runner.invoke(main, ["import-units", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Sẽ tạo 151" in result.output and "Chạy thử" in result.output
    assert db.scalar(select(func.count(Unit.id))) == 0
    result = runner.invoke(main, ["import-units", str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã tạo 151" in result.output
    assert "Ghi dữ liệu" in result.output  # the progress bar's stage (CliRunner mixes stderr in)
    assert db.scalar(select(func.count(Unit.id)).where(Unit.level == "grassroots")) == 147


def test_cli_refuses_a_file_with_errors_unless_valid_only(database_url, db, monkeypatch, tmp_path):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    path = tmp_path / "loi.csv"
    path.write_bytes(csv_bytes(BAD_ROWS))
    runner = CliRunner()
    result = runner.invoke(main, ["import-units", str(path), "--quiet"])
    assert result.exit_code != 0
    assert "Dòng 10 [G3]: Số đoàn viên không được âm." in result.output
    assert "không nhập dòng nào" in result.output
    assert db.scalar(select(func.count(Unit.id))) == 0
    result = runner.invoke(main, ["import-units", str(path), "--quiet", "--valid-only"])
    assert result.exit_code == 0 and "Đã tạo 3" in result.output


def test_a_20000_row_file_imports_in_batches(db, tmp_path):
    """20,000 rows are written in batches: the statements sent stay in the hundreds whatever the machine's load
    (a per-row ORM flush would send tens of thousands). The time itself is the benchmark's (bench/imports.py)."""
    from sqlalchemy import event

    rows = province_rows(20, 1000)
    path = write_xlsx(tmp_path / "lon.xlsx", rows)
    seen = []
    statements = []
    engine = db.get_bind()
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        report = import_units(db, path, filename=path.name, progress=lambda stage, done, total: seen.append(stage))
        db.commit()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert report.error_count == 0 and report.created == 20021
    assert {"read", "check", "write"} <= set(seen)
    assert len(statements) < 1000, len(statements)
    assert db.scalar(select(func.count(Unit.id)).where(Unit.path.like("%/%/%/"))) == 20000
    # (re-import idempotency is checked on small files above; a second pass here would only double the time)


def test_admin_commands_have_help():
    runner = CliRunner()
    for args in (["import-units", "--help"], ["import-template", "--help"], ["backup", "--help"], ["restore", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage" in result.output, args


def test_cli_writes_the_template(tmp_path):
    out = tmp_path / "mau.xlsx"
    result = CliRunner().invoke(main, ["import-template", "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"


# ---- checked against a campaign (--campaign) ------------------------------------------------------


def _reported(db, factory, t):
    """G11 waits for review, G12 is approved, G21 has only a draft."""
    from shared.reports import get_or_create_report

    campaign = factory.campaign()
    reporter = factory.user("reporter", t.g11)
    for unit, status in ((t.g11, "submitted"), (t.g12, "approved"), (t.g21, "draft")):
        get_or_create_report(db, campaign, db.get(Unit, unit.id), reporter).status = status
    db.commit()
    return campaign


def test_with_a_campaign_a_unit_under_review_is_not_moved(db, factory):
    t = factory.tree()
    campaign = _reported(db, factory, t)
    rows = [("G11", t.g11.name, "cơ sở", "D2", "", ""), ("G21", t.g21.name, "cơ sở", "D1", "", "")]
    report = _run(db, csv_bytes(rows), campaign=campaign)
    assert report.error_count == 1 and not report.applied
    assert report.errors[0].row == 2 and "đang chờ duyệt" in report.errors[0].message
    assert _units(db)["G11"].parent_id == t.d1.id  # nothing changed: all or nothing
    report = _run(db, csv_bytes(rows), campaign=campaign, valid_only=True)
    db.commit()
    units = _units(db)
    assert report.applied and report.updated == 1 and report.skipped == 1
    assert units["G11"].parent_id == t.d1.id and units["G21"].parent_id == t.d1.id
    # Without the campaign check the move is an ordinary one.
    report = _run(db, csv_bytes(rows[:1]))
    db.commit()
    assert report.applied and _units(db)["G11"].parent_id == t.d2.id


def test_with_a_campaign_reported_units_stay_active_and_the_expected_count_is_told(db, factory):
    t = factory.tree()
    campaign = _reported(db, factory, t)
    rows = [("P", t.province.name, "tỉnh", "", "", ""), ("D1", t.d1.name, "huyện", "P", "", ""),
            ("D2", t.d2.name, "huyện", "P", "", ""), ("G13", "Công đoàn cơ sở Mới", "cơ sở", "D2", "", ""),
            ("G14", "Công đoàn cơ sở Mới hai", "cơ sở", "D2", "", "")]
    # Missing: G11 (waiting for review), G12 (approved), G21 (draft only).
    report = _run(db, csv_bytes(rows), campaign=campaign, deactivate_missing=True, dry_run=True)
    assert report.kept_active == ["G11", "G12"] and report.deactivated == 1
    assert report.expected_change == {"grassroots": 1}  # +2 new, -1 deactivated
    assert report.campaign == campaign.name
    report = _run(db, csv_bytes(rows), campaign=campaign, deactivate_missing=True)
    db.commit()
    units = _units(db)
    assert units["G11"].active and units["G12"].active and not units["G21"].active
    assert report.summary()["kept_active"] == ["G11", "G12"]


def test_cli_campaign_option(database_url, db, factory, monkeypatch, tmp_path):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    t = factory.tree()
    campaign = _reported(db, factory, t)
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_bytes([("G13", "Công đoàn cơ sở Mới", "cơ sở", "D2", "", "")]))
    runner = CliRunner()
    result = runner.invoke(main, ["import-units", str(path), "--quiet", "--dry-run", "--campaign", "2023-2028"])
    assert result.exit_code == 0, result.output
    assert f"Số đơn vị phải tổ chức đại hội trong {campaign.name} thay đổi: Công đoàn cơ sở +1." in result.output
    result = runner.invoke(main, ["import-units", str(path), "--quiet", "--campaign", str(campaign.id)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["import-units", str(path), "--quiet", "--campaign", "1999-2004"])
    assert result.exit_code != 0 and "Không có đợt đại hội “1999-2004”" in result.output
