"""steering committees carry a version: a stale save of the decision (number and date) is a conflict

The decision form of a steering committee posts the version it was opened on, and its autosave saves through
the same save (shared.steering.save_decision): two people editing it at once can no longer overwrite each other
silently. Existing committees start at version 1, as a new one does.

Downgrade loses only the version counter.

Revision ID: 0015s
Revises: 0014c
"""
from alembic import op
import sqlalchemy as sa


revision = '0015s'
down_revision = '0014c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # With a default: SQLite adds a NOT NULL column only so (without copying the table), and the committees
    # already there get the first version.
    op.add_column('steering_committees', sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('steering_committees') as batch:
        batch.drop_column('version')
