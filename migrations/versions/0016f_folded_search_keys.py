"""search without diacritics in recommendations and account names: folded keys beside the text

The recommendations list searched `lower(text) LIKE '%q%'` and the accounts list `lower(full_name)`: "nha o"
did not find "Nhà ở cho công nhân" (and SQLite's lower() leaves Vietnamese capitals as they are). Both now
search a folded copy (shared.text.fold: no marks, đ -> d, case-folded), as the units' `name_folded` does:
`recommendations.text_folded` and `users.full_name_folded`, kept in step with the text by the models'
listeners and by the bulk generator, filled here from the rows already there.

Downgrade loses nothing typed: the keys are derived from the text.

Revision ID: 0016f
Revises: 0015s
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0016f'
down_revision = '0015s'
branch_labels = None
depends_on = None

BATCH = 5000
KEYS = (('recommendations', 'text', 'text_folded', sa.Text()), ('users', 'full_name', 'full_name_folded', sa.String(200)))


def _fold(value: str | None) -> str:
    """shared.text.fold as of this revision (a migration must not change when the code does)."""
    text = "".join(c for c in unicodedata.normalize("NFD", value or "") if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", text.replace("đ", "d").replace("Đ", "D").casefold()).strip()


def upgrade() -> None:
    conn = op.get_bind()
    for table_name, source, key, type_ in KEYS:
        # With a default: SQLite adds a NOT NULL column only so, without copying the table.
        op.add_column(table_name, sa.Column(key, type_, server_default='', nullable=False))
        table = sa.table(table_name, sa.column('id', sa.Integer), sa.column(source, sa.Text), sa.column(key, sa.Text))
        last = 0
        while True:
            rows = conn.execute(sa.select(table.c.id, table.c[source]).where(table.c.id > last)
                                .order_by(table.c.id).limit(BATCH)).all()
            if not rows:
                break
            conn.execute(table.update().where(table.c.id == sa.bindparam('row_id')).values({key: sa.bindparam('folded')}),
                         [{'row_id': r[0], 'folded': _fold(r[1])} for r in rows])
            last = rows[-1][0]


def downgrade() -> None:
    for table_name, _source, key, _type in KEYS:
        if op.get_bind().dialect.name == "sqlite":
            # SQLite (3.35+) drops the column in place: batch mode would copy the table (and, for users, rebuild
            # every foreign key that points at it).
            op.execute(f"ALTER TABLE {table_name} DROP COLUMN {key}")
        else:
            op.drop_column(table_name, key)
