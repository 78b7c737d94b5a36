"""campaign target share of ethnic minority members in the executive committees

Revision ID: 0002d
Revises: 0002c

Downgrade loses: campaigns' target share of ethnic minority members (target_ethnic_pct).
"""
from alembic import op
import sqlalchemy as sa


revision = '0002d'
down_revision = '0002c'  # re-chained after 0002c on merge
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns') as batch:
        batch.add_column(sa.Column('target_ethnic_pct', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campaigns') as batch:
        batch.drop_column('target_ethnic_pct')
