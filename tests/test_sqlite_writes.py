"""SQLite's one write lock: a transaction takes it at its first write (shared.db.begin_immediate), a writer
that waits for it looks again every few milliseconds however long it has waited, and a short busy timeout
set on a connection (the progress cache's own write) is still honoured."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from shared.db import SQLITE_BUSY_MS, make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'writes.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    yield engine
    engine.dispose()


def _holder(engine) -> sqlite3.Connection:
    """Another connection to the same file, holding the write lock."""
    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_the_first_write_of_a_transaction_takes_the_write_lock_and_the_busy_timeout_stays(engine):
    seen: list[str] = []
    with engine.connect() as conn:
        conn.connection.dbapi_connection.set_trace_callback(seen.append)
        conn.execute(text("SELECT count(*) FROM t")).scalar()  # a read takes no lock
        conn.execute(text("INSERT INTO t VALUES (1)"))
        other = sqlite3.connect(engine.url.database, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # ours holds it until the commit
        other.close()
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_MS
        conn.commit()
    assert seen.index("BEGIN IMMEDIATE") < seen.index("INSERT INTO t VALUES (1)")
    assert not any(s.startswith("BEGIN ") and s != "BEGIN IMMEDIATE" for s in seen)


def test_a_waiting_writer_looks_often_and_gets_the_lock_once_it_is_free(engine):
    other = _holder(engine)
    looks = threading.Semaphore(0)
    done = threading.Event()

    def write():
        with engine.connect() as conn:
            conn.connection.dbapi_connection.set_trace_callback(
                lambda s: looks.release() if s == "BEGIN IMMEDIATE" else None)
            conn.execute(text("INSERT INTO t VALUES (2)"))
            conn.commit()
        done.set()

    writer = threading.Thread(target=write)
    started = time.monotonic()
    writer.start()
    for _ in range(20):  # twenty looks while the lock is held: SQLite's own handler looks 12 times in 328 ms
        assert looks.acquire(timeout=10)
    waited = time.monotonic() - started
    assert not done.is_set()
    other.commit()
    writer.join(timeout=10)
    assert done.is_set()
    assert waited < 0.328 * 4  # even on a busy machine, far more often than SQLite's backoff would
    with engine.connect() as conn:
        assert conn.execute(text("SELECT x FROM t")).scalars().all() == [2]


def test_a_short_busy_timeout_is_honoured(engine):
    other = _holder(engine)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout=200")
            started = time.monotonic()
            with pytest.raises(Exception, match="locked"):
                conn.execute(text("INSERT INTO t VALUES (3)"))
            assert time.monotonic() - started < 5  # not the 30 s of an ordinary write
            conn.rollback()
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200
    finally:
        other.rollback()
        other.close()
