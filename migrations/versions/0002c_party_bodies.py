"""party bodies: level reports, steering committees, guidance documents, emulation; role party_committee

Revision ID: 0002c
Revises: 0002x
Create Date: 2026-11-26 08:16:30.055897

Downgrade loses: the party bodies, level reports, steering committees and their members, guidance
documents with their files, receipts and targets, congress works and exemplary entries; campaigns'
level_report_grace_days; the party_committee accounts (the old role CHECK cannot hold them) with their
notifications and API tokens, and their name on the records they touched (audit trail, report
history, reminders, attachments), which is set to NULL.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002c'
down_revision = '0002x'  # re-chained after main's 0002x when merging main
branch_labels = None
depends_on = None

ROLES_OLD = "role IN ('admin','coordinator','federation','district','reporter','observer')"
ROLES_NEW = "role IN ('admin','coordinator','federation','district','reporter','observer','party_committee')"


def upgrade() -> None:
    op.create_table('party_bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.CheckConstraint("kind IN ('district_committee','federation_delegation')", name=op.f('ck_party_bodies_kind')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_party_bodies_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_bodies')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_party_bodies_unit_id'))
    )
    op.create_table('steering_committees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_steering_committees_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_steering_committees_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_steering_committees')),
    sa.UniqueConstraint('campaign_id', 'unit_id', name='uq_steering_campaign_unit')
    )
    with op.batch_alter_table('steering_committees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_steering_committees_unit_id'), ['unit_id'], unique=False)

    op.create_table('congress_works',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('value_vnd', sa.BigInteger(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('value_vnd IS NULL OR value_vnd >= 0', name=op.f('ck_congress_works_value_nonneg')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_congress_works_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_congress_works_created_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_congress_works_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_congress_works'))
    )
    with op.batch_alter_table('congress_works', schema=None) as batch_op:
        batch_op.create_index('ix_congress_works_campaign_unit', ['campaign_id', 'unit_id'], unique=False)

    op.create_table('exemplary_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('achievement', sa.Text(), nullable=True),
    sa.Column('commendation', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('individual','collective')", name=op.f('ck_exemplary_entries_kind')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_exemplary_entries_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_exemplary_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_exemplary_entries_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplary_entries'))
    )
    with op.batch_alter_table('exemplary_entries', schema=None) as batch_op:
        batch_op.create_index('ix_exemplary_entries_campaign_unit', ['campaign_id', 'unit_id'], unique=False)

    op.create_table('steering_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('agency_kind', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("agency_kind IN ('mass_mobilization','organisation','propaganda','federation','sector','other')", name=op.f('ck_steering_members_agency_kind')),
    sa.CheckConstraint("role IN ('head','standing_deputy','deputy','member')", name=op.f('ck_steering_members_role')),
    sa.ForeignKeyConstraint(['committee_id'], ['steering_committees.id'], name=op.f('fk_steering_members_committee_id_steering_committees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_steering_members'))
    )
    with op.batch_alter_table('steering_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_steering_members_committee_id'), ['committee_id'], unique=False)

    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_stored_files_storage_key'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('target_levels', sa.String(length=60), nullable=False),
    sa.Column('ack_by', sa.Date(), nullable=True),
    sa.Column('publisher_unit_id', sa.Integer(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('last_reminded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('guidance','plan','form','announcement')", name=op.f('ck_documents_kind')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_documents_file_id_stored_files')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_documents_published_by_id_users')),
    sa.ForeignKeyConstraint(['publisher_unit_id'], ['units.id'], name=op.f('fk_documents_publisher_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_published', ['published_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_publisher_unit_id'), ['publisher_unit_id'], unique=False)

    op.create_table('level_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('party_body_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=True),
    sa.Column('shortcomings', sa.Text(), nullable=True),
    sa.Column('lessons', sa.Text(), nullable=True),
    sa.Column('proposals', sa.Text(), nullable=True),
    sa.Column('scan_file_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft','submitted','returned','acknowledged')", name=op.f('ck_level_reports_status')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_level_reports_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['party_body_id'], ['party_bodies.id'], name=op.f('fk_level_reports_party_body_id_party_bodies')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_level_reports_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['scan_file_id'], ['stored_files.id'], name=op.f('fk_level_reports_scan_file_id_stored_files')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_level_reports_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_level_reports_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_level_reports')),
    sa.UniqueConstraint('campaign_id', 'party_body_id', name='uq_level_report_campaign_body')
    )
    with op.batch_alter_table('level_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_level_reports_party_body_id'), ['party_body_id'], unique=False)

    op.create_table('document_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_receipts_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_document_receipts_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_document_receipts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_receipts')),
    sa.UniqueConstraint('document_id', 'user_id', name='uq_document_receipts_document_user')
    )
    with op.batch_alter_table('document_receipts', schema=None) as batch_op:
        batch_op.create_index('ix_document_receipts_document_unit', ['document_id', 'unit_id'], unique=False)

    op.create_table('document_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_targets_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_document_targets_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_targets')),
    sa.UniqueConstraint('document_id', 'unit_id', name='uq_document_targets_document_unit')
    )
    with op.batch_alter_table('document_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_targets_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level_report_grace_days', sa.Integer(), server_default='15', nullable=False))

    # batch mode: SQLite cannot alter a CHECK constraint in place, the table is copied.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROLES_NEW)



# What the downgrade deletes besides the tables and columns it drops (tests/test_migrations.py checks
# that exactly these rows, and the rows that depended on them, are all it loses).
DOWNGRADE_DELETES = {"users": "role = 'party_committee'"}
# The references to users in the tables that stay: nullable ones forget a deleted account, the rows of
# the others belong to it and go with it.
USER_REFERENCES_NULLED = [
    ("audit_log", "user_id"), ("congress_reports", "reviewed_by_id"), ("congress_reports", "updated_by_id"),
    ("reminders", "sent_by_id"), ("attachments", "uploaded_by_id"), ("report_status_changes", "user_id"),
    ("report_versions", "user_id"),
]
USER_ROWS_DELETED = ["api_tokens", "notifications"]


def downgrade() -> None:
    # The tables of this revision first: several of them reference the accounts deleted below.
    with op.batch_alter_table('document_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_targets_unit_id'))

    op.drop_table('document_targets')
    with op.batch_alter_table('document_receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_document_receipts_document_unit')

    op.drop_table('document_receipts')
    with op.batch_alter_table('level_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_level_reports_party_body_id'))

    op.drop_table('level_reports')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_publisher_unit_id'))
        batch_op.drop_index('ix_documents_published')

    op.drop_table('documents')
    op.drop_table('stored_files')
    with op.batch_alter_table('steering_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_steering_members_committee_id'))

    op.drop_table('steering_members')
    with op.batch_alter_table('exemplary_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_exemplary_entries_campaign_unit')

    op.drop_table('exemplary_entries')
    with op.batch_alter_table('congress_works', schema=None) as batch_op:
        batch_op.drop_index('ix_congress_works_campaign_unit')

    op.drop_table('congress_works')
    with op.batch_alter_table('steering_committees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_steering_committees_unit_id'))

    op.drop_table('steering_committees')
    op.drop_table('party_bodies')

    # Party-committee accounts cannot exist under the old CHECK. Explicit rather than ON DELETE: SQLite
    # runs the revisions with foreign keys off (batch mode), where no cascade fires.
    party_users = f"SELECT id FROM users WHERE {DOWNGRADE_DELETES['users']}"
    for table, column in USER_REFERENCES_NULLED:
        op.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({party_users})")
    for table in USER_ROWS_DELETED:
        op.execute(f"DELETE FROM {table} WHERE user_id IN ({party_users})")
    op.execute(f"DELETE FROM users WHERE {DOWNGRADE_DELETES['users']}")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROLES_OLD)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('level_report_grace_days')
