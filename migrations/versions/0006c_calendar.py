"""the congress calendar: secret iCalendar feed addresses per user, and an index for planned dates

Downgrade loses: the calendar feed addresses (subscribed phone calendars stop updating).

Revision ID: 0006c
Revises: 0005p
"""
from alembic import op
import sqlalchemy as sa


revision = '0006c'
down_revision = '0005p'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'calendar_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    )
    op.create_index(op.f('ix_calendar_feeds_user_id'), 'calendar_feeds', ['user_id'], unique=False)
    op.create_index('ix_reports_campaign_planned', 'congress_reports', ['campaign_id', 'planned_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reports_campaign_planned', table_name='congress_reports')
    op.drop_index(op.f('ix_calendar_feeds_user_id'), table_name='calendar_feeds')
    op.drop_table('calendar_feeds')
