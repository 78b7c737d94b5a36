"""Import bombs: a spreadsheet small on disk that unzips to hundreds of megabytes, or holds hundreds of
thousands of rows, is refused before it is parsed, quickly and in bounded memory, with a clear message
(422 on the portal, a non-zero exit on the CLI). The bombs are built in memory."""
from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from portal.cli import main
from shared.errors import DomainError
from shared.imports import Limits, read_units
from shared.models import Unit
from tests.admin.helpers import csv_bytes, province_rows, write_xlsx
from tests.conftest import csrf_token

MB = 1024 * 1024
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 b'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                 b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
                 b'.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                 b'</Types>')
RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            b'<sheet name="Don vi" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
                 b'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                 b'Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main">')


class Member:
    """A zip member given as its raw deflate stream (so a huge part costs no time or memory to build)."""

    def __init__(self, name: str, deflated: bytes, crc: int, size: int, declared: int | None = None):
        self.name, self.deflated, self.crc, self.size = name.encode(), deflated, crc, size
        self.declared = size if declared is None else declared

    @classmethod
    def of(cls, name: str, data: bytes) -> "Member":
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return cls(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def zip_bytes(members: list[Member]) -> bytes:
    """A zip archive written by hand: local headers, data, central directory, end record."""
    out, central = io.BytesIO(), io.BytesIO()
    for m in members:
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, m.crc, len(m.deflated), m.declared,
                              len(m.name), 0))
        out.write(m.name + m.deflated)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, m.crc, len(m.deflated),
                                  m.declared, len(m.name), 0, 0, 0, 0, 0, offset))
        central.write(m.name)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central.getvalue()), start, 0))
    return out.getvalue()


STRINGS = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Công đoàn cơ sở", "cơ sở", "D1"]


def strings_member() -> Member:
    items = "".join(f"<si><t>{text}</t></si>" for text in STRINGS)
    return Member.of("xl/sharedStrings.xml", ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                              f"{items}</sst>").encode())


def workbook(sheet: bytes, shared_strings: Member | None = None) -> bytes:
    return zip_bytes([
        Member.of("[Content_Types].xml", CONTENT_TYPES), Member.of("_rels/.rels", RELS),
        Member.of("xl/workbook.xml", WORKBOOK), Member.of("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        Member.of("xl/worksheets/sheet1.xml", sheet), shared_strings or strings_member(),
    ])


def huge_string_member(megabytes: int, declared: int | None = None) -> Member:
    """sharedStrings.xml holding one string of `megabytes` MB of "A": the same 1 MB deflate block repeated
    (a full flush resets the compressor, so every block compresses to the same bytes)."""
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    tail = b"</t></si></sst>"
    block = b"A" * MB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    repeated = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(block) + c.flush(zlib.Z_FULL_FLUSH) == repeated
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return Member("xl/sharedStrings.xml", first + repeated * megabytes + last, crc,
                  len(head) + megabytes * MB + len(tail), declared)


def sheet_rows(rows: int, dimension: int | None = None) -> bytes:
    """A units sheet as Excel saves it: the header, then `rows` grassroots unions (numeric codes, the
    repeated words as shared strings)."""
    dim = b'<dimension ref="A1:D%d"/>' % dimension if dimension else b""
    header = b'<row r="1">' + b"".join(b'<c r="%s1" t="s"><v>%d</v></c>' % (col, i) for i, col in enumerate((b"A", b"B", b"C", b"D"))) \
        + b"</row>"
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="s"><v>4</v></c><c r="C%d" t="s"><v>5</v></c>'
                    b'<c r="D%d" t="s"><v>6</v></c></row>' % (n, n, n, n, n, n) for n in range(2, rows + 2))
    return SHEET_HEAD + dim + b"<sheetData>" + header + body + b"</sheetData></worksheet>"


@pytest.fixture(scope="module")
def string_bomb() -> bytes:
    """0,6 MB on disk, one 600 MB shared string (what took 15 s and 1,5 GB of memory in one request)."""
    data = workbook(sheet_rows(1, 2), huge_string_member(600))
    assert len(data) < MB
    return data


@pytest.fixture(scope="module")
def rows_bomb() -> bytes:
    """Under 7 MB on disk, 400,000 rows (what took 47 s of CPU), its <dimension> honest."""
    data = workbook(sheet_rows(400_000, 400_001))
    assert len(data) < 8 * MB
    return data


def refused(data: bytes, filename: str, limits: Limits | None = None) -> tuple[str, float, int]:
    """(the refusal's message, seconds taken, peak of memory allocated) of reading `data`."""
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(DomainError) as refusal:
            read_units(io.BytesIO(data), filename, limits=limits)
        return refusal.value.message, time.process_time() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_600_mb_shared_string_is_refused_before_parsing(string_bomb):
    message, seconds, peak = refused(string_bomb, "bom.xlsx")
    assert message == "Tệp quá lớn để nhập một lần: nội dung vượt 100 MB. Hãy chia thành nhiều tệp nhỏ hơn."
    assert peak < 16 * MB, peak  # the declared size gives it away: nothing is decompressed
    assert seconds < 2, seconds


def test_a_part_that_lies_about_its_size_is_measured_while_unzipping(string_bomb):
    """The headers say 1 KB; the stream holds 600 MB. Reading stops at the real limit, one chunk at a time."""
    liar = workbook(sheet_rows(1, 2), huge_string_member(600, declared=1024))
    message, seconds, peak = refused(liar, "bom.xlsx")
    assert "Không đọc được tệp Excel" in message or "Tệp quá lớn" in message
    assert peak < 16 * MB, peak
    assert seconds < 5, seconds
    # A part whose real size passes the limit is refused as too big however small it claims to be.
    small = workbook(sheet_rows(1, 2), huge_string_member(3, declared=3 * MB + 200))
    message, _seconds, peak = refused(small, "bom.xlsx", Limits(max_bytes=2 * MB))
    assert message.startswith("Tệp quá lớn") and peak < 8 * MB


