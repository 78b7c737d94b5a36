"""Models and migrations agree on both engines. Every revision upgrades and downgrades on the populated
demo province, keeping what it does not drop, each in its own transaction: a revision that fails leaves
the database at the revision before it. The tests walk whatever revisions migrations/ holds: a new
revision is covered without editing them."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from textwrap import dedent

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from shared.db import make_engine, make_session_factory
from shared.migrate import (MIGRATION_ERRORS, MIGRATIONS, ForeignKeyViolation, alembic_config, current,
                            downgrade, include_object_for, upgrade)
from shared.models import (ApiToken, Attachment, AuditLog, Base, Campaign, CongressReport, Document,
                           DocumentReceipt, EmailOutbox, Notification, Reminder, StoredFile, Unit, User)
from shared.reports import get_or_create_report
from tests.conftest import Factory

ROOT = Path(__file__).resolve().parents[1]


def test_models_match_migrations(engine):
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_object": include_object_for(conn.dialect.name)}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []


def test_sqlite_connections_have_wal_and_foreign_keys(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    eng.dispose()


# ---- helpers -----------------------------------------------------------------------------------------


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database on the test engine: an SQLite file, or a private PostgreSQL schema dropped
    afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"
            ), {"name": schema})
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _chain(script_location: Path = MIGRATIONS) -> list:
    """Every revision, oldest first. The history must be one line (one head, one parent each)."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://", script_location))
    assert len(scripts.get_heads()) == 1, f"several heads, merge them: {scripts.get_heads()}"
    chain = list(scripts.walk_revisions())[::-1]
    assert all(not isinstance(r.down_revision, (tuple, list)) for r in chain), "a merge revision in the chain"
    return chain


def _below(revision) -> str:  # noqa: ANN001
    return revision.down_revision or "base"


def _tables(conn) -> list[str]:  # noqa: ANN001
    """Our tables: not Alembic's, not SQLite's search index (a derived copy of `units`)."""
    keep = include_object_for(conn.dialect.name)
    return sorted(t for t in inspect(conn).get_table_names()
                  if t != "alembic_version" and keep(None, t, "table", True, None))


