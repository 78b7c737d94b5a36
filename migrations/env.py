"""Alembic environment: the URL comes from the config that shared.migrate builds.

Each revision runs in its own transaction on both engines, so a revision that fails leaves the
database at the revision before it with nothing of the failed one applied."""
from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, event

from shared.db import make_engine
from shared.migrate import ForeignKeyViolation, include_object_for
from shared.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        _sqlite_as_batch_mode_needs(engine)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
                include_object=include_object_for(engine.dialect.name),
                transaction_per_migration=True,
                # SQLite's DDL is transactional once the driver stops committing around it (below).
                transactional_ddl=True,
                on_version_apply=[_check_foreign_keys] if sqlite else [],
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


def _sqlite_as_batch_mode_needs(engine: Engine) -> None:
    """Batch mode copies a table, drops the original and renames the copy: with foreign keys on, the
    DROP of a table other rows reference fails (or cascades away their rows). PRAGMA foreign_keys is
    a no-op inside a transaction, so it goes off when the connection opens, before any transaction;
    `_check_foreign_keys` checks the result before each revision commits instead.
    sqlite3 itself begins a transaction only before INSERT/UPDATE/DELETE, so a CREATE or DROP would
    commit on its own: the driver's transaction handling goes off and SQLAlchemy emits the BEGIN
    (the recipe of SQLAlchemy's SQLite dialect documentation). IMMEDIATE takes the write lock at once,
    waiting up to the busy timeout for a running portal's writes instead of failing half-way."""

    @event.listens_for(engine, "connect")
    def _migration_connection(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _check_foreign_keys(ctx, step, heads, run_args) -> None:  # noqa: ANN001
    """Runs inside the revision's transaction, after it: a dangling reference rolls the revision back."""
    rows = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if rows:
        raise ForeignKeyViolation(step, rows)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
