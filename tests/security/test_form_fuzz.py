"""Fuzzing the report form and the unit import: random bytes, huge numbers, very long and mixed-normalisation
Unicode, NUL bytes, missing and duplicated fields. The answer is always a page or a clear 4xx, never a
server error; a refused request stores nothing."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shared.imports import read_units
from shared.models import AuditLog, CongressReport, ReportVersion, Unit
from shared.reports import EDITABLE_FIELDS
from shared.validation import OFFICER_KEYS, RECOMMENDATION_KEYS
from tests.conftest import CSRF_RE, login

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

words = st.sampled_from(["Nguyễn Thị Lan", "Đại hội", "trực tiếp", "in_person", "direct", "congress", "on", "y",
                         "chair", "female", "jobs", "open", "ỷ", "Đắk Lắk"])
mixed = st.builds(lambda text, form: unicodedata.normalize(form, text), words | st.text(), st.sampled_from(["NFC", "NFD", "NFKD"]))
numbers = st.one_of(
    st.integers().map(str), st.just("9" * 40), st.just("-1"), st.just("1e308"), st.just("NaN"), st.just("1.5"),
    st.just("1.000.000"), st.just("²"), st.just("١٢"), st.just("0x10"), st.floats(allow_nan=True).map(str),
)
dates = st.one_of(st.just("31/02/2023"), st.just("99/99/99999"), st.just("0001-01-01"), st.just("10/03/2023"),
                  st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.just("2023-03-10\x00"))
value = st.one_of(st.text(), mixed, numbers, dates, st.text(min_size=500, max_size=5000), st.just("\x00"), st.just(""))
names = st.sampled_from(
    [*EDITABLE_FIELDS, "version", "action", "officers-present", "recommendations-present",
     *(f"officers-{i}-{k}" for i in ("0", "1", "²", "99999999999999999999") for k in OFFICER_KEYS),
     *(f"recommendations-0-{k}" for k in RECOMMENDATION_KEYS)]
) | st.text(max_size=30)
fields = st.lists(st.tuples(names, value), max_size=25)  # a list of pairs: names may repeat


def stored(db, unit_id: int) -> tuple:
    db.expire_all()
    return (
        db.scalar(select(func.count(CongressReport.id)).where(CongressReport.unit_id == unit_id)),
        db.scalar(select(func.max(CongressReport.version)).where(CongressReport.unit_id == unit_id)),
        db.scalar(select(func.count(ReportVersion.id))),
        db.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "report.save")),
    )


@pytest.fixture
def reporter_client(app, db, factory, today):
    today(dt.date(2023, 4, 15))
    t = factory.tree()
    factory.campaign()
    user = factory.user("reporter", t.g11, username="fuzz_rep")
    c = app.test_client()
    assert login(c, user.username).status_code == 302
    m = CSRF_RE.search(c.get(f"/units/{t.g11.id}/report").get_data(as_text=True))
    return c, m.group(1) or m.group(2), t.g11.id


@FUZZ
@given(pairs=fields, current_version=st.booleans())
def test_report_form_fuzz(db, reporter_client, pairs, current_version):
    """`current_version`: the form carries the stored version first (as the page does), so the fuzz reaches
    the validation rather than stopping at the conflict check."""
    from werkzeug.datastructures import MultiDict

    client, token, unit_id = reporter_client
    before = stored(db, unit_id)
    head = [("csrf_token", token)]
    if current_version and before[1] is not None:
        head.append(("version", str(before[1])))
    data = MultiDict([*head, *pairs])
    resp = client.post(f"/units/{unit_id}/report", data=data)
    assert resp.status_code in (200, 303, 400, 409, 413, 422), resp.status_code
    if resp.status_code != 303:
        assert stored(db, unit_id) == before  # refused: nothing kept
    else:
        assert client.get(f"/units/{unit_id}/report").status_code == 200  # what was kept can be shown


# ---- the import ------------------------------------------------------------------------

HEADER = "ma_don_vi,ten_don_vi,cap,ma_cap_tren,khu_vuc,so_doan_vien\n"
cells = st.one_of(value, st.just("G11"), st.just("D1"), st.just("grassroots"), st.just("district"), numbers)
rows = st.lists(st.lists(cells, min_size=0, max_size=8), max_size=6)


def csv_bytes(header: str, rows: list[list[str]], encoding: str) -> bytes:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(row)
    return (header + buf.getvalue()).encode(encoding, errors="replace")


import_bodies = st.one_of(
    st.binary(max_size=2000),
    st.builds(csv_bytes, st.sampled_from([HEADER, "", HEADER.replace("cap,", "cap,cap,"), "\ufeff" + HEADER]),
              rows, st.sampled_from(["utf-8", "utf-16", "cp1258", "latin-1"])),
    st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=500)),  # a broken xlsx (zip) file
)


@FUZZ
@given(body=import_bodies, name=st.sampled_from(["don-vi.csv", "don-vi.xlsx", "x.xls", "../../x.csv", "", "a\x00.csv"]))
def test_read_units_never_crashes(body, name):
    """The shared reader refuses what it cannot read with a DomainError (a message), nothing else."""
    from shared.errors import DomainError

    try:
        read_units(io.BytesIO(body), name)
    except DomainError as exc:
        assert exc.message


@pytest.fixture
def admin_client(app, db, factory):
    t = factory.tree()
    factory.campaign()
    user = factory.user("admin", t.province, username="fuzz_admin")
    c = app.test_client()
    assert login(c, user.username).status_code == 302
    m = CSRF_RE.search(c.get("/admin/units/import").get_data(as_text=True))
    return c, m.group(1) or m.group(2)


@FUZZ
@given(body=import_bodies, name=st.sampled_from(["don-vi.csv", "don-vi.xlsx", "../../x.csv", "a\x00.csv"]),
       mode=st.sampled_from(["dry_run", "valid_only", "all", "", "\x00"]), extra=fields)
def test_import_page_fuzz(db, admin_client, body, name, mode, extra):
    client, token = admin_client
    db.expire_all()
    before = db.scalar(select(func.count(Unit.id)))
    data = {"csrf_token": token, "mode": mode, "file": (io.BytesIO(body), name)}
    for k, v in extra[:5]:
        data.setdefault(k, v)
    resp = client.post("/admin/units/import", data=data, content_type="multipart/form-data")
    assert resp.status_code in (200, 400, 413, 422), resp.status_code
    db.expire_all()
    if resp.status_code != 200 or mode not in ("valid_only", "all"):  # refused, or only a dry run
        assert db.scalar(select(func.count(Unit.id))) == before


@pytest.mark.parametrize("version", ["²", "١", "99999999999999999999999999", "-1", " 1", "1\x00"])
def test_odd_version_numbers_in_the_report_form(db, reporter_client, version):
    """Unicode digits pass str.isdigit() but not always int(): still a clear answer."""
    client, token, unit_id = reporter_client
    before = stored(db, unit_id)
    resp = client.post(f"/units/{unit_id}/report", data={"csrf_token": token, "version": version, "members_total": "10"})
    assert resp.status_code in (303, 400, 409, 422)
    if resp.status_code != 303:
        assert stored(db, unit_id) == before


@pytest.mark.parametrize("url", [
    "/units/{huge}", "/units/{huge}/report", "/review/{huge}", "/party/documents/{huge}", "/dashboard?unit={huge}",
    "/dashboard?campaign={huge}", "/units/{unit}/report?campaign=%C2%B2", "/dashboard/recommendations?district={huge}",
    "/api/v1/units/{huge}", "/notifications?page={huge}", "/party/documents?page={huge}", "/party/documents?before={huge}",
    "/api/v1/units?limit={huge}&offset={huge}", "/api/v1/reports?after={huge}", "/units/{unit}?page={huge}",
])
def test_huge_and_odd_ids_in_urls_are_404_not_500(db, reporter_client, url):
    """A 20-digit id overflows PostgreSQL's integers; it must be a plain 'not found'."""
    client, _token, unit_id = reporter_client
    resp = client.get(url.format(huge="9" * 20, unit=unit_id))
    assert resp.status_code in (200, 302, 400, 401, 403, 404), resp.status_code
