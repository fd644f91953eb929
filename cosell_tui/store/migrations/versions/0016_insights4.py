"""insights: kept aggregates for a Referrals user and for the filters

Revision ID: 0016_insights4
Revises: 0015_account_order
Create Date: 2026-12-01 05:00:00

Variants of 0014's six tables (store/insights_kept.py `VARIANTS`), each keyed also by what one
filter reads: the customer's country (`_country`), the partner program and role
(`_capability`), the marketplace intent (`_intent`), and the deal team's members (`_member`,
a row per distinct email: a Referrals user's scope), so those figures are read from kept rows
instead of scanning the range. Filled from the deals set-based and kept by the same row
triggers (reinstalled, now also on team_member and on the marketplace intent), in the one
upgrade transaction like every migration: a kill leaves 0014 as it was, or 0016 with every
table full.
"""

from __future__ import annotations

from alembic import op

from cosell_tui.store import insights_kept

revision = "0016_insights4"
down_revision = "0015_account_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    insights_kept.drop(conn)
    insights_kept.create_tables(conn, insights_kept.VARIANTS)
    insights_kept.rebuild(conn, insights_kept.VARIANTS)
    insights_kept.install(conn)


def downgrade() -> None:
    conn = op.get_bind()
    insights_kept.drop(conn)
    insights_kept.drop_tables(conn, insights_kept.VARIANTS)
    insights_kept.install(conn, insights_kept.BASE)
