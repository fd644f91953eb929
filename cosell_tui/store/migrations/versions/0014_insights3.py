"""insights: monthly aggregates kept by triggers

Revision ID: 0014_insights3
Revises: 0013_insights2
Create Date: 2026-12-01 02:00:00

Four tables of monthly tallies (store/insights_kept.py: insights_main, insights_country,
insights_capability, insights_solution), filled from the deals set-based and kept by row
triggers on referral and referral_solution from then on, so the dashboard reads whole months
from a few thousand rows. Part of the one upgrade transaction like every migration: a kill
leaves 0013 without the tables, or 0014 with them full.
"""

from __future__ import annotations

from alembic import op

from cosell_tui.store import insights_kept

revision = "0014_insights3"
down_revision = "0013_insights2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    insights_kept.create_tables(conn)
    insights_kept.rebuild(conn)
    insights_kept.install(conn)


def downgrade() -> None:
    conn = op.get_bind()
    insights_kept.drop(conn)
    insights_kept.drop_functions(conn)
    insights_kept.drop_tables(conn)
