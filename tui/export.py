"""XLSX export of what a screen shows (its table), with a title row."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from shared.i18n import _


def write_xlsx(path: Path, title: str, headers: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tiến độ")
    ws.append([title])
    ws["A1"].font = Font(bold=True)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
