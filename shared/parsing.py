"""Reading what people and clients send: ids, whole numbers, dates, keyset cursors and JSON bodies, each
within what the database and the domain can hold. What does not fit raises ValueError with a Vietnamese
message (never an OverflowError, a RecursionError or a database error later on).

The ranges are the database's and the calendar's: an id or a count beyond a PostgreSQL INTEGER, an amount
beyond a BIGINT, a date whose next day does not exist (31/12/9999) or a JSON body nested a thousand deep
would otherwise fail deep inside a query or a date computation with a server error.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
import unicodedata
from typing import Any

from shared.i18n import N_, _

INT32_MAX = 2**31 - 1  # PostgreSQL INTEGER: ids, counts
INT64_MAX = 2**63 - 1  # PostgreSQL BIGINT: amounts of money
# Dates people may type anywhere (filters, deadlines, congress dates): wide enough for any real use, narrow
# enough that a day or a year added to one still exists.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
MAX_JSON_DEPTH = 20  # the deepest real body (a report with its officer rows) is 3


def parse_id(value: str | None) -> int | None:
    """A whole number typed as ASCII digits that fits a database INTEGER, else None. (str.isdigit() also
    accepts "²", which int() refuses, and an id of 20 digits overflows PostgreSQL.) Also good as
    `request.args.get(name, type=parse_id)` for ids and page numbers."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > INT32_MAX:
        return None
    return int(text)


def is_db_id(value: Any) -> bool:
    """An int a row id can be (1 to INTEGER's maximum): anything else matches no row, and PostgreSQL
    refuses to compare an INTEGER column with a bigger number instead of answering "none"."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT32_MAX


def parse_int(value: Any, *, minimum: int = 0, maximum: int = INT32_MAX) -> int | None:
    """A whole number within [minimum, maximum] from text ("1234", " 12 ") or an int; None when empty.
    Booleans, fractions, Unicode digits ("²") and out-of-range values raise ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("Phải là số nguyên."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        digits = text[1:] if text[:1] in "+-" else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
            raise ValueError(_("Phải là số nguyên."))
        number = int(text)
    if number < minimum:
        raise ValueError(_("Không được nhỏ hơn %(minimum)s.", minimum=minimum))
    if number > maximum:
        raise ValueError(_("Không được lớn hơn %(maximum)s.", maximum=_grouped(maximum)))
    return number


def parse_version(value: Any) -> int | None:
    """The record version a form or a client says it saw: None when not given; a value that is not a
    version (hand-edited hidden field, "abc") is -1, which no record has, so the save is a plain conflict."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= INT64_MAX else -1
    number = parse_id(value) if isinstance(value, str) else None
    return -1 if number is None else number


def check_date(day: dt.date, earliest: dt.date = MIN_DATE, latest: dt.date = MAX_DATE) -> dt.date:
    if not earliest <= day <= latest:
        raise ValueError(_("Ngày phải từ %(earliest)s đến %(latest)s.",
                           earliest=earliest.strftime("%d/%m/%Y"), latest=latest.strftime("%d/%m/%Y")))
    return day


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
    The one date parser of the portal's forms and filters and of the API's report bodies (the API's
    query dates are ISO only: parse_iso_date)."""
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
    return check_date(parsed, earliest, latest)


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
        raise ValueError(_("Không được lớn hơn %(maximum)s.", maximum=_grouped(maximum)))
    return number


def parse_iso_date(value: str | None) -> dt.date | None:
    """YYYY-MM-DD (the API's dates) within the date range; None when empty."""
    if value is None or not value.strip():
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("Ngày theo dạng YYYY-MM-DD.")) from None
    return check_date(day)


def parse_iso_datetime(value: str | None) -> dt.datetime | None:
    """An ISO 8601 moment (its zone dropped) within the date range; None when empty."""
    if value is None or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("Thời điểm theo dạng ISO 8601.")) from None
    check_date(moment.date())
    return moment.replace(tzinfo=None)


# ---- text and JSON -----------------------------------------------------------------------------------


def text_problem(value: str) -> str | None:
    """Why this text cannot be stored, or None: a NUL (PostgreSQL text cannot hold it) or a lone UTF-16
    surrogate ("\\ud800" in JSON: valid JSON, but no UTF-8 encoding exists for it)."""
    if "\x00" in value:
        return _("Dữ liệu chứa ký tự không hợp lệ (NUL).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Dữ liệu chứa ký tự không hợp lệ (mã UTF-16 lẻ).")
    return None


def check_value(value: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Walk a decoded JSON value without recursion: ValueError on nesting deeper than `max_depth`, on
    text (keys included) that cannot be stored, and on numbers that are not finite."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                raise ValueError(_("Dữ liệu JSON lồng quá sâu (tối đa %(depth)s cấp).", depth=max_depth))
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            problem = text_problem(item)
            if problem:
                raise ValueError(problem)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError(_("Số không hợp lệ."))


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN, Infinity: not JSON, although Python's decoder accepts them


def parse_json(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Decode a JSON document and check it (check_value); ValueError with a message otherwise. The
    decoder's own recursion limit is caught too: a body of 100,000 brackets is refused, not a crash."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        raise ValueError(_("Nội dung phải là JSON.")) from None
    except RecursionError:
        raise ValueError(_("Dữ liệu JSON lồng quá sâu (tối đa %(depth)s cấp).", depth=max_depth)) from None
    check_value(value, max_depth)
    return value


# ---- keyset cursors ----------------------------------------------------------------------------------

# What each position of a cursor may hold: the last row's sort values, as the API handed them out.
CURSOR_KINDS = ("text", "id", "int", "number", "datetime")


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: tuple[str, ...]) -> list | None:
    """The values of a cursor made by encode_cursor, each checked against its kind: "text" (storable
    text), "id" (a row id), "int" (a whole number of INTEGER size), "number" (finite int or float) or
    "datetime" (ISO, returned as a datetime). None when no cursor; ValueError when it is not one."""
    if not cursor:
        return None
    invalid = _("Con trỏ phân trang không hợp lệ.")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = parse_json(raw, max_depth=1)
    except (binascii.Error, ValueError):
        raise ValueError(invalid) from None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise ValueError(invalid)
    out = []
    for value, kind in zip(values, kinds):
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind == "text" and isinstance(value, str):
            out.append(value)
        elif kind == "id" and is_db_id(value):
            out.append(value)
        elif kind == "int" and number and isinstance(value, int) and abs(value) <= INT32_MAX:
            out.append(value)
        elif kind == "number" and number and math.isfinite(value) and abs(value) <= INT32_MAX:
            out.append(value)
        elif kind == "datetime" and isinstance(value, str):
            try:
                out.append(parse_iso_datetime(value))
            except ValueError:
                raise ValueError(invalid) from None
            if out[-1] is None:
                raise ValueError(invalid)
        else:
            raise ValueError(invalid)
    return out


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")
