"""Import of the unit tree from XLSX/CSV: lenient headers, per-row validation, all-or-nothing apply."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any

from sqlalchemy import bindparam, insert, select, text as sql_text, update
from sqlalchemy.orm import Session

from shared import audit, i18n
from shared.errors import DomainError
from shared.i18n import N_, _
from shared.models import LEVEL_LABELS, SECTOR_LABELS, Campaign, CongressReport, Unit, User
from shared.text import fold, format_number, nfc, sort_key
from shared.units import child_path, in_subtree, path_segment

# field -> header spellings, compared after fold() and punctuation removal (Vietnamese with or without
# diacritics, and English); the template's headers in every language are accepted too (_vocabulary()).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("ma don vi", "ma", "ma dv", "code", "unit code"),
    "name": ("ten don vi", "ten", "ten dv", "name", "unit name"),
    "level": ("cap", "cap don vi", "level", "unit level"),
    "parent_code": ("ma don vi cap tren", "ma cap tren", "ma dv cap tren", "ma don vi cap tren truc tiep",
                    "parent code", "parent", "parent unit code", "parent unit"),
    "sector": ("khu vuc", "sector"),
    "members_count": ("so doan vien", "doan vien", "members", "members count", "union members",
                      "number of members", "number of union members"),
    "contact_email": ("email", "email nguoi lien he", "thu dien tu", "e mail", "contact email"),
    "contact_phone": ("dien thoai", "so dien thoai", "dien thoai nguoi lien he", "sdt", "phone", "contact phone",
                      "telephone", "phone number"),
}
REQUIRED = ("code", "name", "level", "parent_code")
HEADERS = {  # what the template writes, in the user's language (header())
    "code": N_("Mã đơn vị"),
    "name": N_("Tên đơn vị"),
    "level": N_("Cấp"),
    "parent_code": N_("Mã đơn vị cấp trên"),
    "sector": N_("Khu vực"),
    "members_count": N_("Số đoàn viên"),
    "contact_email": N_("Email người liên hệ"),
    "contact_phone": N_("Điện thoại người liên hệ"),
}
LEVEL_WORDS = {
    "tinh": "province", "cap tinh": "province", "province": "province", "provincial": "province",
    "province level": "province",
    "huyen": "district", "cap huyen": "district", "cap huyen va tuong duong": "district",
    "cap tren co so": "district", "district": "district", "district level": "district",
    "co so": "grassroots", "cap co so": "grassroots", "cong doan co so": "grassroots", "cdcs": "grassroots",
    "grassroots": "grassroots", "grassroots union": "grassroots", "grassroots level": "grassroots",
}
SECTOR_WORDS = {
    "nha nuoc": "state", "khu vuc nha nuoc": "state", "state": "state", "state sector": "state",
    "ngoai nha nuoc": "non_state", "khu vuc ngoai nha nuoc": "non_state", "non state": "non_state",
    "non state sector": "non_state", "private": "non_state",
    "fdi": "fdi", "doanh nghiep fdi": "fdi", "co von dau tu nuoc ngoai": "fdi", "fdi sector": "fdi",
    "su nghiep": "public_service", "don vi su nghiep": "public_service", "public service": "public_service",
    "public service sector": "public_service",
}
PARENT_LEVEL = {"district": "province", "grassroots": "district"}
LEVEL_RANK = {"province": 0, "district": 1, "grassroots": 2}
LEVEL_SHORT = {"province": N_("tỉnh"), "district": N_("huyện"), "grassroots": N_("cơ sở")}  # translate with _()
SECTOR_SHORT = {"state": N_("nhà nước"), "non_state": N_("ngoài nhà nước"), "fdi": "FDI",
                "public_service": N_("sự nghiệp")}
UNITS_SHEET = N_("Đơn vị")  # the template's data sheet, looked for by name on import
MAX_ERRORS_KEPT = 5000  # a report beyond that helps nobody; the count stays exact
CHUNK = 1000

UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")  # the same rule as the unit form's
_PUNCT = re.compile(r"[^a-z0-9]+")
_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+().\-\s]{6,40}$")

Progress = Callable[[str, int, int | None], None]  # (stage, done, total)


@lru_cache(maxsize=1024)  # levels and sectors: a handful of words on every row, each folded once
def _key(text: Any) -> str:
    return _PUNCT.sub(" ", fold(str(text or ""))).strip()


def header(name: str) -> str:
    """The template's header of a field, in the current language."""
    return _(HEADERS[name])


