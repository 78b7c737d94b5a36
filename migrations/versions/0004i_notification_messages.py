"""notifications keep their message id and parameters, to be shown in the reader's language

Revision ID: 0004i
Revises: 0003s

Downgrade loses: the message id and parameters of notifications; their Vietnamese text stays in
`text`, so they read in Vietnamese only.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004i'
down_revision = '0003s'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('message', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('message')