def test_400000_rows_are_refused_from_the_dimension_before_any_row_is_read(rows_bomb):
    message, seconds, peak = refused(rows_bomb, "dong.xlsx")
    assert message == "Tệp có quá nhiều dòng: mỗi lần nhập tối đa 200.000 dòng. Hãy chia thành nhiều tệp nhỏ hơn."
    assert peak < 16 * MB and seconds < 2, (peak, seconds)


@pytest.mark.parametrize("dimension", [None, 1], ids=["no-dimension", "lying-dimension"])
def test_rows_are_counted_when_the_dimension_is_missing_or_lies(dimension):
    data = workbook(sheet_rows(400_000, dimension))
    message, seconds, peak = refused(data, "dong.xlsx")
    assert message.startswith("Tệp có quá nhiều dòng") and "200.000" in message
    assert peak < 16 * MB and seconds < 5, (peak, seconds)


def test_a_csv_is_capped_in_bytes_and_rows_while_it_is_read():
    rows = province_rows(2, 30)  # 64 rows with the header
    message, _seconds, peak = refused(csv_bytes(rows) + b"x" * (2 * MB), "don-vi.csv", Limits(max_bytes=MB))
    assert message == "Tệp quá lớn để nhập một lần: nội dung vượt 1 MB. Hãy chia thành nhiều tệp nhỏ hơn."
    message, _seconds, _peak = refused(csv_bytes(rows), "don-vi.csv", Limits(max_rows=50))
    assert message == "Tệp có quá nhiều dòng: mỗi lần nhập tối đa 50 dòng. Hãy chia thành nhiều tệp nhỏ hơn."
    # Line breaks inside quoted cells are not rows: 64 rows on 127 lines pass a cap of 64.
    quoted = [(code, name + "\nxuống dòng", *rest) for code, name, *rest in rows]
    assert len(read_units(io.BytesIO(csv_bytes(quoted)), "don-vi.csv", limits=Limits(max_rows=64))) == 63
    # A cell beyond what the CSV reader accepts is a clear error, not a crash.
    with pytest.raises(DomainError, match="Không đọc được tệp CSV"):
        read_units(io.BytesIO(csv_bytes([("P", "x" * 200_000, "tỉnh", "", "", 0, "", "")])), "don-vi.csv")


def test_files_within_the_limits_import_as_before(db, tmp_path):
    rows = province_rows(3, 49)
    path = write_xlsx(tmp_path / "tinh.xlsx", rows)
    limits = Limits(max_rows=len(rows) + 1)  # the header counts
    assert len(read_units(path, path.name, limits=limits)) == len(rows)
    with pytest.raises(DomainError, match="tối đa 151 dòng"):
        read_units(path, path.name, limits=Limits(max_rows=len(rows)))


def test_the_portal_answers_422_with_the_reason(client, factory, login_as, db, string_bomb, rows_bomb):
    t = factory.tree()
    login_as(factory.user("federation", t.province))

    def upload(data: bytes, name: str):
        return client.post("/admin/units/import", data={
            "csrf_token": csrf_token(client, "/admin/units/import"), "mode": "all",
            "file": (io.BytesIO(data), name),
        }, content_type="multipart/form-data")

    started = time.process_time()
    resp = upload(string_bomb, "bom.xlsx")
    assert resp.status_code == 422 and "Tệp quá lớn để nhập một lần" in resp.get_data(as_text=True)
    resp = upload(rows_bomb, "dong.xlsx")
    assert resp.status_code == 422 and "Tệp có quá nhiều dòng" in resp.get_data(as_text=True)
    assert time.process_time() - started < 5
    assert db.scalar(select(func.count(Unit.id))) == 6  # the tree as it was


def test_the_limits_are_settings(app, client, factory, login_as, db):
    app.config["IMPORT_MAX_ROWS"] = 3
    t = factory.tree()
    login_as(factory.user("federation", t.province))
    rows = [(f"G9{i}", f"Công đoàn cơ sở Số {i}", "co so", "D1", "FDI", 5, "", "") for i in range(5)]
    resp = client.post("/admin/units/import", data={
        "csrf_token": csrf_token(client, "/admin/units/import"), "mode": "dry_run",
        "file": (io.BytesIO(csv_bytes(rows)), "don-vi.csv"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 422 and "mỗi lần nhập tối đa 3 dòng" in resp.get_data(as_text=True)


def test_the_cli_exits_non_zero_with_the_reason(database_url, db, monkeypatch, tmp_path, rows_bomb):
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    path = tmp_path / "dong.xlsx"
    path.write_bytes(rows_bomb)
    result = CliRunner().invoke(main, ["import-units", str(path), "--quiet"])
    assert result.exit_code != 0 and "Tệp có quá nhiều dòng" in result.output
    monkeypatch.setenv("DAIHOI_IMPORT_MAX_BYTES", str(MB))
    small = tmp_path / "nho.csv"
    small.write_bytes(csv_bytes(province_rows(1, 1)) + b"," * (2 * MB))
    result = CliRunner().invoke(main, ["import-units", str(small), "--quiet"])
    assert result.exit_code != 0 and "nội dung vượt 1 MB" in result.output
