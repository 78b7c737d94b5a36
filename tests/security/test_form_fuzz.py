"""Fuzzing the report form and the unit import: random bytes, huge numbers, very long and mixed-normalisation
Unicode, NUL bytes, missing and duplicated fields. The answer is always a page or a clear 4xx, never a
server error; a refused request stores nothing."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shared.imports import read_units
from shared.models import AuditLog, CongressReport, ReportVersion, Unit
from shared.reports import EDITABLE_FIELDS
from shared.validation import OFFICER_KEYS, RECOMMENDATION_KEYS
from tests.conftest import CSRF_RE, PASSWORD, login

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


# ---- every route of the URL map ----------------------------------------------------------------
# Each page and form route (the API has its own run, tests/api/test_schemathesis.py) gets generated query
# strings and form bodies, as a role that may use it (from the access matrix), with a valid CSRF token most of
# the time: odd numbers, dates, ids, long and mixed text, line breaks, names the app reads and names it does
# not, urlencoded and multipart. Whatever comes in, the answer is never a 5xx. The routes and the parameter
# names are read from the app and its code, so a new route or a new field is fuzzed without an edit here.

# DAIHOI_FUZZ_EXAMPLES=200 explores longer (locally, by hand); the suite's run stays within a minute or so.
ROUTE_FUZZ = settings(max_examples=int(os.environ.get("DAIHOI_FUZZ_EXAMPLES", "6")), deadline=None,
                      suppress_health_check=list(HealthCheck))
_NAME_IN_CODE = re.compile(r"""(?:request\.(?:args|form|values)\.get(?:list)?|_choice|_arg)\(\s*["']([A-Za-z_][\w-]*)["']""")
_NAME_IN_TEMPLATE = re.compile(r"""\bname="([A-Za-z_][\w-]*)\"""")


def parameter_names() -> list[str]:
    """Every query or form name the portal reads: its forms' fields, the names its views and helpers ask
    `request` for, the names its templates post, and the report form's fields and rows."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    import portal

    names: set[str] = set()
    forms, seen = [FlaskForm], set()
    while forms:
        cls = forms.pop()
        if cls in seen:
            continue
        seen.add(cls)
        forms.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, UnboundField))
    root = Path(portal.__file__).parent
    for path in root.rglob("*.py"):
        names.update(_NAME_IN_CODE.findall(path.read_text(encoding="utf-8")))
    for path in root.rglob("*.html"):
        names.update(_NAME_IN_TEMPLATE.findall(path.read_text(encoding="utf-8")))
    names.update(EDITABLE_FIELDS)
    names.update(f"officers-0-{k}" for k in OFFICER_KEYS)
    names.update(f"recommendations-0-{k}" for k in RECOMMENDATION_KEYS)
    return sorted(names)


def _domain_words() -> list[str]:
    from shared import models, validation

    words = []
    for module in (models, validation):
        for name, table in vars(module).items():
            if name.endswith("_LABELS") and isinstance(table, dict):
                words.extend(str(k) for k in table)
    return sorted(set(words))


_odd_values = st.one_of(
    numbers, dates, st.sampled_from(["", "abc", "0", "1", "-1", "2", "on", "true", "x" * 300, "a\r\nb", "\t", "   ",
                                     "31/12/9999", "01/01/0001", "9999-12-31", "2023-04-15", "15/04/2023", "²",
                                     "/\t/evil.example", "//evil.example", "javascript:alert(1)", "%00", "' OR 1=1 --",
                                     "<script>alert(1)</script>", "{{7*7}}", "../../etc/passwd", "-" * 3, "NaN"]),
    st.text(max_size=60), mixed,
)


def _route_cases(app):
    """(rule, method, role) for every page route: the first and the last role the access matrix lets in (an
    'o' for a GET, an allowed write '-' for a POST: the administrator and, say, the party committee that
    writes its own level report), else the administrator; anonymous too where anyone may."""
    from tests.security.test_access_matrix import MATRIX
    from tests.security.world import ROLES

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/api/") or rule.endpoint in ("static", "assets.htmx"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            cells = MATRIX.get(rule.endpoint, {}).get(method, ("o" * len(ROLES), None))[0]
            allowed = "o" if method == "GET" else "-o"
            roles = [role for role, cell in zip(ROLES, cells) if cell in allowed] or ["admin"]
            logged_in = [role for role in roles if role != "anonymous"]
            for role in dict.fromkeys([*logged_in[:1], *logged_in[-1:], *(r for r in roles if r == "anonymous")]):
                yield rule, method, role


def _restore_accounts(db, w) -> None:
    """What a fuzzed admin action may have done to the world's accounts (locked, reset, forced to change the
    password, logged out everywhere) is undone, so the next route starts logged in."""
    from shared.models import User
    from shared.security import hash_password

    db.expire_all()
    known = hash_password(PASSWORD)
    for user in db.scalars(select(User)):
        user.active, user.must_change_password, user.password_hash = True, False, known
    db.commit()


@pytest.fixture
def fuzz_world(app, db, factory, today):
    from tests.security import world as world_mod

    today(dt.date(2023, 4, 15))
    return world_mod.build(db, factory, app.config["UPLOAD_FOLDER"])


def test_every_page_route_answers_bad_input_without_a_server_error(app, db, fuzz_world):
    from flask import url_for

    from tests.security.test_access_matrix import _args

    w = fuzz_world
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash is a 500 to report, with the others, not an exception
    names = st.sampled_from(parameter_names()) | st.text(max_size=20)
    values = st.sampled_from([str(w.g11.id), str(w.d1.id), str(w.g21.id), str(w.campaign.id), str(w.report_in.id)]) \
        | st.sampled_from(_domain_words()) | _odd_values
    pairs = st.lists(st.tuples(names, values), max_size=8)
    cases = []
    for rule, method, role in _route_cases(app):  # URLs first: a fuzzed delete may remove a world's object
        with app.test_request_context():
            cases.append((rule, method, role, url_for(rule.endpoint, **_args(w, rule, role, "in"))))
    assert len(cases) > 80
    failures = []
    for number, (rule, method, role, url) in enumerate(cases):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.99.{number // 250}.{number % 250 + 1}"  # own login counters
        if role != "anonymous":
            assert login(client, w.users[role].username).status_code == 302, (rule.rule, role)
        page = "/account/password" if role != "anonymous" else "/login"
        token = CSRF_RE.search(client.get(page).get_data(as_text=True))
        token = token.group(1) or token.group(2)

        @ROUTE_FUZZ
        @given(query=pairs, form=pairs, with_token=st.sampled_from([True, True, True, False]),
               multipart=st.booleans())
        def run(query, form, with_token, multipart):
            from werkzeug.datastructures import MultiDict

            if method == "GET":
                resp = client.get(url, query_string=MultiDict(query))
            else:
                data = MultiDict(([("csrf_token", token)] if with_token else []) + form)
                resp = client.open(url, method=method, query_string=MultiDict(query[:2]), data=data,
                                   content_type="multipart/form-data" if multipart else None)
            assert resp.status_code < 500, f"{method} {url} as {role}: {resp.status_code} (query {query!r}, form {form!r})"

        try:
            run()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
        _restore_accounts(db, w)
    assert not failures, "\n".join(failures)
