"""Vietnamese text handling: NFC normalisation, diacritic folding for search, vi-VN formatting."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from shared.i18n import _, N_
from shared.parsing import parse_date, parse_id, parse_number  # noqa: F401  (the one parser of ids, dates and typed numbers, used from here too)

_SPACES = re.compile(r"\s+")


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


# Room a run of digits gets in a sort key: "2" and "10" compare as 0000000002 < 0000000010.
SORT_DIGITS = 10
SORT_KEY_LENGTH = 320  # the column's size: a name of 255 characters with a few numbers still fits
_DIGIT_RUN = re.compile(r"\d+")


def sort_key(value: str | None) -> str:
    """The key that lists names as people count: fold(name) with each run of digits padded to SORT_DIGITS
    places, so that a byte-wise ORDER BY (an index range) puts "An Hòa 2" before "An Hòa 10"."""
    key = _DIGIT_RUN.sub(lambda m: m.group().zfill(SORT_DIGITS), fold(value))
    return key[:SORT_KEY_LENGTH]


def like_escape(value: str) -> str:
    """Escape LIKE wildcards so that user input matches literally (use with escape='\\')."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def folded_like(query: str) -> str:
    """The LIKE pattern (escape '\\') that finds `query` anywhere in a folded search key (a `*_folded` column),
    whatever its marks and case: "cong doan" and "CÔNG ĐOÀN" both give '%cong doan%'."""
    return f"%{like_escape(fold(query))}%"


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
