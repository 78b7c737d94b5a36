"""Models and migrations agree on both engines; every revision downgrades."""
import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from shared.db import make_engine
from shared.migrate import downgrade, include_object_for, upgrade
from shared.models import Base


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


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        schema = f"m_{uuid.uuid4().hex[:8]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    try:
        upgrade(url)
        eng = make_engine(url)
        assert "congress_reports" in inspect(eng).get_table_names()
        eng.dispose()
        downgrade(url, "base")
        eng = make_engine(url)
        assert set(inspect(eng).get_table_names()) <= {"alembic_version"}
        eng.dispose()
        upgrade(url)
    finally:
        if base:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
