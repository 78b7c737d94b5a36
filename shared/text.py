"""Vietnamese text handling: NFC normalisation, diacritic folding for search, vi-VN formatting."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from shared.i18n import _, N_

_SPACES = re.compile(r"\s+")


def parse_id(value: str | None) -> int | None:
    """A whole number typed as ASCII digits that fits a database INTEGER, else None. (str.isdigit() also
    accepts "²", which int() refuses, and an id of 20 digits overflows PostgreSQL.) Also good as
    `request.args.get(name, type=parse_id)` for ids and page numbers."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > 2**31 - 1:
        return None
    return int(text)


def nfc(value: str | None) -> str | None:
    """NFC-normalise and trim; collapse inner runs of whitespace. None stays None."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def clean_text(value: str | None, max_length: int | None = None) -> str:
    """Normalised text for storage; raises ValueError when longer than max_length."""
    text = nfc(value) or ""
    if max_length is not None and len(text) > max_length:
        raise ValueError(_("Không được dài quá %(n)s ký tự.", n=max_length))
    return text


class _DropMarks(dict):
    """A str.translate table that drops combining marks (category Mn) and keeps every other character;
    each code point's category is looked up once (fold runs over every name of a 150,000-unit import)."""

    def __missing__(self, codepoint: int) -> int | None:
        kept = None if unicodedata.category(chr(codepoint)) == "Mn" else codepoint
        self[codepoint] = kept
        return kept


_WITHOUT_MARKS = _DropMarks()


def fold(value: str | None) -> str:
    """Lower-case ASCII-ish key for diacritic-insensitive search: 'Công Đoàn' -> 'cong doan'."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", value).translate(_WITHOUT_MARKS)
    text = text.replace("đ", "d").replace("Đ", "D")  # noqa: i18n (folding, not text)
    return _SPACES.sub(" ", text.casefold()).strip()


def like_escape(value: str) -> str:
    """Escape LIKE wildcards so that user input matches literally (use with escape='\\')."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (Vietnamese separators)."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


SHARE_DECIMALS = 1  # shares computed from counts (held, women in the committees...): '65,3 %'
VOTE_DECIMALS = 2  # vote shares are recorded to two decimals (50,01 % elects, 50,00 % does not): '92,50 %'


def format_share(value: int | float | Decimal | None, decimals: int = SHARE_DECIMALS) -> str:
    """The one way a percentage is printed (pages, exports, API labels, TUI): a value in percent,
    Vietnamese decimal comma, a fixed number of decimals, a space before the sign: 92.5 -> '92,5 %'.
    None (no base to compute it from) -> '–'."""
    if value is None:
        return "–"
    return format_number(value, decimals) + " %"


def format_vote_share(value: int | float | Decimal | None) -> str:
    """An officer's vote share, always with its two recorded decimals: '92,50 %'."""
    return format_share(value, VOTE_DECIMALS) if value is not None else ""


def format_percent(part: int | float | None, whole: int | float | None, decimals: int = SHARE_DECIMALS) -> str:
    """`part` of `whole` as a percentage ('–' when there is no whole)."""
    if not whole:
        return "–"
    return format_share(100 * (part or 0) / whole, decimals)


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M")


# Dates people may type (filters, deadlines, congress dates): wide enough for any real use, narrow enough
# that a day or a year added to one still exists (31/12/9999 would break every "days left").
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
# A two-digit year is the one of its century-window closest to now: from 79 years before the current year
# to 20 years after it (in 2025: "45" is 2045, "46" is 1946). Congress dates are recent and deadlines are
# near; birth years are past. A fixed pivot (POSIX's 69) would drift into the wrong century over the years.
TWO_DIGIT_YEAR_AHEAD = 20
# dd, mm, yyyy (or yy) separated by one kind of separator: "/", ".", "-", "," (the decimal key of a phone
# keypad in a Vietnamese locale) or spaces, each optionally surrounded by spaces.
_DMY = re.compile(r"(\d{1,2})\s*([/.,-]|\s)\s*(\d{1,2})\s*([/.,-]|\s)\s*(\d{4}|\d{2})", re.ASCII)
_YMD = re.compile(r"(\d{4})([/.-])(\d{1,2})([/.-])(\d{1,2})", re.ASCII)  # ISO 8601 (and its slashed cousin)
_DATE_ERROR = N_("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")


