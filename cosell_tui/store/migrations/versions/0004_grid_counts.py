"""tab counts kept by triggers; indexes for the first page of every sort

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cosell_tui.store import counts

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_FILTER = [
    "org_id", "status", "direction", "substatus", "deal_type", "p2p", "country",
    "microsoft_status", "stage_pct", "registration_eligible", "registration_status",
    "location_id", "value", "expires_at",
]  # fmt: skip
NEW_FILTER = [*OLD_FILTER, "partner_role", "partner_program", "id"]


def upgrade() -> None:
    op.create_table(
        "grid_count",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("tab", sa.String(length=1), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "location_id", "tab", "user_id"),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_filter")
        batch_op.create_index("ix_referral_filter", NEW_FILTER, unique=False)
        batch_op.create_index(
            "ix_referral_tab_referral_id", ["org_id", "grid_tab", "referral_id", "id"]
        )
        batch_op.create_index("ix_referral_tab_crm_id", ["org_id", "grid_tab", "crm_id", "id"])
    conn = op.get_bind()
    counts.install(conn)
    counts.rebuild(conn)
    if conn.dialect.name == "sqlite":
        # Planner statistics for the new indexes, sampled like the seeder's ANALYZE: without
        # them SQLite guesses and may walk a whole organisation (the Favorites tab did, 3 s).
        conn.exec_driver_sql("PRAGMA analysis_limit=2000")
        for name in ("ix_referral_filter", "ix_referral_tab_referral_id", "ix_referral_tab_crm_id"):
            conn.exec_driver_sql(f"ANALYZE {name}")


def downgrade() -> None:
    conn = op.get_bind()
    counts.drop(conn)
    counts.drop_functions(conn)
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_tab_crm_id")
        batch_op.drop_index("ix_referral_tab_referral_id")
        batch_op.drop_index("ix_referral_filter")
        batch_op.create_index("ix_referral_filter", OLD_FILTER, unique=False)
    op.drop_table("grid_count")
