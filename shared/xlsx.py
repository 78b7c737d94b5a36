"""The one way the project writes XLSX (dashboard export, steering exports, the import template, the TUI's
export): streamed, write-only sheets whose cells are typed by what they hold.

- Text is always text. openpyxl turns a str that starts with "=" into a live formula (and "#N/A" into an
  error); text typed by users (recommendations, notes, unit names) must never run in the reader's
  spreadsheet, so such a cell is written as a string with Excel's quote prefix (the leading ' that keeps a
  cell text when it is edited again). The same goes for text starting with +, -, @, a tab or a line break,
  which spreadsheets read as formulas when the cell is retyped or the sheet saved as CSV. Characters XML
  cannot hold are dropped and the text is cut at Excel's 32,767 characters instead of failing the export.
- Whole numbers and amounts are numbers shown `#,##0`; a `Percent` is a number shown as a percentage;
  dates are dates shown dd/mm/yyyy (datetimes dd/mm/yyyy hh:mm).
- Pages print on A4.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Iterable

from openpyxl import Workbook as _Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from shared.i18n import is_lazy

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
LINE_HEIGHT = 15  # points: a line of the default 11 pt font
DEFAULT_WIDTH = 14  # characters: a date, or an amount up to 999.999.999.999, fits without "###"
A4_PAPER = "9"  # the paperSize code of A4 in SpreadsheetML
TEXT_LIMIT = 32767  # Excel's limit on a cell's text
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
SHEET_TITLE_LENGTH = 31  # Excel's limit; a translation must not break the workbook
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FONT = Font(name="Calibri", bold=True)  # the body cells' font (the default style's)
HEADER_FILL = PatternFill("solid", fgColor="EEF0F4")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes, wrapped at word boundaries, in a bold cell `width` characters wide."""
    capacity, lines, used = max(1, int(width * 0.85)), 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > capacity:
            lines, used = lines + 1, 0
        used += len(word) + (1 if used else 0)
        while used > capacity:  # a word longer than the column breaks anyway
            lines, used = lines + 1, used - capacity
    return lines


@dataclass(frozen=True, slots=True)
class Percent:
    """A share in percent (65.3 means 65,3 %), written as the number 0.653 in a percentage format."""

    value: float | Decimal | None


def sheet_title(text: Any) -> str:
    """A valid worksheet name from a (translated) title: no []:*?/\\ and at most 31 characters."""
    return _SHEET_FORBIDDEN.sub("-", str(text)).strip("'")[:SHEET_TITLE_LENGTH] or "-"


def safe_text(value: str) -> str:
    """Text a worksheet can hold: no characters XML refuses, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:TEXT_LIMIT]


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as something other than text (a formula, an error code)?"""
    return text.startswith(FORMULA_STARTS) or text in ERROR_CODES


class Sheet:
    """A write-only sheet: an optional title row, a bold header row (frozen, filtered), then rows."""

    def __init__(self, book: "Workbook", title: Any, headers: list | None = None, *,
                 widths: dict[int, float] | None = None, default_width: float = DEFAULT_WIDTH,
                 title_row: Any = None, landscape: bool = True, fit_width: bool = True, autofilter: bool = True):
        self.ws = book.wb.create_sheet(sheet_title(title))
        self._styles: dict[tuple, Any] = {}  # (format, quote prefix, header, bold) -> a written cell's style
        self.columns = len(headers or [])
        for i in range(1, max(self.columns, max(widths or {0: 0})) + 1):
            self.ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i, default_width)
        ws = self.ws
        ws.page_setup.paperSize = A4_PAPER
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        if fit_width:  # as wide as the page, as many pages down as it takes
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        self.rows = 0
        self.header_row = None
        self.autofilter = autofilter
        if title_row is not None:
            self.append([title_row], bold=True)
        if headers:
            self.header_row = self.rows + 1
            # Spreadsheets do not grow a row for wrapped text they load: the header row gets its height.
            lines = max(_wrapped_lines(str(h), (widths or {}).get(i, default_width)) for i, h in enumerate(headers, 1))
            ws.row_dimensions[self.header_row].height = LINE_HEIGHT * lines
            ws.freeze_panes = f"A{self.header_row + 1}"
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
            self.ws.append([self.cell(h, header=True) for h in headers])
            self.rows += 1

    def cell(self, value: Any, *, header: bool = False, bold: bool = False) -> Any:
        """What goes into the row for `value`: the plain value where openpyxl writes it right as it is
        (fastest), else a cell with its type and format fixed."""
        if is_lazy(value):  # a label (lazy_gettext): its text in the language in force
            value = str(value)
        if value is None:
            return None
        number_format, quote = None, False
        if isinstance(value, str):
            value = safe_text(value)
            quote = is_formula_like(value)
            if not (header or bold or quote):
                return value
        elif isinstance(value, Percent):
            value, number_format = (None if value.value is None else float(value.value) / 100), PERCENT_FORMAT
        elif isinstance(value, bool):
            pass
        elif isinstance(value, (int, Decimal, float)):
            whole = isinstance(value, int) or (value.is_finite() if isinstance(value, Decimal) else
                                               value.is_integer()) and value == int(value)
            number_format = INTEGER_FORMAT if whole else DECIMAL_FORMAT
        elif isinstance(value, dt.datetime):
            value, number_format = value.replace(tzinfo=None), DATETIME_FORMAT  # Excel has no time zones
        elif isinstance(value, dt.date):
            number_format = DATE_FORMAT
        else:  # anything else is shown as its text
            return self.cell(str(value), header=header, bold=bold)
        cell = WriteOnlyCell(self.ws)
        key = (number_format, quote, header, bold)
        style = self._styles.get(key)
        if style is not None:  # one style object per kind of cell: setting formats is most of a cell's cost
            cell._style = style
        else:
            if number_format:
                cell.number_format = number_format
            if quote:
                cell.quotePrefix = True
            if header:
                cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
            elif bold:
                cell.font = HEADER_FONT
            self._styles[key] = cell._style
        cell.value = value  # after the format: a date finds its date format already there
        if quote:
            cell.data_type = "s"  # never a formula or an error, whatever the text starts with
        return cell

    def append(self, values: Iterable[Any], *, bold: bool = False) -> None:
        self.ws.append([self.cell(v, bold=bold) for v in values])
        self.rows += 1

    def close(self) -> None:
        if self.autofilter and self.header_row is not None and self.columns:
            last = max(self.rows, self.header_row + 1)
            self.ws.auto_filter.ref = f"A{self.header_row}:{get_column_letter(self.columns)}{last}"


class Workbook:
    """A write-only workbook of `Sheet`s."""

    def __init__(self) -> None:
        self.wb = _Workbook(write_only=True)
        self.sheets: list[Sheet] = []

    def sheet(self, title: Any, headers: list | None = None, **options: Any) -> Sheet:
        sheet = Sheet(self, title, headers, **options)
        self.sheets.append(sheet)
        return sheet

    def save(self, out: IO[bytes] | str | Path) -> None:
        for sheet in self.sheets:
            sheet.close()
        self.wb.save(out)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.save(out)
        return out.getvalue()
