"""units list in natural order: a sort key with numbers padded ("An Hòa 2" before "An Hòa 10")

Lists and keyset pages order by `units.name_sort` (shared.text.sort_key: the folded name with each run of
digits padded to 10 places) instead of `name_folded`, which stays for search only and loses its b-tree index;
the parent's children index moves to the new key.

Downgrade loses nothing typed: the key is derived from the name.

Revision ID: 0011n
Revises: 0008b
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0011n'
down_revision = '0008b'
branch_labels = None
depends_on = None

BATCH = 5000


def _sort_key(name: str | None) -> str:
    """shared.text.sort_key as of this revision (a migration must not change when the code does)."""
    text = "".join(c for c in unicodedata.normalize("NFD", name or "") if unicodedata.category(c) != "Mn")
    text = re.sub(r"\s+", " ", text.replace("đ", "d").replace("Đ", "D").casefold()).strip()
    return re.sub(r"\d+", lambda m: m.group().zfill(10), text)[:320]


def upgrade() -> None:
    # Added with a default (SQLite adds a NOT NULL column only so, without copying the table and losing
    # the search index's triggers on it), then filled from the names.
    op.add_column('units', sa.Column('name_sort', sa.String(length=320), server_default='', nullable=False))
    conn = op.get_bind()
    units = sa.table('units', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('name_sort', sa.String))
    last = 0
    while True:
        rows = conn.execute(sa.select(units.c.id, units.c.name).where(units.c.id > last)
                            .order_by(units.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(units.update().where(units.c.id == sa.bindparam('uid')).values(name_sort=sa.bindparam('key')),
                     [{'uid': r.id, 'key': _sort_key(r.name)} for r in rows])
        last = rows[-1].id
    op.drop_index('ix_units_parent_name', table_name='units')
    op.create_index('ix_units_parent_name', 'units', ['parent_id', 'name_sort', 'id'], unique=False)
    op.create_index(op.f('ix_units_name_sort'), 'units', ['name_sort'], unique=False)
    op.drop_index(op.f('ix_units_name_folded'), table_name='units')


def downgrade() -> None:
    op.create_index(op.f('ix_units_name_folded'), 'units', ['name_folded'], unique=False)
    op.drop_index(op.f('ix_units_name_sort'), table_name='units')
    op.drop_index('ix_units_parent_name', table_name='units')
    op.create_index('ix_units_parent_name', 'units', ['parent_id', 'name_folded', 'id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops the column in place: batch mode would copy the table and lose the search
        # index's triggers on it (migration 0003s).
        op.execute("ALTER TABLE units DROP COLUMN name_sort")
    else:
        op.drop_column('units', 'name_sort')
