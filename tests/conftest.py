"""Fixtures: a migrated database per session (SQLite, or PostgreSQL via TEST_DATABASE_URL),
emptied after every test; the app, its client, factories and login helpers."""
from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from shared import clock, security
from shared.db import make_engine, make_session_factory
from shared.migrate import upgrade
from shared.models import Base, Campaign, Unit, User
from shared.units import create_unit
from tests.realproc import serve  # noqa: F401  (fixture: `daihoi serve` as its own process)

security.use_fast_hashing()


def _memoise_url_builders() -> None:
    """Most tests build their own app (`create_app`), and four fifths of that time is Werkzeug compiling
    a URL builder for each of the ~150 rules with `ast` and `compile` (about 0.3-0.5 s per app on this
    machine, over a thousand apps a run). The compiled builder depends only on the rule's text, its
    trace and its defaults (it reaches the rule's converters through its `.self` argument at call time),
    so the suite compiles each one once per process. Only the test process does this; the portal is
    untouched, and a Werkzeug without this method keeps its own behaviour."""
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "memoised", False):
        return
    compiled: dict = {}

    def compile_builder(self, append_unknown: bool = True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        builder = compiled.get(key)
        if builder is None:
            builder = compiled[key] = original(self, append_unknown)
        return builder

    compile_builder.memoised = True
    Rule._compile_builder = compile_builder


_memoise_url_builders()

# In CI, property-based tests run a fixed sequence of examples: a red run must be reproducible and a
# green one must not turn red on the next run by chance. Locally they keep exploring.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

PASSWORD = "matkhau123"
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def _pg_url_with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    # application_name marks this run's connections, so teardown can find the ones a test leaked.
    return f"{url}{sep}options=-csearch_path%3D{schema}&application_name={schema}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A freshly migrated database for this test session (a private schema on PostgreSQL)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        schema = f"t_{uuid.uuid4().hex[:10]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_url_with_schema(base, schema)
        upgrade(url)
        yield url
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


def _tables() -> list[str]:
    return [t.name for t in reversed(Base.metadata.sorted_tables)]  # children first


def _end_stragglers(conn) -> None:
    """A connection left idle in a transaction (e.g. by a live server thread of a browser test) would
    make DELETE or TRUNCATE wait or deadlock: end this run's stragglers first."""
    conn.execute(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND application_name = current_setting('application_name') AND state LIKE 'idle in transaction%'"
    ))


def truncate_all(engine) -> None:
    """Every table emptied as in a new database, planner statistics included (PostgreSQL: TRUNCATE
    forgets them). For the tests of query plans, which must not plan with the row counts an earlier
    test left behind; `_empty` is the cheap way for the rest."""
    if engine.dialect.name != "postgresql":
        _empty(engine)
        return
    with engine.begin() as conn:
        _end_stragglers(conn)
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in _tables()) + " RESTART IDENTITY CASCADE"))


def _empty(engine) -> None:
    tables = _tables()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            _end_stragglers(conn)
            # TRUNCATE of every table costs 0.3-1 s a test (a new file per table and index); most tests
            # write to a few tables. So, in one round trip: delete the rows of the tables that have any
            # and restart their id sequences, as TRUNCATE ... RESTART IDENTITY did. (Planner statistics
            # stay: see truncate_all.)
            with_ids = {t.name for t in Base.metadata.sorted_tables if "id" in t.c and t.c.id.autoincrement is not False
                        and t.c.id.type.python_type is int}
            names = ", ".join(f"'{t}'" for t in tables)
            ids = ", ".join(f"'{t}'" for t in with_ids)
            conn.execute(text(f"""
                DO $empty$
                DECLARE t text; found boolean;
                BEGIN
                  FOREACH t IN ARRAY ARRAY[{names}]::text[] LOOP
                    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', t) INTO found;
                    IF found THEN
                      EXECUTE format('DELETE FROM %I', t);
                      IF t = ANY (ARRAY[{ids}]::text[]) THEN
                        PERFORM setval(pg_get_serial_sequence(quote_ident(t), 'id'), 1, false);
                      END IF;
                    END IF;
                  END LOOP;
                END $empty$
            """))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))


@pytest.fixture
def db(engine):
    """A session on the test database; every table is emptied after the test."""
    session = make_session_factory(engine)()
    yield session
    session.close()
    _empty(engine)
    clock.pin(None)


