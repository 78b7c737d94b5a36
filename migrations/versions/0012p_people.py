"""people, not just counts (issue 19): elected members, delegates, allocations, recognition decisions, ballots

New tables for the named people of a congress (`elected_members`, `congress_delegates`), the superior's
delegate allocation per unit (`delegate_allocations`) and the recognition decision of an approved report
(`recognition_decisions`); new nullable columns on `congress_reports` for the ballots and the quorum's reason
and resolution. Today's typed counts (executive_size, executive_women, ...) are not touched: a report without
a list keeps them as they are, and they are labelled "typed" wherever they are shown.

Downgrade drops what this revision added; the counts stay as they were (a list's counts were written to
them on every save, so they still hold the figures the names gave).

Revision ID: 0012p
Revises: 0011n
"""
from alembic import op
import sqlalchemy as sa


revision = '0012p'
down_revision = '0011n'
branch_labels = None
depends_on = None

NEW_REPORT_COLUMNS = ('ballots_issued', 'ballots_valid', 'quorum_reason', 'quorum_resolution', 'quorum_resolved_at')


def upgrade() -> None:
    op.add_column('congress_reports', sa.Column('ballots_issued', sa.Integer(), nullable=True))
    op.add_column('congress_reports', sa.Column('ballots_valid', sa.Integer(), nullable=True))
    op.add_column('congress_reports', sa.Column('quorum_reason', sa.Text(), nullable=True))
    op.add_column('congress_reports', sa.Column('quorum_resolution', sa.Text(), nullable=True))
    op.add_column('congress_reports', sa.Column('quorum_resolved_at', sa.DateTime(), nullable=True))
    op.create_table(
        'elected_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('gender', sa.String(length=10), nullable=False),
        sa.Column('birth_year', sa.Integer(), nullable=False),
        sa.Column('ethnic_minority', sa.Boolean(), nullable=False),
        sa.Column('party_member', sa.Boolean(), nullable=False),
        sa.Column('reelected', sa.Boolean(), nullable=False),
        sa.Column('in_planning_pool', sa.Boolean(), nullable=False),
        sa.Column('positions', sa.String(length=200), nullable=False),
        sa.Column('chair_elected', sa.String(length=20), nullable=True),
        sa.Column('votes', sa.Integer(), nullable=True),
        sa.CheckConstraint("gender IN ('male','female')", name=op.f('ck_elected_members_gender')),
        sa.CheckConstraint('votes IS NULL OR votes >= 0', name=op.f('ck_elected_members_votes_nonneg')),
        sa.CheckConstraint("chair_elected IS NULL OR chair_elected IN ('congress','first_meeting')",
                           name=op.f('ck_elected_members_chair_elected')),
        sa.ForeignKeyConstraint(['report_id'], ['congress_reports.id'], ondelete='CASCADE',
                                name=op.f('fk_elected_members_report_id_congress_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_elected_members')),
    )
    op.create_index(op.f('ix_elected_members_report_id'), 'elected_members', ['report_id'], unique=False)
    op.create_table(
        'congress_delegates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('gender', sa.String(length=10), nullable=False),
        sa.Column('birth_year', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('ex_officio', sa.Boolean(), nullable=False),
        sa.CheckConstraint("gender IN ('male','female')", name=op.f('ck_congress_delegates_gender')),
        sa.CheckConstraint("kind IN ('official','alternate')", name=op.f('ck_congress_delegates_kind')),
        sa.ForeignKeyConstraint(['report_id'], ['congress_reports.id'], ondelete='CASCADE',
                                name=op.f('fk_congress_delegates_report_id_congress_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_congress_delegates')),
    )
    op.create_index(op.f('ix_congress_delegates_report_id'), 'congress_delegates', ['report_id'], unique=False)
    op.create_table(
        'delegate_allocations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('official', sa.Integer(), nullable=False),
        sa.Column('alternate', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('official >= 0 AND alternate >= 0', name=op.f('ck_delegate_allocations_nonneg')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_delegate_allocations_campaign_id_campaigns')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_delegate_allocations_unit_id_units')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_delegate_allocations_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delegate_allocations')),
        sa.UniqueConstraint('campaign_id', 'unit_id', name='uq_delegate_allocations_campaign_unit'),
    )
    op.create_index(op.f('ix_delegate_allocations_unit_id'), 'delegate_allocations', ['unit_id'], unique=False)
    op.create_table(
        'recognition_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=60), nullable=False),
        sa.Column('signed_on', sa.Date(), nullable=False),
        sa.Column('scan_file_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['congress_reports.id'], ondelete='CASCADE',
                                name=op.f('fk_recognition_decisions_report_id_congress_reports')),
        sa.ForeignKeyConstraint(['scan_file_id'], ['stored_files.id'], name=op.f('fk_recognition_decisions_scan_file_id_stored_files')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_recognition_decisions_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recognition_decisions')),
        sa.UniqueConstraint('report_id', name=op.f('uq_recognition_decisions_report_id')),
    )
    op.create_index(op.f('ix_recognition_decisions_signed_on'), 'recognition_decisions', ['signed_on'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_recognition_decisions_signed_on'), table_name='recognition_decisions')
    op.drop_table('recognition_decisions')
    op.drop_index(op.f('ix_delegate_allocations_unit_id'), table_name='delegate_allocations')
    op.drop_table('delegate_allocations')
    op.drop_index(op.f('ix_congress_delegates_report_id'), table_name='congress_delegates')
    op.drop_table('congress_delegates')
    op.drop_index(op.f('ix_elected_members_report_id'), table_name='elected_members')
    op.drop_table('elected_members')
    # Plain columns without keys or indexes: SQLite (3.35+) drops them in place (batch mode would copy the
    # table and lose the triggers other revisions hang on their tables).
    for name in reversed(NEW_REPORT_COLUMNS):
        op.drop_column('congress_reports', name)
