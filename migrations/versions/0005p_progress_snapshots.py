"""stored copies of the progress figures of wide scopes (a province, the country), shared by every process

Revision ID: 0005p
Revises: 0004i

Downgrade loses nothing typed: the stored progress copies, recomputed when next read.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005p'
down_revision = '0004i'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'progress_snapshots',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('token', sa.BigInteger(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_progress_snapshots')),
    )
    op.create_index(op.f('ix_progress_snapshots_computed_at'), 'progress_snapshots', ['computed_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_progress_snapshots_computed_at'), table_name='progress_snapshots')
    op.drop_table('progress_snapshots')