@cache
def _vocabulary() -> tuple[dict[str, str], dict[str, str], dict[str, str], frozenset[str]]:
    """(header aliases, level words, sector words, data sheet names), each widened with what the template
    writes in every language, so a template downloaded in any language imports back as it is."""
    def spelled(message: str) -> set[str]:
        return {_key(i18n.translations(code).ugettext(message)) for code in i18n.LANGUAGES}

    aliases = {alias: name for name, spellings in COLUMNS.items() for alias in spellings}
    levels, sectors = dict(LEVEL_WORDS), dict(SECTOR_WORDS)
    for name, message in HEADERS.items():
        aliases.update(dict.fromkeys(spelled(message), name))
    for level, message in LEVEL_SHORT.items():
        levels.update(dict.fromkeys(spelled(message), level))
    for sector, message in SECTOR_SHORT.items():
        sectors.update(dict.fromkeys(spelled(message), sector))
    return aliases, levels, sectors, frozenset(spelled(UNITS_SHEET) | {"don vi", "units", "unit"})


@dataclass(slots=True)
class Row:
    number: int
    code: str | None = None
    name: str | None = None
    level: str | None = None
    parent_code: str | None = None
    sector: str | None = None
    members_count: int | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class RowError:
    row: int
    code: str | None
    message: str


@dataclass
class ImportReport:
    """What an import found and did; `applied` is False for a dry run or a refused file."""

    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    skipped: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    valid_only: bool = False
    applied: bool = False
    # With a campaign (`--campaign`): its name, the change in its expected units per level, and the units
    # missing from the file that stay active because they have already reported in it.
    campaign: str | None = None
    expected_change: dict[str, int] = field(default_factory=dict)
    kept_active: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: Row) -> None:
        for message in row.errors:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS_KEPT:
                self.errors.append(RowError(row.number, row.code, message))

    def summary(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in
                ("filename", "rows", "created", "updated", "unchanged", "deactivated", "skipped", "error_count",
                 "dry_run", "valid_only", "applied", "campaign", "expected_change", "kept_active")}


# ---- limits ------------------------------------------------------------------------------

# A spreadsheet is a zip of XML: 0,6 MB on disk can hold a 600 MB string, a few MB 400,000 rows. Both
# limits are checked before any cell is parsed (DAIHOI_IMPORT_MAX_ROWS / DAIHOI_IMPORT_MAX_BYTES). The
# defaults hold the national data set (150,000 units: a 74 MB sheet as openpyxl writes it) with room.
MAX_ROWS = 200_000  # rows of the sheet (or lines of the CSV), header included
MAX_BYTES = 100 * 1024 * 1024  # the file's content once unzipped (CSV: its size)
MAX_ZIP_MEMBERS = 1000  # a workbook has a dozen parts; thousands only make the zip's directory expensive
READ_CHUNK = 1024 * 1024
_ROOT = re.compile(rb"<(?:([\w.-]+):)?worksheet[\s>]")  # the sheet's namespace prefix, if it uses one
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*(\d+)(?::[A-Z]*(\d+))?\"")


@dataclass(frozen=True)
class Limits:
    """How big an import may be; refused (a DomainError) before parsing when the file is bigger."""

    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES

    @classmethod
    def from_config(cls, config: Any) -> "Limits":
        """From the app's settings (IMPORT_MAX_ROWS, IMPORT_MAX_BYTES: DAIHOI_ variables or instance/config.py)."""
        return cls(int(config.get("IMPORT_MAX_ROWS") or MAX_ROWS), int(config.get("IMPORT_MAX_BYTES") or MAX_BYTES))


def _too_big(limits: Limits) -> DomainError:
    return DomainError(_("Tệp quá lớn để nhập một lần: nội dung vượt %(limit)s MB. Hãy chia thành nhiều tệp nhỏ hơn.",
                         limit=format_number(limits.max_bytes / 1024 / 1024, 0)))


def _too_many_rows(limits: Limits) -> DomainError:
    return DomainError(_("Tệp có quá nhiều dòng: mỗi lần nhập tối đa %(limit)s dòng. Hãy chia thành nhiều tệp nhỏ hơn.",
                         limit=format_number(limits.max_rows)))


def _unreadable_xlsx() -> DomainError:
    return DomainError(_("Không đọc được tệp Excel (.xlsx); hãy kiểm tra lại tệp."))


def _zip_entries(f: IO[bytes]) -> int | None:
    """The entry count the zip's end record declares, read before zipfile builds its directory."""
    f.seek(0, io.SEEK_END)
    size = f.tell()
    f.seek(max(0, size - 65_557))  # the end record (22 bytes) and a comment of at most 65,535
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 12 > len(tail):
        return None
    return int.from_bytes(tail[at + 10:at + 12], "little")


