"""Engine and session factory; SQLite gets WAL and foreign keys on every connection."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
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

        @event.listens_for(engine, "before_cursor_execute")
        def _sqlite_write_lock(_conn, cursor, statement, *_args):  # noqa: ANN001
            dbapi_conn = cursor.connection
            if (not dbapi_conn.in_transaction and dbapi_conn.isolation_level is not None
                    and statement.lstrip()[:7].upper().startswith(_WRITES)):
                begin_immediate(dbapi_conn)

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if make_url(url).get_driver_name() == "psycopg":
        kwargs["connect_args"] = {"cursor_factory": _lazy_description_cursor(), **kwargs.get("connect_args", {})}
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


@lru_cache(maxsize=None)
def _lazy_description_cursor():
    """A psycopg cursor whose `description` builds its Column objects when first read. psycopg builds one per
    result column on every execute, and SQLAlchemy reads none of them for a statement whose result columns
    it knows already (every cached ORM or Core statement: it only asks whether there is a description):
    for the wide rows of a report and its user, a tenth of the CPU of a save-and-send."""
    from collections.abc import Sequence

    import psycopg
    from psycopg import pq

    with_rows = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)

    class Description(Sequence):
        # What psycopg.Column reads of a cursor, taken when the result arrived (the cursor moves on).
        __slots__ = ("pgresult", "_encoding", "adapters", "_count", "_columns")

        def __init__(self, cursor, result):
            self.pgresult, self._encoding, self.adapters = result, cursor._encoding, cursor.adapters
            self._count, self._columns = result.nfields, None

        def _built(self) -> list:
            if self._columns is None:
                self._columns = [psycopg.Column(self, i) for i in range(self._count)]
            return self._columns

        def __len__(self) -> int:
            return self._count

        def __getitem__(self, index):
            return self._built()[index]

        def __iter__(self):
            return iter(self._built())

    class Cursor(psycopg.Cursor):
        __slots__ = ()

        @property
        def description(self):
            result = self.pgresult
            if result and (result.nfields or result.status in with_rows):  # as psycopg.Cursor.description
                return Description(self, result)
            return None

    return Cursor


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_POLL_MS = 5  # the longest an SQLite write waits between two looks at the write lock


def begin_immediate(dbapi_conn) -> None:
    """Begin a write transaction on an SQLite connection, taking the database's one write lock now.

    The first write of a transaction comes here (rather than to the BEGIN sqlite3 itself would issue) so that
    the wait for a lock another writer holds does not follow SQLite's busy handler: it sleeps 1, 2, 5, 10 ...
    then 100 ms between looks, so that under steady writes from several threads and processes the writers
    that waited longest look least often, and the lock goes to the newcomers (writes of the national
    benchmark waited up to 3.7 s for a lock held for a few ms at a time). Here every waiter looks at least
    every _POLL_MS, for as long as the connection's busy timeout allows; then "database is locked" as before."""
    import sqlite3
    import time

    (wait_ms,) = dbapi_conn.execute("PRAGMA busy_timeout").fetchone()
    deadline = time.monotonic() + wait_ms / 1000
    dbapi_conn.execute(f"PRAGMA busy_timeout={min(wait_ms, _POLL_MS)}")  # SQLite's own sleeps, up to this
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={wait_ms}")


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
