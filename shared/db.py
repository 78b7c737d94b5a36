"""Engine and session factory; SQLite gets WAL and foreign keys on every connection."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_MS = 30_000  # how long an SQLite write waits for the database's one write lock


def default_url(instance_path: str | os.PathLike[str]) -> str:
    """DAIHOI_DATABASE_URL, else an SQLite file in the instance folder."""
    url = os.environ.get("DAIHOI_DATABASE_URL")
    if url:
        return url
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(instance_path) / 'daihoi.sqlite3'}"


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _custom_plans(dbapi_conn, _record):  # noqa: ANN001
            # psycopg prepares a statement run 5 times on a connection, and PostgreSQL may then switch to
            # a generic plan that ignores the values: for a subtree's path range or a list of ids that
            # turned 3 ms into 150-200 ms. Plan every execution for its own values.
            autocommit = dbapi_conn.autocommit
            dbapi_conn.autocommit = True  # a SET inside the pool's first transaction would be rolled back
            with dbapi_conn.cursor() as cur:
                cur.execute("SET plan_cache_mode = force_custom_plan")
            dbapi_conn.autocommit = autocommit

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@lru_cache(maxsize=None)
def upsert(dialect: str, table: Table, key: str, columns: tuple[str, ...]):
    """INSERT ... ON CONFLICT (key) DO UPDATE SET the `columns` to the new row's values, for SQLite or
    PostgreSQL; built once per table (building costs about as much as running it). Run with the rows."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(index_elements=[table.c[key]],
                                      set_={name: stmt.excluded[name] for name in columns})