def _full_year(two_digits: int, today: dt.date | None = None) -> int:
    from shared import clock  # here: clock reads the environment, text must import without side effects

    current = (today or clock.today()).year
    year = current - current % 100 + two_digits
    if year > current + TWO_DIGIT_YEAR_AHEAD:
        year -= 100
    elif year <= current + TWO_DIGIT_YEAR_AHEAD - 100:
        year += 100
    return year


def parse_date(value: str | None, *, earliest: dt.date = MIN_DATE, latest: dt.date = MAX_DATE,
               today: dt.date | None = None) -> dt.date | None:
    """A date as people type it, day first: 15/05/2023, 15/5/23, 15.05.2023, 15-05-2023, 15 05 2023,
    15052023, 150523 (ddmmyy), or ISO 2023-05-15. None when empty; ValueError (a Vietnamese message) when it
    is not a date of the calendar (31/02, 29/02 outside leap years) or lies outside [earliest, latest].
    Two-digit years follow TWO_DIGIT_YEAR_AHEAD (`today` pins the current year for tests).
    The one date parser of the portal, its filters and the API's report bodies."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) in (6, 8):
        parts = (text[:2], "", text[2:4], "", text[4:])
    elif m := _DMY.fullmatch(text):
        parts = m.groups()
    elif m := _YMD.fullmatch(text):
        year, sep1, month, sep2, day = m.groups()
        parts = (day, sep2, month, sep1, year)
    else:
        raise ValueError(_(_DATE_ERROR))
    day, sep1, month, sep2, year = parts
    if sep1 != sep2:  # "15/05.2023": a slip, not a date format
        raise ValueError(_(_DATE_ERROR))
    try:
        parsed = dt.date(_full_year(int(year), today) if len(year) == 2 else int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_(_DATE_ERROR)) from None
    if not earliest <= parsed <= latest:
        raise ValueError(_("Ngày phải từ %(earliest)s đến %(latest)s.",
                           earliest=format_date(earliest), latest=format_date(latest)))
    return parsed


INT32_MAX = 2**31 - 1  # a PostgreSQL INTEGER: counts
# Digits in groups of three after the first, one kind of separator: "15.000.000", "15,000,000",
# "15 000 000" (also the no-break and thin spaces a copied figure carries).
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:(?P<sep>[.,\s])\d{3})(?:(?P=sep)\d{3})*")


def parse_number(value: Any, *, maximum: int = INT32_MAX, signed: bool = False) -> int | None:
    """A whole number as people type it: 15000000, 15.000.000, 15,000,000, 15 000 000 (a count or an amount
    of money in đồng; shown back by format_number as 15.000.000). An int (JSON) passes through. None when
    empty; ValueError with a Vietnamese message for fractions ("1,5"), letters, other digit systems, numbers
    beyond `maximum` and, unless `signed` (the caller's rule then says what a negative means), a minus sign.
    The one number parser of the portal's forms and the API."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("Phải là số nguyên không âm."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        sign = -1 if text[:1] in "-\u2212" else 1
        digits = text[1:].strip() if sign < 0 else text
        if _GROUPED_NUMBER.fullmatch(digits):
            digits = re.sub(r"[.,\s]", "", digits)
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
            raise ValueError(_("Phải là số nguyên không âm."))
        number = sign * int(digits)
    if number < 0 and not signed:
        raise ValueError(_("Không được là số âm."))
    if abs(number) > maximum:
        raise ValueError(_("Không được lớn hơn %(maximum)s.", maximum=format_number(maximum)))
    return number


def days_phrase(days_left: int | None) -> str:
    """Countdown wording used on the dashboard and in the TUI."""
    if days_left is None:
        return ""
    msgid, params = days_message(days_left)
    return _(msgid, **params)


def days_message(days_left: int) -> tuple[str, dict[str, int]]:
    """The countdown's message id and parameters, for text translated later (shared.messages)."""
    if days_left == 1:
        return N_("còn 1 ngày"), {}
    if days_left > 0:
        return N_("còn %(days)s ngày"), {"days": format_number(days_left)}
    if days_left == 0:
        return N_("hạn chót hôm nay"), {}
    if days_left == -1:
        return N_("quá hạn 1 ngày"), {}
    return N_("quá hạn %(days)s ngày"), {"days": format_number(-days_left)}
