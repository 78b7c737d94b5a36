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
from typing import Any

from shared.i18n import _

INT32_MAX = 2**31 - 1  # PostgreSQL INTEGER: ids, counts
INT64_MAX = 2**63 - 1  # PostgreSQL BIGINT: amounts of money
# Dates people may type anywhere (filters, deadlines, congress dates): wide enough for any real use, narrow
# enough that a day or a year added to one still exists.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
MAX_JSON_DEPTH = 20  # the deepest real body (a report with its officer rows) is 3
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


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


def parse_date(value: str | None, *, earliest: dt.date = MIN_DATE, latest: dt.date = MAX_DATE) -> dt.date | None:
    """dd/mm/yyyy (as shown to users), ISO yyyy-mm-dd or dd-mm-yyyy within [earliest, latest]; None when
    empty; ValueError otherwise."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return check_date(day, earliest, latest)
    raise ValueError(_("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."))


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
