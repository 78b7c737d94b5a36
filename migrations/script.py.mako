"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Downgrade loses: (what a downgrade cannot keep, if anything: the data of what it drops, rows it deletes)
"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}

# A downgrade that deletes rows besides the tables and columns it drops names them (table -> SQL
# condition); tests/test_migrations.py checks they and the rows that referenced them are all it loses.
# DOWNGRADE_DELETES = {"users": "role = 'party_committee'"}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
