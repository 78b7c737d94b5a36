"""Spreadsheets for import tests, written with openpyxl's write-only mode (fast for big files)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

HEADER = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Khu vực", "Số đoàn viên", "Email người liên hệ",
          "Điện thoại người liên hệ"]


def write_xlsx(path: Path, rows, header=HEADER) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đơn vị")
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def csv_bytes(rows, header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter)
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def province_rows(districts: int, per_district: int, prefix: str = "") -> list[tuple]:
    """A province file: P, `districts` districts, `per_district` grassroots unions each."""
    rows = [(f"{prefix}P", "Liên đoàn Lao động tỉnh Nhập", "tỉnh", "", "nhà nước", 0, "", "")]
    for d in range(1, districts + 1):
        dcode = f"{prefix}D{d:03d}"
        rows.append((dcode, f"Liên đoàn Lao động huyện Số {d}", "huyện", f"{prefix}P", "nhà nước", 0, "", ""))
        for g in range(1, per_district + 1):
            rows.append((f"{dcode}-{g:05d}", f"Công đoàn cơ sở Trường học {d}-{g}", "cơ sở", dcode,
                         ("nhà nước", "ngoài nhà nước", "FDI", "sự nghiệp")[g % 4], 10 + g % 300,
                         f"cd{d}x{g}@example.vn" if g % 10 == 0 else "", ""))
    return rows
