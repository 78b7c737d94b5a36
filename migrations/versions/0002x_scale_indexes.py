"""indexes for national scale: covering progress scans and index-only status replay

Revision ID: 0002x
Revises: 0001

Downgrade loses nothing: indexes only.
"""
from alembic import op

revision = "0002x"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A subtree's units read from the index alone: path range, then level and active for the GROUP BY.
    # PostgreSQL scans it by path range; SQLite prefers the per-level copy (skip-scan, GROUP BY order).
    op.create_index("ix_units_scope", "units", ["path", "level", "active", "id"])
    op.drop_index("ix_units_level_path", table_name="units")
    op.create_index("ix_units_level_scope", "units", ["level", "path", "active", "id"])
    # The report columns progress counts, so the LEFT JOIN never visits the wide report rows.
    op.create_index(
        "ix_reports_progress",
        "congress_reports",
        ["campaign_id", "unit_id", "status", "held_date", "planned_date", "planned_at", "is_pilot"],
    )
    # As-of replay: each report's latest change before a date, answered from the index alone.
    op.drop_index("ix_status_changes_report_at", table_name="report_status_changes")
    op.create_index("ix_status_changes_replay", "report_status_changes", ["report_id", "changed_at", "id", "to_status"])


def downgrade() -> None:
    op.drop_index("ix_status_changes_replay", table_name="report_status_changes")
    op.create_index("ix_status_changes_report_at", "report_status_changes", ["report_id", "changed_at", "id"])
    op.drop_index("ix_reports_progress", table_name="congress_reports")
    op.drop_index("ix_units_level_scope", table_name="units")
    op.create_index("ix_units_level_path", "units", ["level", "path"])
    op.drop_index("ix_units_scope", table_name="units")