def check_xlsx(f: IO[bytes], limits: Limits) -> None:
    """Refuse a workbook bigger than `limits` without parsing it: the declared sizes of its parts, then their
    real sizes while decompressing them a chunk at a time (a declared size can lie), and the rows of every
    sheet, from its <dimension> and by counting its <row> elements. Memory stays at one chunk."""
    import zipfile
    import zlib

    entries = _zip_entries(f)
    if entries is None:
        raise _unreadable_xlsx()
    if entries > MAX_ZIP_MEMBERS:
        raise _too_big(limits)
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as z:
            members = z.infolist()
            if sum(m.file_size for m in members) > limits.max_bytes:
                raise _too_big(limits)
            total = 0
            for member in members:
                sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
                rows, tail, head, tag = 0, b"", b"", b"<row"
                with z.open(member) as part:
                    while chunk := part.read(READ_CHUNK):
                        total += len(chunk)
                        if total > limits.max_bytes:
                            raise _too_big(limits)
                        if not sheet:
                            continue
                        if head is not None:  # the sheet's start: its namespace prefix and <dimension>
                            head += chunk
                            root, found = _ROOT.search(head), _DIMENSION.search(head)
                            if root and root.group(1):  # <x:worksheet>: its rows are <x:row>
                                tag = b"<" + root.group(1) + b":row"
                            if found and int(found.group(2) or found.group(1)) > limits.max_rows:
                                raise _too_many_rows(limits)
                            if tag in head or b"sheetData" in head or len(head) > 65536:
                                rows = head.count(tag)
                                tail, head = head[1 - len(tag):], None
                            continue
                        # A tag cut between two chunks is counted once: with just enough of the last chunk's end.
                        rows += (tail + chunk).count(tag)
                        if rows > limits.max_rows:
                            raise _too_many_rows(limits)
                        tail = (tail + chunk)[1 - len(tag):]
                if head:  # a sheet shorter than its own start
                    rows = head.count(tag)
                if rows > limits.max_rows:
                    raise _too_many_rows(limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise _unreadable_xlsx() from exc
    finally:
        f.seek(0)


def _read_capped(source: IO[bytes] | str | Path, limits: Limits) -> bytes:
    """The file's bytes, refused past the byte limit without reading more than one byte beyond it."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as f:
            raw = f.read(limits.max_bytes + 1)
    else:
        raw = source.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise _too_big(limits)
    return raw


# ---- reading ---------------------------------------------------------------------------


def _open_rows(source: IO[bytes] | str | Path, filename: str,
               limits: Limits | None = None) -> tuple[Iterator[tuple[int, tuple]], int | None]:
    """(row number, cell values) for every row of the first sheet, and the row count if known. A file past
    `limits` is refused before its cells are parsed."""
    limits = limits or Limits()
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook
        from xml.etree.ElementTree import ParseError
        from zipfile import BadZipFile

        if isinstance(source, (str, Path)):
            with open(source, "rb") as f:
                check_xlsx(f, limits)
        else:
            check_xlsx(source, limits)
        try:
            # A path is opened (and closed by wb.close()) by openpyxl itself.
            wb = load_workbook(str(source) if isinstance(source, Path) else source, read_only=True, data_only=True)
        except (BadZipFile, KeyError, OSError, ValueError, ParseError) as exc:
            raise _unreadable_xlsx() from exc
        sheets = _vocabulary()[3]
        ws = next((s for s in wb.worksheets if _key(s.title) in sheets), wb.worksheets[0])
        total = ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 1 else None

        def xlsx_rows():
            try:
                for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                    yield n, values
            except (ParseError, ValueError, KeyError, IndexError) as exc:  # e.g. a cell naming a missing string
                raise _unreadable_xlsx() from exc
            finally:
                wb.close()

        return xlsx_rows(), total
    if suffix in (".csv", ".txt"):
        raw = _read_capped(source, limits)
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1258 decodes almost anything
            raise DomainError(_("Không đọc được tệp CSV: hãy lưu tệp với mã hóa UTF-8."))
        del raw
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
        total = text.count("\n") + 1

        def records():
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            try:
                yield from enumerate(reader, start=1)
            except csv.Error as exc:  # a cell past the reader's 128 KB, a stray NUL...
                raise DomainError(_("Không đọc được tệp CSV: dòng %(line)s có ô quá dài hoặc sai định dạng.",
                                    line=format_number(reader.line_num))) from exc

        if total > limits.max_rows:  # lines are not rows when a quoted cell holds a line break: count them
            for n, _values in records():
                if n > limits.max_rows:
                    raise _too_many_rows(limits)

        def csv_rows():
            for n, values in records():
                yield n, tuple(values)

        return csv_rows(), total
    raise DomainError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))


# The results import (shared.result_imports) reads its sheet the same way: the same caps before parsing,
# the same folding of headers and words.
open_rows = _open_rows
fold_key = _key


def _header_map(values: tuple) -> dict[str, int]:
    aliases = _vocabulary()[0]
    found: dict[str, int] = {}
    for index, cell in enumerate(values):
        key = _key(cell).replace(" bat buoc", "").replace(" required", "")
        name = aliases.get(key)
        if name and name not in found:
            found[name] = index
    missing = [header(n) for n in REQUIRED if n not in found]
    if missing:
        raise DomainError(_(
            "Dòng tiêu đề thiếu cột: %(columns)s. Hãy dùng tệp mẫu hoặc đặt đúng tên cột (có dấu hay không dấu đều được).",
            columns=", ".join(f"“{m}”" for m in missing),
        ))
    return found


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)) or None


def _parse_row(number: int, values: tuple, columns: dict[str, int]) -> Row:
    def cell(name: str) -> Any:
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    _aliases, level_words, sector_words, _sheets = _vocabulary()
    row = Row(number)
    code = _text(cell("code"))
    if not code:
        row.errors.append(_("Thiếu mã đơn vị."))
    elif not UNIT_CODE.match(code.upper()):
        row.errors.append(_("Mã “%(code)s” chỉ được gồm chữ không dấu, số, dấu chấm, gạch (tối đa 40 ký tự).", code=code))
    else:
        row.code = code.upper()
    name = _text(cell("name"))
    if not name:
        row.errors.append(_("Thiếu tên đơn vị."))
    elif len(name) > 255:
        row.errors.append(_("Tên đơn vị dài quá 255 ký tự."))
    else:
        row.name = name
    level = _text(cell("level"))
    if not level:
        row.errors.append(_("Thiếu cấp (tỉnh, huyện hoặc cơ sở)."))
    elif _key(level) not in level_words:
        row.errors.append(_("Cấp “%(level)s” không hợp lệ; chỉ nhận: tỉnh, huyện, cơ sở.", level=level))
    else:
        row.level = level_words[_key(level)]
    parent = _text(cell("parent_code"))
    row.parent_code = parent.upper() if parent else None
    sector = _text(cell("sector"))
    if sector:
        if _key(sector) in sector_words:
            row.sector = sector_words[_key(sector)]
        else:
            row.errors.append(_("Khu vực “%(sector)s” không hợp lệ; chỉ nhận: nhà nước, ngoài nhà nước, FDI, sự nghiệp.",
                                sector=sector))
    members = cell("members_count")
    if members is not None and str(members).strip() != "":
        row.members_count = _count(members, row)
    email = _text(cell("contact_email"))
    if email:
        if len(email) > 255 or not _EMAIL.match(email):
            row.errors.append(_("Email “%(email)s” không hợp lệ.", email=email))
        else:
            row.contact_email = email.lower()
    phone = _text(cell("contact_phone"))
    if phone:
        if not _PHONE.match(phone):
            row.errors.append(_("Số điện thoại “%(phone)s” không hợp lệ.", phone=phone))
        else:
            row.contact_phone = phone
    return row


def _count(value: Any, row: Row) -> int | None:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float)):
        number = value
    else:
        text = str(value).strip()
        if _THOUSANDS.match(text):  # "1.234" is a thousand, not a decimal: counts are whole numbers
            text = re.sub(r"[.,\s]", "", text)
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            row.errors.append(_("Số đoàn viên “%(value)s” không phải là số.", value=value))
            return None
    if number != number or number in (float("inf"), float("-inf")) or number != int(number):
        row.errors.append(_("Số đoàn viên “%(value)s” phải là số nguyên.", value=value))
        return None
    if number < 0:
        row.errors.append(_("Số đoàn viên không được âm."))
        return None
    if number > 10_000_000:
        row.errors.append(_("Số đoàn viên “%(value)s” quá lớn.", value=value))
        return None
    return int(number)


def read_units(source: IO[bytes] | str | Path, filename: str, progress: Progress | None = None,
               limits: Limits | None = None) -> list[Row]:
    """Every non-empty data row, normalised, with its own field errors (no database needed)."""
    rows_iter, total = _open_rows(source, filename, limits)
    columns: dict[str, int] | None = None
    rows: list[Row] = []
    for number, values in rows_iter:
        if not values or all(v is None or str(v).strip() == "" for v in values):
            continue
        if columns is None:
            columns = _header_map(values)
            continue
        rows.append(_parse_row(number, values, columns))
        if progress and number % CHUNK == 0:
            progress("read", number, total)
    if columns is None:
        raise DomainError(_("Tệp trống: không có dòng tiêu đề."))
    if progress:
        progress("read", total or len(rows) + 1, total or len(rows) + 1)
    return rows


# ---- validation against the tree -------------------------------------------------------


@dataclass(slots=True)
class _Existing:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    path: str
    sector: str
    members_count: int
    contact_email: str | None
    contact_phone: str | None
    active: bool


def _load_existing(session: Session) -> dict[str, _Existing]:
    cols = (Unit.id, Unit.code, Unit.name, Unit.level, Unit.parent_id, Unit.path, Unit.sector,
            Unit.members_count, Unit.contact_email, Unit.contact_phone, Unit.active)
    return {r.code: _Existing(*r) for r in session.execute(select(*cols)).yield_per(5000)}


def _validate(rows: list[Row], existing: dict[str, _Existing], scope: Unit | None) -> None:
    """Cross-row checks: duplicates, parents, cycles, levels, scope; errors propagate to children."""
    code_by_id = {e.id: e.code for e in existing.values()}
    first_row: dict[str, Row] = {}
    for row in rows:
        if row.code is None:
            continue
        if row.code in first_row:
            row.errors.append(_("Mã “%(code)s” trùng với dòng %(row)s.", code=row.code, row=first_row[row.code].number))
        else:
            first_row[row.code] = row

    def parent_of(code: str) -> str | None:
        row = first_row.get(code)
        if row is not None:
            return row.parent_code
        e = existing.get(code)
        return code_by_id.get(e.parent_id) if e and e.parent_id else None

    # Cycles in the tree as it would be after the import (file rows over database rows).
    in_cycle: set[str] = set()
    settled: set[str] = set()
    for start in first_row:
        trail: list[str] = []
        on_trail: set[str] = set()
        code: str | None = start
        while code is not None and code not in settled and (code in first_row or code in existing):
            if code in on_trail:
                in_cycle.update(trail[trail.index(code):])
                break
            trail.append(code)
            on_trail.add(code)
            code = parent_of(code)
        settled.update(trail)

    for row in sorted(rows, key=lambda r: LEVEL_RANK.get(r.level or "", 3)):
        if row.code is None or first_row.get(row.code) is not row:
            continue
        old = existing.get(row.code)
        if scope is not None and old is not None and not old.path.startswith(scope.path):
            row.errors.append(_("Mã “%(code)s” đã thuộc một đơn vị ngoài phạm vi quản lý của bạn.", code=row.code))
            continue
        if old is not None and row.level and old.level != row.level:
            row.errors.append(_("Không đổi được cấp của đơn vị đã có (đang là cấp %(level)s).",
                                level=_(LEVEL_SHORT[old.level])))
        if row.code in in_cycle:
            row.errors.append(_("Vòng lặp cấp trên: đơn vị không thể trực thuộc chính nó hoặc đơn vị cấp dưới của nó."))
            continue
        if row.parent_code is None:
            if row.level and row.level != "province":
                row.errors.append(_("Thiếu mã đơn vị cấp trên (chỉ đơn vị cấp tỉnh không có cấp trên)."))
            elif scope is not None and row.code != scope.code:
                row.errors.append(_("Không tạo được đơn vị cấp tỉnh ngoài phạm vi quản lý của bạn."))
            continue
        if scope is not None and row.code == scope.code:
            current_parent = code_by_id.get(old.parent_id) if old and old.parent_id else None
            if row.parent_code != current_parent:
                row.errors.append(_("Không thể chuyển đơn vị của chính bạn sang cấp trên khác."))
            continue
        parent_row = first_row.get(row.parent_code)
        parent_old = existing.get(row.parent_code)
        if parent_row is not None:
            parent_level = parent_row.level
            if parent_row.errors:
                row.errors.append(_("Đơn vị cấp trên “%(parent)s” (dòng %(row)s) có lỗi.",
                                    parent=row.parent_code, row=parent_row.number))
                continue
        elif parent_old is not None:
            parent_level = parent_old.level
            if scope is not None and not parent_old.path.startswith(scope.path):
                row.errors.append(_("Đơn vị cấp trên “%(parent)s” ở ngoài phạm vi quản lý của bạn.", parent=row.parent_code))
                continue
            if not parent_old.active:
                row.errors.append(_("Đơn vị cấp trên “%(parent)s” đã ngừng hoạt động.", parent=row.parent_code))
                continue
        else:
            row.errors.append(_("Không có đơn vị cấp trên mã “%(parent)s” (trong tệp và trong hệ thống).",
                                parent=row.parent_code))
            continue
        if row.level and parent_level and PARENT_LEVEL.get(row.level) != parent_level:
            wanted = PARENT_LEVEL.get(row.level)
            params = dict(level=_(LEVEL_SHORT[row.level]), parent=row.parent_code,
                          parent_level=_(LEVEL_SHORT[parent_level]))
            if wanted:
                row.errors.append(_("Sai cấp: đơn vị cấp %(level)s phải trực thuộc đơn vị cấp %(wanted)s, "
                                    "nhưng “%(parent)s” là cấp %(parent_level)s.", wanted=_(LEVEL_SHORT[wanted]), **params))
            else:
                row.errors.append(_("Sai cấp: đơn vị cấp %(level)s không có cấp trên, "
                                    "nhưng “%(parent)s” là cấp %(parent_level)s.", **params))


# ---- apply -------------------------------------------------------------------------------


def _changes(row: Row, old: _Existing, parent_id: int | None) -> dict[str, Any]:
    new = {"name": row.name, "parent_id": parent_id}
    for name in ("sector", "members_count", "contact_email", "contact_phone"):
        value = getattr(row, name)
        if value is not None:  # an empty cell keeps what the system has
            new[name] = value
    changes = {k: v for k, v in new.items() if getattr(old, k) != v}
    if not old.active:
        changes["active"] = True
    return changes


def import_units(
    session: Session,
    source: IO[bytes] | str | Path,
    *,
    filename: str,
    actor: User | None = None,
    scope: Unit | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    deactivate_missing: bool = False,
    campaign: Campaign | None = None,
    progress: Progress | None = None,
    ip: str | None = None,
    limits: Limits | None = None,
) -> ImportReport:
    """Validate the whole file, then create/update by code (all or nothing unless `valid_only`).

    `scope` limits the import to a subtree (a federation user's); None is the whole tree (CLI).
    `campaign` checks the import against a running campaign (see `_check_against_campaign`).
    `limits` (default: `Limits()`) refuses a file too big to import before it is parsed.
    Flushes only; the caller commits when `report.applied`.
    """
    report = ImportReport(filename=filename, dry_run=dry_run, valid_only=valid_only)
    rows = read_units(source, filename, progress, limits)
    report.rows = len(rows)
    existing = _load_existing(session)
    if progress:
        progress("check", 0, len(rows))
    _validate(rows, existing, scope)
    for row in rows:
        if row.errors:
            report.add_error(row)
    valid = [r for r in rows if not r.errors]
    report.skipped = len(rows) - len(valid)

    id_by_code = {code: e.id for code, e in existing.items()}
    creates: list[Row] = []
    updates: list[tuple[Row, dict[str, Any]]] = []
    for row in valid:
        old = existing.get(row.code)
        if old is None:
            creates.append(row)
            continue
        parent_id = id_by_code.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent_id is None:  # parent is new in this file: surely a move
            changes = _changes(row, old, -1)
        else:
            changes = _changes(row, old, parent_id)
        if changes:
            updates.append((row, changes))
        else:
            report.unchanged += 1
    report.created, report.updated = len(creates), len(updates)

    file_codes = {r.code for r in rows if r.code}
    referenced = {r.parent_code for r in valid if r.parent_code}
    to_deactivate: list[int] = []
    if deactivate_missing:
        for code, e in existing.items():
            if (e.active and code not in file_codes and code not in referenced
                    and (scope is None or (e.path.startswith(scope.path) and e.id != scope.id))):
                to_deactivate.append(e.id)
        report.deactivated = len(to_deactivate)
    if campaign is not None:
        to_deactivate = _check_against_campaign(session, campaign, report, existing, creates, updates, to_deactivate)

    if dry_run or (report.error_count and not valid_only):
        if progress:
            progress("check", len(rows), len(rows))
        return report

    _apply(session, existing, creates, updates, to_deactivate, progress)
    report.applied = True
    audit.record(session, actor, "units.import", "import", None,
                 unit_id=scope.id if scope else None, changes=report.summary(), ip=ip)
    session.flush()
    session.expire_all()
    return report


def _check_against_campaign(session: Session, campaign: Campaign, report: ImportReport,
                            existing: dict[str, _Existing], creates: list[Row],
                            updates: list[tuple[Row, dict[str, Any]]], to_deactivate: list[int]) -> list[int]:
    """What the import does to a campaign, and what it must not do to it.

    A unit whose report waits for review is not moved under another parent (its reviewer would change in the
    middle of the review): that row is an error. A unit missing from the file that has already sent or had
    approved its report stays active (it would vanish from the campaign's figures): listed in `kept_active`.
    The change in the campaign's expected units per level is reported. Returns the units to deactivate.
    """
    report.campaign = campaign.name
    status_of = dict(session.execute(
        select(CongressReport.unit_id, CongressReport.status).where(CongressReport.campaign_id == campaign.id)
    ).all())
    for row, changes in list(updates):
        unit_id = existing[row.code].id
        if "parent_id" in changes and status_of.get(unit_id) == "submitted":
            row.errors.append(_("Báo cáo đại hội của đơn vị “%(code)s” đang chờ duyệt trong %(campaign)s: "
                                "chưa chuyển được sang đơn vị cấp trên khác.", code=row.code, campaign=campaign.name))
            report.add_error(row)
            updates.remove((row, changes))
            report.updated -= 1
            report.skipped += 1
    by_id = {e.id: e for e in existing.values()}
    keep = {unit_id for unit_id in to_deactivate if status_of.get(unit_id) in ("submitted", "approved")}
    report.kept_active = sorted(by_id[unit_id].code for unit_id in keep)
    to_deactivate = [unit_id for unit_id in to_deactivate if unit_id not in keep]
    report.deactivated = len(to_deactivate)

    change: dict[str, int] = {}
    for row in creates:
        change[row.level] = change.get(row.level, 0) + 1
    for row, changes in updates:
        if changes.get("active"):
            change[existing[row.code].level] = change.get(existing[row.code].level, 0) + 1
    for unit_id in to_deactivate:
        change[by_id[unit_id].level] = change.get(by_id[unit_id].level, 0) - 1
    report.expected_change = {level: n for level, n in change.items() if n}
    return to_deactivate


def _sequence_ids(session: Session, n: int) -> list[int] | None:
    """`n` new unit ids drawn from the table's own sequence (PostgreSQL), so that new rows can be
    inserted with their paths in one statement instead of INSERT, SELECT the ids, UPDATE the paths
    (150,000 units: 49 s of database time down to 23 s); None where ids only come from the insert
    itself (SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return list(session.scalars(
        sql_text("SELECT nextval(pg_get_serial_sequence('units', 'id')) FROM generate_series(1, :n)"), {"n": n}))


def _placed(row: Row, unit_id: int, id_by_code: dict[str, int], path_by_code: dict[str, str]) -> str:
    """Note a new unit's id and path (under its parent's path) for the rows after it; its path."""
    path = (path_by_code[row.parent_code] if row.parent_code else "") + path_segment(unit_id)
    id_by_code[row.code] = unit_id
    path_by_code[row.code] = path
    return path


def _apply(session: Session, existing: dict[str, _Existing], creates: list[Row],
           updates: list[tuple[Row, dict[str, Any]]], to_deactivate: list[int], progress: Progress | None) -> None:
    from shared.admin import rewrite_subtree

    units = Unit.__table__
    set_path = update(units).where(units.c.id == bindparam("_id")).values(path=bindparam("_path"))
    path_by_code = {code: e.path for code, e in existing.items()}
    id_by_code = {code: e.id for code, e in existing.items()}
    total = len(creates) + len(updates) + len(to_deactivate)
    done = 0
    for level in ("province", "district", "grassroots"):
        # Existing units first (a move rewrites the paths their new children will extend) ...
        plain: list[dict[str, Any]] = []
        for row, changes in (u for u in updates if u[0].level == level):
            old = existing[row.code]
            if "parent_id" in changes:
                parent_code = row.parent_code
                new_path = child_path(path_by_code[parent_code] if parent_code else None, old.id)
                old_path = path_by_code[row.code]
                rewrite_subtree(session, old.id, old_path, id_by_code.get(parent_code), new_path)
                if level != "grassroots":  # only non-leaves have descendants to follow
                    for code, path in path_by_code.items():
                        if path.startswith(old_path):
                            path_by_code[code] = new_path + path[len(old_path):]
                path_by_code[row.code] = new_path
                changes = {k: v for k, v in changes.items() if k != "parent_id"}
            if changes:
                if "name" in changes:
                    changes.update(name_folded=fold(changes["name"]), name_sort=sort_key(changes["name"]))
                plain.append({"id": old.id, **changes})
        for i in range(0, len(plain), CHUNK):
            session.execute(update(Unit), plain[i:i + CHUNK])
            done += len(plain[i:i + CHUNK])
            if progress:
                progress("write", done, total)
        # ... then the new ones, parents before children: insert, then set paths from the new ids.
        new_rows = [r for r in creates if r.level == level]
        for i in range(0, len(new_rows), CHUNK):
            chunk = new_rows[i:i + CHUNK]
            values = [
                dict(code=r.code, name=r.name, name_folded=fold(r.name), name_sort=sort_key(r.name), level=r.level,
                     parent_id=id_by_code[r.parent_code] if r.parent_code else None,
                     path="pending:" + r.code, sector=r.sector or "state", members_count=r.members_count or 0,
                     active=True, contact_email=r.contact_email, contact_phone=r.contact_phone)
                for r in chunk
            ]
            ids = _sequence_ids(session, len(chunk))
            if ids is not None:  # each row goes in once, with its id and its final path
                for r, row_values, unit_id in zip(chunk, values, ids):
                    row_values["id"] = unit_id
                    row_values["path"] = _placed(r, unit_id, id_by_code, path_by_code)
                session.execute(insert(units), values)
            else:
                # Plain executemany INSERT, then the ids by code: much faster than INSERT ... RETURNING
                # in order, which SQLite can only do a few rows at a time.
                session.execute(insert(units), values)
                new_ids = dict(session.execute(
                    select(units.c.code, units.c.id).where(units.c.code.in_([r.code for r in chunk]))
                ).all())
                session.execute(set_path, [{"_id": new_ids[r.code], "_path": _placed(r, new_ids[r.code], id_by_code,
                                                                                    path_by_code)} for r in chunk])
            done += len(chunk)
            if progress:
                progress("write", done, total)
    for i in range(0, len(to_deactivate), CHUNK):
        ids = to_deactivate[i:i + CHUNK]
        session.execute(update(Unit).where(Unit.id.in_(ids)).values(active=False).execution_options(synchronize_session=False))
        done += len(ids)
        if progress:
            progress("write", done, total)
    session.flush()


# ---- template ----------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The XLSX template in the user's language: the header row with three example rows, and a sheet
    explaining the values. Headers, levels and sectors are written as the import reads them back."""
    from shared.xlsx import Workbook

    level, sector = (lambda key: _(LEVEL_SHORT[key])), (lambda key: _(SECTOR_SHORT[key]))
    wb = Workbook()
    ws = wb.sheet(_(UNITS_SHEET), [header(n) for n in COLUMNS],
                  widths=dict(enumerate((14, 48, 10, 20, 18, 14, 28, 22), start=1)))
    # Example units (proper names: the same in every language).
    ws.append(["KG", "Liên đoàn Lao động tỉnh Kiên Giang", level("province"), "", sector("state"), 0, "", ""])  # noqa: i18n
    ws.append(["RG", "Liên đoàn Lao động thành phố Rạch Giá", level("district"), "KG", sector("state"), 0,  # noqa: i18n
               "lienhe@ldldrachgia.vn", "0297 3862 000"])
    ws.append(["RG-0001", "Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc", level("grassroots"), "RG",  # noqa: i18n
               sector("public_service"), 42, "", ""])

    help_ws = wb.sheet(_("Hướng dẫn"), [_("Cột"), _("Bắt buộc"), _("Giá trị")], widths={1: 26, 2: 24, 3: 110},
                       autofilter=False)
    yes, no = _("có"), _("không")
    help_ws.append([header("code"), yes, _("Mã duy nhất của đơn vị (chữ, số, gạch ngang); không phân biệt hoa thường. "
                                            "Nhập lại cùng mã sẽ cập nhật đơn vị đó.")])
    help_ws.append([header("name"), yes, _("Tên đầy đủ, có dấu.")])
    help_ws.append([header("level"), yes, _("tỉnh / huyện / cơ sở (có dấu hay không dấu đều được). %(levels)s",
                                             levels="; ".join(f"{level(k)} = {v}" for k, v in LEVEL_LABELS.items()))])
    help_ws.append([header("parent_code"), _("có (trừ cấp tỉnh)"),
                    _("Mã của đơn vị cấp trên trực tiếp: cấp huyện thuộc cấp tỉnh, cơ sở thuộc cấp huyện. "
                      "Đơn vị cấp trên có thể nằm trong tệp hoặc đã có trong hệ thống.")])
    help_ws.append([header("sector"), _("không (mặc định: nhà nước)"),
                    _("nhà nước / ngoài nhà nước / FDI / sự nghiệp (%(sectors)s). Để trống: giữ giá trị đang có.",
                      sectors=", ".join(str(label) for label in SECTOR_LABELS.values()))])
    help_ws.append([header("members_count"), no, _("Số nguyên không âm. Để trống: giữ giá trị đang có.")])
    help_ws.append([header("contact_email"), no, _("Email của người liên hệ.")])
    help_ws.append([header("contact_phone"), no, _("Số điện thoại của người liên hệ.")])
    help_ws.append([])
    help_ws.append([_("Lưu ý"), "", _("Tệp có lỗi sẽ không được nhập dòng nào (trừ khi chọn chỉ nhập các dòng hợp lệ). "
                                     "Đơn vị không bao giờ bị xóa khi nhập; đơn vị không có trong tệp chỉ bị ngừng "
                                     "hoạt động khi chọn rõ tùy chọn đó.")])
    return wb.to_bytes()
