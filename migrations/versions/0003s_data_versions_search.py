"""data versions for cached progress; trigram search on units' folded name and code

Revision ID: 0003s
Revises: 0002d

Downgrade loses nothing typed: the data-version tokens (caches start cold) and SQLite's search
index, which the upgrade rebuilds from `units`.
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003s"
down_revision = "0002d"
branch_labels = None
depends_on = None

PathString = sa.String(255).with_variant(sa.dialects.postgresql.VARCHAR(255, collation="C"), "postgresql")

# SQLite: an FTS5 index with the trigram tokenizer over units(name_folded, code), external content
# (the text stays in `units`), kept in step by triggers. "contains" searches of 3 characters or more
# read it instead of scanning every unit of the scope.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE units_fts USING fts5(name_folded, code, content='units', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER units_fts_insert AFTER INSERT ON units BEGIN "
    "INSERT INTO units_fts(rowid, name_folded, code) VALUES (new.id, new.name_folded, new.code); END",
    "CREATE TRIGGER units_fts_delete AFTER DELETE ON units BEGIN "
    "INSERT INTO units_fts(units_fts, rowid, name_folded, code) VALUES ('delete', old.id, old.name_folded, old.code); "
    "END",
    "CREATE TRIGGER units_fts_update AFTER UPDATE OF name_folded, code ON units BEGIN "
    "INSERT INTO units_fts(units_fts, rowid, name_folded, code) VALUES ('delete', old.id, old.name_folded, old.code); "
    "INSERT INTO units_fts(rowid, name_folded, code) VALUES (new.id, new.name_folded, new.code); END",
    "INSERT INTO units_fts(units_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS units_fts_update",
    "DROP TRIGGER IF EXISTS units_fts_delete",
    "DROP TRIGGER IF EXISTS units_fts_insert",
    "DROP TABLE IF EXISTS units_fts",
]


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("key", PathString, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_data_versions")),
    )
    # The token of everything: readers cache nothing while it is missing.
    op.execute(sa.text("INSERT INTO data_versions (key, version) VALUES ('*', :v)").bindparams(
        v=secrets.randbits(62) + 1))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        # In `public`, not in the first schema of the search path: dropping a private schema (tests)
        # must not drop the extension other schemas' indexes use. pg_trgm is a trusted extension.
        schema = bind.scalar(sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                     "WHERE extname = 'pg_trgm'"))
        if schema is None:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
            schema = "public"
        op.execute(f"CREATE INDEX ix_units_search_trgm ON units USING gin "
                   f"(name_folded {schema}.gin_trgm_ops, code {schema}.gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_units_search_trgm")  # the extension stays: others may use it
    op.drop_table("data_versions")
