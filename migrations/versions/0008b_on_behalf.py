"""entry on behalf of a unit: who outside the unit entered its congress report, and a district's take-over

Downgrade loses: which reports were entered on behalf of their unit ("nhập thay") and by whom, and the
reasons of take-overs (the audit trail keeps both).

Revision ID: 0008b
Revises: 0006f
"""
from alembic import op
import sqlalchemy as sa


revision = '0008b'
down_revision = '0006f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('congress_reports') as batch:
        batch.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('takeover_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('taken_over_at', sa.DateTime(), nullable=True))
        batch.create_foreign_key(op.f('fk_congress_reports_entered_by_id_users'), 'users', ['entered_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('congress_reports') as batch:
        batch.drop_constraint(op.f('fk_congress_reports_entered_by_id_users'), type_='foreignkey')
        batch.drop_column('taken_over_at')
        batch.drop_column('takeover_reason')
        batch.drop_column('entered_by_id')
