"""recommendations routed and answered: a register of addressee bodies, each recommendation's addressee, due
date and answer, the history of its follow-up, and the role `addressee` (a body's office that answers)

Downgrade loses: the register of addressee bodies, every recommendation's routing (addressee, due date) and
answer (text, date, document number, who), the follow-up history (the audit trail keeps every step), and the
`addressee` accounts (the old role CHECK cannot hold them) with their notifications and API tokens, their name
on the records they touched set to NULL. The free-text "addressed to" of each recommendation stays.

Revision ID: 0013r
Revises: 0012p
"""
from alembic import op
import sqlalchemy as sa


revision = '0013r'
down_revision = '0012p'
branch_labels = None
depends_on = None

ROLES_OLD = "role IN ('admin','coordinator','federation','district','reporter','observer','party_committee')"
ROLES_NEW = ("role IN ('admin','coordinator','federation','district','reporter','observer','party_committee',"
             "'addressee')")
DOWNGRADE_DELETES = {"users": "role = 'addressee'"}


def upgrade() -> None:
    op.create_table('addressees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('province_committee','district_committee','department','employer','union')",
                       name=op.f('ck_addressees_kind')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_addressees_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addressees')),
    sa.UniqueConstraint('unit_id', 'name', name='uq_addressees_unit_name')
    )
    with op.batch_alter_table('addressees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_addressees_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_addressee_id'), ['addressee_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_addressee_id_addressees'), 'addressees', ['addressee_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROLES_NEW)

    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('routed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answer_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('answer_number', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_recommendations_addressee_id_addressees'), 'addressees', ['addressee_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_recommendations_answered_by_id_users'), 'users', ['answered_by_id'], ['id'])
        batch_op.create_index('ix_recommendations_addressee', ['addressee_id', 'due_date'], unique=False)

    op.create_table('recommendation_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.CheckConstraint("action IN ('route','answer','update')", name=op.f('ck_recommendation_changes_action')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_changes_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recommendation_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_changes'))
    )
    with op.batch_alter_table('recommendation_changes', schema=None) as batch_op:
        batch_op.create_index('ix_recommendation_changes_rec', ['recommendation_id', 'changed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('recommendation_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendation_changes_rec')
    op.drop_table('recommendation_changes')

    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendations_addressee')
        batch_op.drop_constraint(batch_op.f('fk_recommendations_answered_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_recommendations_addressee_id_addressees'), type_='foreignkey')
        batch_op.drop_column('answered_by_id')
        batch_op.drop_column('answer_number')
        batch_op.drop_column('answered_on')
        batch_op.drop_column('answer_text')
        batch_op.drop_column('routed_at')
        batch_op.drop_column('due_date')
        batch_op.drop_column('addressee_id')

    # Addressee accounts cannot exist under the old CHECK. Every reference to them, in whichever table holds
    # one when this runs (revisions merged after this one may add some): a nullable reference forgets the
    # account, the rows of a required one belong to it and go with it. Explicit rather than ON DELETE: SQLite
    # runs the revisions with foreign keys off (batch mode), where no cascade fires.
    bind = op.get_bind()
    insp = sa.inspect(bind)
    accounts = f"SELECT id FROM users WHERE {DOWNGRADE_DELETES['users']}"
    for table in insp.get_table_names():
        if table in ('users', 'alembic_version'):
            continue
        columns = {c['name']: c for c in insp.get_columns(table)}
        for fk in insp.get_foreign_keys(table):
            if fk['referred_table'] != 'users' or len(fk['constrained_columns']) != 1:
                continue
            column = fk['constrained_columns'][0]
            if columns[column]['nullable']:
                op.execute(f'UPDATE "{table}" SET "{column}" = NULL WHERE "{column}" IN ({accounts})')
            else:
                op.execute(f'DELETE FROM "{table}" WHERE "{column}" IN ({accounts})')
    op.execute(f"DELETE FROM users WHERE {DOWNGRADE_DELETES['users']}")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROLES_OLD)
        batch_op.drop_constraint(batch_op.f('fk_users_addressee_id_addressees'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_addressee_id'))
        batch_op.drop_column('addressee_id')

    with op.batch_alter_table('addressees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addressees_unit_id'))
    op.drop_table('addressees')
