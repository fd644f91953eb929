"""insights: monthly aggregates kept by triggers

Revision ID: 0014_insights3
Revises: 0013_insights2
Create Date: 2026-12-01 02:00:00

Six tables of monthly tallies (store/insights_kept.py: insights_main, insights_country,
insights_capability, insights_solution, insights_accepted, insights_closed), filled from the
deals set-based and kept by row triggers on referral and referral_solution from then on, so
the dashboard reads whole months from a few thousand rows. Part of the one upgrade
transaction like every migration: a kill leaves 0013 without the tables, or 0014 with them
full. Two partial indexes by the time a deal was accepted / closed serve "from before the
range" at the range's edges.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cosell_tui.store import insights_kept

revision = "0014_insights3"
down_revision = "0013_insights2"
branch_labels = None
depends_on = None


#: models.INSIGHTS_ACTED_COLUMNS (copied: the index is this revision's).
ACTED = ["created_at", "location_id", "deal_type", "direction", "substatus", "partner_role",
         "value_usd"]  # fmt: skip


def upgrade() -> None:
    for event in ("accepted", "closed"):
        where = sa.text(f"{event}_at IS NOT NULL")
        op.create_index(
            f"ix_insights_{event}",
            "referral",
            ["org_id", f"{event}_at", *ACTED],
            unique=False,
            sqlite_where=where,
            postgresql_where=where,
        )
    conn = op.get_bind()
    # this revision's six tables (0016_insights4 adds the variants)
    insights_kept.create_tables(conn, insights_kept.BASE)
    insights_kept.rebuild(conn, insights_kept.BASE)
    insights_kept.install(conn, insights_kept.BASE)


def downgrade() -> None:
    conn = op.get_bind()
    insights_kept.drop(conn)
    insights_kept.drop_functions(conn)
    insights_kept.drop_tables(conn, insights_kept.BASE)
    for event in ("accepted", "closed"):
        op.drop_index(f"ix_insights_{event}", table_name="referral")
