"""pilots per level and funding by source (issue 20 items 4 and 6)

Campaigns: the one stored pilot date (`pilot_until`, which no rule used) becomes a pilot window per level
(`pilot_until_grassroots`, `pilot_until_district`); the old date was the grassroots window (it had to lie
before the grassroots deadline), so the column is renamed to it. `pilots_by_level_above`: whether a district
may name its grassroots pilots. `pilot_units`: the units named pilots, by whom and when. `pilot_lessons`:
the lessons ("rút kinh nghiệm") a reviewer records on a pilot's report. Reports: the funding by source
(People's Committees of the province, district and commune; the union's own funds; other sources).

Downgrade loses: the district window, the designations and lessons, and the funding by source (the total,
funding_vnd, stays); the grassroots window goes back to `pilot_until`.

Revision ID: 0014c
Revises: 0013r
"""
from alembic import op
import sqlalchemy as sa


revision = '0014c'
down_revision = '0013r'
branch_labels = None
depends_on = None

FUNDING = ('funding_pc_province_vnd', 'funding_pc_district_vnd', 'funding_pc_commune_vnd', 'funding_union_vnd',
           'funding_other_vnd')


def upgrade() -> None:
    # Renamed in place (not copied into a new column): the column keeps its date and its position.
    with op.batch_alter_table('campaigns') as batch:
        batch.alter_column('pilot_until', new_column_name='pilot_until_grassroots', existing_type=sa.Date(),
                           existing_nullable=True)
        batch.add_column(sa.Column('pilot_until_district', sa.Date(), nullable=True))
        batch.add_column(sa.Column('pilots_by_level_above', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('congress_reports') as batch:
        for name in FUNDING:
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=True))
    op.create_table(
        'pilot_units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('designated_by_id', sa.Integer(), nullable=True),
        sa.Column('designated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_pilot_units_campaign_id_campaigns'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pilot_units_unit_id_units'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['designated_by_id'], ['users.id'], name=op.f('fk_pilot_units_designated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_units')),
        sa.UniqueConstraint('campaign_id', 'unit_id', name=op.f('uq_pilot_units_campaign_id')),
    )
    op.create_index(op.f('ix_pilot_units_unit_id'), 'pilot_units', ['unit_id'], unique=False)
    op.create_table(
        'pilot_lessons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['congress_reports.id'],
                                name=op.f('fk_pilot_lessons_report_id_congress_reports'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_pilot_lessons_recorded_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_lessons')),
        sa.UniqueConstraint('report_id', name=op.f('uq_pilot_lessons_report_id')),
    )


def downgrade() -> None:
    op.drop_table('pilot_lessons')
    op.drop_index(op.f('ix_pilot_units_unit_id'), table_name='pilot_units')
    op.drop_table('pilot_units')
    with op.batch_alter_table('congress_reports') as batch:
        for name in reversed(FUNDING):
            batch.drop_column(name)
    with op.batch_alter_table('campaigns') as batch:
        batch.drop_column('pilots_by_level_above')
        batch.drop_column('pilot_until_district')
        batch.alter_column('pilot_until_grassroots', new_column_name='pilot_until', existing_type=sa.Date(),
                           existing_nullable=True)
