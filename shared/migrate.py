"""Alembic, driven from code: the schema changes only through the revisions in migrations/.

Every revision runs in its own transaction (migrations/env.py), on SQLite as on PostgreSQL: when one
fails, the database stays at the revision before it and `current` says which."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class ForeignKeyViolation(Exception):
    """A revision left rows that point at rows that do not exist. On SQLite the revisions run with
    foreign keys off (batch mode needs it), so this check, made before each revision commits, is what
    keeps them honest; the revision is rolled back."""

    def __init__(self, step, rows) -> None:  # noqa: ANN001
        self.rows = rows
        pairs = sorted({f"{row[0]} -> {row[2]}" for row in rows})
        action = "upgrade to" if step.is_upgrade else "downgrade of"
        super().__init__(f"{action} {step.up_revision_id} leaves {len(rows)} rows with a dangling foreign key "
                         f"({', '.join(pairs)})")


# What a failed upgrade or downgrade raises: an unknown revision, a database error, a dangling reference.
MIGRATION_ERRORS = (CommandError, SQLAlchemyError, ForeignKeyViolation)


def error_text(exc: BaseException) -> str:
    """The first line of a migration error: the driver's message without SQLAlchemy's SQL dump."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def alembic_config(url: str, script_location: str | Path = MIGRATIONS) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    from shared.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def include_object_for(dialect: str):
    """Autogenerate's filter on `dialect`: SQLite's FTS5 search table (and its shadow tables) is
    made by migration 0003s, not a model; an index meant for one dialect only (`ddl_if`) exists
    only there."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and name and name.startswith("units_fts"):
            return False
        only = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
        return only is None or only == dialect

    return include_object