class State:
    """A database as a migration sees it: each table's structure and (unless `rows=False`) its rows by
    primary key."""

    def __init__(self, url: str, rows: bool = True) -> None:
        eng = make_engine(url)
        try:
            with eng.connect() as conn:
                insp = inspect(conn)
                tables = _tables(conn)
                # One catalogue query per kind for all tables (PostgreSQL), not one per table.
                kinds = {kind: {key[1]: value for key, value in getattr(insp, f"get_multi_{kind}")(filter_names=tables).items()}
                         for kind in ("columns", "pk_constraint", "foreign_keys", "indexes", "unique_constraints",
                                      "check_constraints")}
                self.schema: dict[str, dict] = {}
                self.rows: dict[str, dict[tuple, dict]] = {}
                for t in tables:
                    self.schema[t] = {
                        "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"))
                                    for c in kinds["columns"][t]],
                        "primary key": kinds["pk_constraint"][t]["constrained_columns"],
                        "foreign keys": sorted(
                            (fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"],
                             tuple(fk["referred_columns"]), (fk.get("options") or {}).get("ondelete"))
                            for fk in kinds["foreign_keys"][t]),
                        "indexes": sorted((ix["name"], tuple(map(str, ix["column_names"])), bool(ix["unique"]))
                                          for ix in kinds["indexes"][t]),
                        "unique": sorted((uc["name"] or "", tuple(uc["column_names"]))
                                         for uc in kinds["unique_constraints"][t]),
                        "checks": sorted((ck["name"] or "", " ".join(ck["sqltext"].split()))
                                         for ck in kinds["check_constraints"][t]),
                    }
                    if rows:
                        pk = self.schema[t]["primary key"]
                        self.rows[t] = {tuple(row[c] for c in pk): dict(row)
                                        for row in conn.execute(text(f'SELECT * FROM "{t}"')).mappings()}
                if conn.dialect.name == "sqlite":  # the search index's triggers
                    self.schema["(sqlite triggers)"] = sorted(conn.execute(text(
                        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')")).all())
        finally:
            eng.dispose()

    def references(self, table: str) -> list[tuple[str, str]]:
        """(column, referred table) of the table's single-column foreign keys."""
        return [(cols[0], parent) for _, cols, parent, _, _ in self.schema[table]["foreign keys"] if len(cols) == 1]


def _declared_deletions(url: str, revision) -> dict[str, set[tuple]]:  # noqa: ANN001
    """The rows a revision's downgrade says it deletes (its DOWNGRADE_DELETES: table -> SQL condition)."""
    declared = getattr(revision.module, "DOWNGRADE_DELETES", {})
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            out = {}
            for table, where in declared.items():
                pk = inspect(conn).get_pk_constraint(table)["constrained_columns"]
                out[table] = {tuple(r) for r in conn.execute(text(f'SELECT {", ".join(pk)} FROM "{table}" WHERE {where}'))}
            return out
    finally:
        eng.dispose()


def _assert_kept(before: State, after: State, what: str, deleted: dict[str, set[tuple]] | None = None) -> None:
    """Every table in both states keeps its rows, in the columns it has in both. The only exceptions:
    the rows the revision declares it deletes, rows whose reference pointed at a deleted row (gone too)
    and such references set to NULL."""
    deleted = deleted or {}
    problems = []
    gone = {t: set(before.rows[t]) - set(after.rows[t]) for t in before.rows if t in after.rows}

    def points_at_gone(table: str, column: str, value) -> bool:  # noqa: ANN001
        parent = dict(before.references(table)).get(column)
        return value is not None and parent in gone and (value,) in gone[parent]

    for t in sorted(gone):
        old, new = before.rows[t], after.rows[t]
        for pk in sorted(gone[t], key=repr):
            if pk not in deleted.get(t, ()) and not any(points_at_gone(t, c, old[pk][c]) for c, _ in before.references(t)):
                problems.append(f"{t} {pk}: row lost")
        for pk in sorted(set(new) - set(old), key=repr):
            problems.append(f"{t} {pk}: row appeared")
        for pk in set(deleted.get(t, ())) - gone[t]:
            problems.append(f"{t} {pk}: declared deleted but still there")
        columns = [c for c, *_ in after.schema[t]["columns"] if c in {c for c, *_ in before.schema[t]["columns"]}]
        for pk in set(old) & set(new):
            for c in columns:
                if old[pk][c] != new[pk][c] \
                        and not (new[pk][c] is None and points_at_gone(t, c, old[pk][c])):
                    problems.append(f"{t} {pk}.{c}: {old[pk][c]!r} -> {new[pk][c]!r}")
    assert not problems, f"{what} changed data it keeps ({len(problems)}):\n" + "\n".join(problems[:20])


def _what_the_demo_leaves_out(url: str) -> None:
    """Rows a running portal adds that the demo does not (tokens, notifications, the audit trail,
    reminders, attachments, files, receipts, mail), for a party-committee account and a district one:
    a batch copy of `users` or a cascade would lose them without a sound."""
    eng = make_engine(url)
    session = make_session_factory(eng)()
    try:
        campaign = session.scalars(select(Campaign)).first()
        users = [session.scalars(select(User).where(User.role == role)).first() for role in ("party_committee", "district")]
        reports = session.scalars(select(CongressReport).order_by(CongressReport.id).limit(2)).all()
        units = session.scalars(select(Unit).where(Unit.level == "grassroots").order_by(Unit.id).limit(2)).all()
        document = session.scalars(select(Document)).first()
        now = dt.datetime(2023, 5, 2, 9, 30)
        for n, (user, report, unit) in enumerate(zip(users, reports, units, strict=True)):
            session.add_all([
                ApiToken(user_id=user.id, token_hash=uuid.uuid4().hex * 2, name="tui", expires_at=now + dt.timedelta(days=30)),
                Notification(user_id=user.id, text="Báo cáo đã được phê duyệt.", message={"id": "approved", "n": n}),
                AuditLog(user_id=user.id, unit_id=user.unit_id, action="login", object_type="user", object_id=user.id,
                         changes={"ip": "127.0.0.1"}),
                Reminder(campaign_id=campaign.id, unit_id=unit.id, sent_on=dt.date(2023, 5, 2), sent_by_id=user.id,
                         text="Nhắc báo cáo đại hội."),
                Attachment(report_id=report.id, filename="bien-ban.pdf", content_type="application/pdf", size=10,
                           sha256="0" * 64, storage_key=uuid.uuid4().hex, uploaded_by_id=user.id),
                StoredFile(filename="ban-chup.pdf", content_type="application/pdf", size=10, sha256="1" * 64,
                           storage_key=uuid.uuid4().hex, uploaded_by_id=user.id),
                DocumentReceipt(document_id=document.id, user_id=user.id, unit_id=user.unit_id, opened_at=now),
                EmailOutbox(to_addr=f"u{n}@example.vn", subject="Nhắc việc", body="..."),
            ])
        session.commit()
    finally:
        session.close()
        eng.dispose()


def _load_demo(url: str) -> None:
    from shared.demo import load_demo

    eng = make_engine(url)
    session = make_session_factory(eng)()
    try:
        load_demo(session)
        session.commit()
    finally:
        session.close()
        eng.dispose()


def _daihoi(url: str, *args: str) -> str:
    """`daihoi ARGS` as a user runs it, on the database at `url`; its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAIHOI_")}
    env.update(DAIHOI_DATABASE_URL=url, DAIHOI_SECRET_KEY="migration-test-secret-0123456789abcdef")
    script = Path(sys.executable).with_name("daihoi")
    assert script.exists(), f"no `daihoi` command next to {sys.executable}: pip install -e ."
    proc = subprocess.run([str(script), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"daihoi {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def _assert_schema_is_the_models(url: str) -> None:
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            opts = {"compare_type": True, "include_object": include_object_for(conn.dialect.name)}
            assert compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata) == []
    finally:
        eng.dispose()


# ---- the demo province through every revision ------------------------------------------------------


def test_daihoi_db_downgrade_base_and_upgrade_again_on_the_demo_province(scratch_url):
    """What an operator types: migrate, load the demo, take the schema down to nothing and back up."""
    _daihoi(scratch_url, "db", "upgrade")
    _daihoi(scratch_url, "demo")
    eng = make_engine(scratch_url)
    with eng.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM congress_reports")) > 1000
    eng.dispose()

    assert "base" in _daihoi(scratch_url, "db", "downgrade", "base")
    assert current(scratch_url) is None
    eng = make_engine(scratch_url)
    assert set(inspect(eng).get_table_names()) <= {"alembic_version"}
    eng.dispose()

    _daihoi(scratch_url, "db", "upgrade")
    assert current(scratch_url) == _chain()[-1].revision
    _assert_schema_is_the_models(scratch_url)


def test_a_failed_migration_says_where_the_database_stands(scratch_url, monkeypatch):
    from click.testing import CliRunner

    from portal.cli import main

    upgrade(scratch_url)
    monkeypatch.setenv("DAIHOI_DATABASE_URL", scratch_url)
    monkeypatch.delenv("DAIHOI_LANG", raising=False)
    result = CliRunner().invoke(main, ["db", "downgrade", "khong-co"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "Hạ cấp thất bại" in result.output and "khong-co" in result.output
    assert f"phiên bản {_chain()[-1].revision}" in result.output


def test_every_revision_keeps_the_data_it_does_not_drop(scratch_url):
    """From the demo province at head, each revision in turn, newest first: downgrade it, upgrade it
    again, downgrade it again. A downgrade keeps every row and column it does not drop (bar what its
    DOWNGRADE_DELETES declares), the upgrade keeps what the downgrade kept and restores the schema,
    the second downgrade gives the first one's result. Then up again one revision at a time: each
    step reaches the schema the walk down saw at that revision."""
    chain = _chain()
    upgrade(scratch_url)
    _load_demo(scratch_url)
    _what_the_demo_leaves_out(scratch_url)

    state = State(scratch_url)
    assert all(state.rows[t] for t in ("users", "notifications", "api_tokens", "audit_log", "congress_reports"))
    seen = {chain[-1].revision: state.schema}
    for revision in reversed(chain):
        declared = _declared_deletions(scratch_url, revision)
        downgrade(scratch_url, _below(revision))
        assert current(scratch_url) == revision.down_revision
        down = State(scratch_url)
        _assert_kept(state, down, f"the downgrade of {revision.revision}", declared)

        upgrade(scratch_url, revision.revision)
        again = State(scratch_url)
        assert again.schema == state.schema, f"the upgrade to {revision.revision} after its downgrade"
        _assert_kept(down, again, f"the upgrade to {revision.revision} on data")

        downgrade(scratch_url, _below(revision))
        twice = State(scratch_url)
        assert (twice.schema, twice.rows) == (down.schema, down.rows), f"the second downgrade of {revision.revision}"
        state = down
        seen[_below(revision)] = down.schema

    assert not state.rows, "tables left at base"
    for revision in chain:
        upgrade(scratch_url, revision.revision)
        assert State(scratch_url, rows=False).schema == seen[revision.revision], \
            f"{revision.revision} from below differs from {revision.revision} reached by downgrades"
    _assert_schema_is_the_models(scratch_url)


# ---- a revision that fails -------------------------------------------------------------------------


def _scripts_with(tmp_path: Path, *revisions: str) -> Path:
    """A copy of migrations/ (its env.py included) with `revisions` chained after its head; each is
    a revision module's source with {down} where its parent goes."""
    location = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, location, ignore=shutil.ignore_patterns("__pycache__"))
    down = _chain()[-1].revision
    for n, source in enumerate(revisions, 1):
        (location / "versions" / f"9{n:03d}_test.py").write_text(
            dedent(source).replace("{down}", repr(down)).replace("{rev}", repr(f"9{n:03d}t")), encoding="utf-8")
        down = f"9{n:03d}t"
    return location


@pytest.fixture
def populated(scratch_url):
    """The schema at head with a small province: a campaign, a report, accounts with notifications and
    tokens (rows that reference `campaigns` and `users`, the tables batch mode copies)."""
    upgrade(scratch_url)
    eng = make_engine(scratch_url)
    session = make_session_factory(eng)()
    f = Factory(session)
    tree = f.tree()
    campaign = f.campaign()
    user = f.user("district", tree.d1)
    get_or_create_report(session, campaign, tree.g11, user)
    session.add_all([Notification(user_id=user.id, text="Có báo cáo mới."),
                     ApiToken(user_id=user.id, token_hash="a" * 64, expires_at=dt.datetime(2030, 1, 1))])
    session.commit()
    session.close()
    eng.dispose()
    return scratch_url


TEST_REVISION = """
    '''a test revision'''
    from alembic import op
    import sqlalchemy as sa
    revision, down_revision = {rev}, {down}

    def create():
        op.create_table("zz_{n}", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id")))
        op.execute("INSERT INTO zz_{n} (id, campaign_id) SELECT id, id FROM campaigns")

    def drop():
        op.drop_table("zz_{n}")

    def fail_half_way():
        # Real work first: a table created, `campaigns` and `users` (which other rows reference) copied
        # by batch mode on SQLite, rows changed and deleted; then an error.
        op.create_table("zz_half", sa.Column("id", sa.Integer, primary_key=True))
        with op.batch_alter_table("campaigns") as batch:
            batch.add_column(sa.Column("zz_half", sa.Integer))
            batch.alter_column("name", existing_type=sa.String(200), type_=sa.String(300))
        with op.batch_alter_table("users") as batch:
            batch.alter_column("full_name", existing_type=sa.String(200), type_=sa.String(300))
        op.execute("UPDATE units SET members_count = members_count + 1")
        op.execute("DELETE FROM notifications")
        op.execute("SELECT no_such_column FROM units")

    def upgrade():
        {upgrade}

    def downgrade():
        {downgrade}
"""


def _revision(n: str, upgrade: str = "create()", downgrade: str = "drop()") -> str:
    return TEST_REVISION.replace("{n}", n).replace("{upgrade}", upgrade).replace("{downgrade}", downgrade)


def test_a_revision_that_fails_half_way_leaves_the_one_before_it(populated, tmp_path):
    """Four new revisions after head: the second fails half-way down, the fourth half-way up."""
    head = _chain()[-1].revision
    scripts = _scripts_with(tmp_path, _revision("one"), _revision("two", downgrade="drop(); fail_half_way()"),
                            _revision("three"), _revision("four", upgrade="create(); fail_half_way()"))
    cfg = alembic_config(populated, scripts)
    before = State(populated)

    # Up: three revisions commit one by one, the fourth fails and leaves nothing of itself behind.
    with pytest.raises(MIGRATION_ERRORS):
        command.upgrade(cfg, "head")
    assert current(populated) == "9003t"
    at_three = State(populated)
    assert set(at_three.schema) - set(before.schema) == {"zz_one", "zz_two", "zz_three"}
    assert {t: before.schema[t] for t in before.schema} == {t: at_three.schema[t] for t in before.schema}
    _assert_kept(before, at_three, "a failed upgrade")
    assert at_three.rows["notifications"] and at_three.rows["zz_one"]

    # Down: the third revision's downgrade commits, the second's fails and leaves it applied, whole.
    with pytest.raises(MIGRATION_ERRORS):
        command.downgrade(cfg, "base")
    assert current(populated) == "9002t"
    at_two = State(populated)
    assert set(at_two.schema) - set(before.schema) == {"zz_one", "zz_two"}
    assert (at_two.schema["zz_two"], at_two.rows["zz_two"]) == (at_three.schema["zz_two"], at_three.rows["zz_two"])
    _assert_kept(at_three, at_two, "a failed downgrade")

    # Once the revision is mended, the same command goes through.
    (scripts / "versions" / "9002_test.py").write_text(
        dedent(_revision("two")).replace("{rev}", "'9002t'").replace("{down}", "'9001t'"), encoding="utf-8")
    command.downgrade(cfg, head)
    after = State(populated)
    assert (after.schema, after.rows) == (before.schema, before.rows)


def test_a_revision_that_leaves_dangling_references_is_rolled_back(populated, tmp_path):
    """PostgreSQL refuses the statement; SQLite, where revisions run with foreign keys off for batch
    mode, refuses the revision at its foreign key check, before it commits."""
    scripts = _scripts_with(tmp_path, """
        '''deletes rows other rows reference (test)'''
        from alembic import op
        revision, down_revision = {rev}, {down}

        def upgrade():
            op.execute("DELETE FROM campaigns")
            op.execute("DELETE FROM users")

        def downgrade():
            pass
    """)
    before = State(populated)
    with pytest.raises(MIGRATION_ERRORS) as failure:
        command.upgrade(alembic_config(populated, scripts), "head")
    if populated.startswith("sqlite"):
        assert isinstance(failure.value, ForeignKeyViolation)
        assert "congress_reports -> campaigns" in str(failure.value)
    assert current(populated) == _chain()[-1].revision
    after = State(populated)
    assert (after.schema, after.rows) == (before.schema, before.rows)