@pytest.fixture
def app(database_url, db, tmp_path):
    from portal import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    yield app
    app.extensions["daihoi.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---- factories -------------------------------------------------------------------------


class Factory:
    """Builds units, campaigns and users in the test database (committed, so the app sees them)."""

    def __init__(self, session):
        self.session = session
        self._n = 0

    def _code(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n:04d}"

    def unit(self, name: str, level: str, parent: Unit | None = None, **kw) -> Unit:
        u = create_unit(self.session, code=kw.pop("code", None) or self._code(level[:1].upper()), name=name, level=level, parent=parent, **kw)
        self.session.commit()
        return u

    def campaign(self, **kw) -> Campaign:
        values = dict(
            name="Đại hội công đoàn các cấp nhiệm kỳ 2023-2028", term="2023-2028",
            start_date=dt.date(2023, 1, 1), deadline_grassroots=dt.date(2023, 5, 31),
            deadline_district=dt.date(2023, 7, 31), deadline_province=dt.date(2023, 10, 31),
        )
        values.update(kw)
        c = Campaign(**values)
        self.session.add(c)
        self.session.commit()
        return c

    def user(self, role: str, unit: Unit, username: str | None = None, **kw) -> User:
        u = User(
            username=username or self._code(role[:3]).lower(), role=role, unit_id=unit.id,
            full_name=kw.pop("full_name", f"Người dùng {role}"), password_hash=security.hash_password(kw.pop("password", PASSWORD)), **kw,
        )
        self.session.add(u)
        self.session.commit()
        return u

    def tree(self):
        """A small province: two districts with grassroots unions; returns a namespace."""
        from types import SimpleNamespace

        p = self.unit("Liên đoàn Lao động tỉnh Thử nghiệm", "province", code="P")
        d1 = self.unit("Liên đoàn Lao động thành phố Rạch Giá", "district", p, code="D1")
        d2 = self.unit("Liên đoàn Lao động huyện Giồng Riềng", "district", p, code="D2")
        g11 = self.unit("Công đoàn cơ sở Trường Tiểu học Vĩnh Lạc", "grassroots", d1, code="G11", members_count=40)
        g12 = self.unit("Công đoàn cơ sở Công ty TNHH Thủy sản Đông Hồ", "grassroots", d1, code="G12", sector="non_state", members_count=300)
        g21 = self.unit("Công đoàn cơ sở Ủy ban nhân dân xã Ngọc Chúc", "grassroots", d2, code="G21", members_count=25)
        return SimpleNamespace(province=p, d1=d1, d2=d2, g11=g11, g12=g12, g21=g21)


@pytest.fixture
def factory(db):
    return Factory(db)


@pytest.fixture(scope="session")
def demo_template(database_url, tmp_path_factory):
    """The demo province, built once per test session beside the test database (about 3 s on SQLite,
    10 s on PostgreSQL); each test that asks for `demo` gets a copy of it."""
    from shared.demo import load_demo

    clock.pin(None)  # the history runs to the real today, as `daihoi demo` does
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
        upgrade(url)
        schema = None
    else:
        base = os.environ["TEST_DATABASE_URL"]
        schema = f"d_{uuid.uuid4().hex[:10]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_url_with_schema(base, schema)
        upgrade(url)
    eng = make_engine(url)
    session = make_session_factory(eng)()
    result = load_demo(session)
    session.commit()
    session.close()
    eng.dispose()
    yield SimpleNamespace(url=url, schema=schema, result=result)
    if schema is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _copy_demo(engine, template) -> None:
    """Fill the (empty) test database with the demo template's rows."""
    if engine.dialect.name == "sqlite":
        import sqlite3

        source = sqlite3.connect(template.url.removeprefix("sqlite:///"))
        target = engine.raw_connection()
        try:
            source.backup(target.driver_connection)  # page by page: every table, index and FTS row
        finally:
            target.close()
            source.close()
        return
    schema = engine.url.query.get("application_name")  # the test schema (named like its connections)
    tables = Base.metadata.sorted_tables
    with engine.begin() as conn:
        # Rows a migration seeds (the data-version token) are in the template too.
        conn.execute(text("TRUNCATE " + ", ".join(f'"{schema}"."{t.name}"' for t in tables) + " CASCADE"))
        for table in tables:
            conn.execute(text(f'INSERT INTO "{schema}"."{table.name}" SELECT * FROM "{template.schema}"."{table.name}"'))
            if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.type.python_type is int:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{schema}\".\"{table.name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{schema}"."{table.name}"), 0) + 1, false)'
                ))
        # As load_demo does: planner statistics for the progress queries (of this schema's tables only).
        conn.execute(text("ANALYZE " + ", ".join(f'"{schema}"."{t.name}"' for t in tables)))


@pytest.fixture
def demo(db, engine, demo_template):
    """The demo province, its history up to the real today (a copy of the session's template)."""
    _copy_demo(engine, demo_template)
    db.expire_all()
    return demo_template.result


def csrf_token(client, url: str = "/login") -> str:
    html = client.get(url).get_data(as_text=True)
    m = CSRF_RE.search(html)
    assert m, f"no CSRF token on {url}"
    return m.group(1) or m.group(2)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(client):
    def _login(user_or_name, password: str = PASSWORD):
        name = user_or_name if isinstance(user_or_name, str) else user_or_name.username
        resp = login(client, name, password)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return client

    return _login


@pytest.fixture
def today():
    """Pin the system's today: `today(date)`; un-pinned after the test."""
    def _pin(day: dt.date):
        clock.pin(day)
        return day

    yield _pin
    clock.pin(None)
