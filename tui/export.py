"""XLSX export of what a screen shows (its table), with a title row, through shared.xlsx."""
from __future__ import annotations

from pathlib import Path

from shared.i18n import _
from shared.xlsx import Workbook


def write_xlsx(path: Path, title: str, headers: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    sheet = wb.sheet(_("Tiến độ"), headers, title_row=title, widths={1: 14, 2: 48})
    for row in rows:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
