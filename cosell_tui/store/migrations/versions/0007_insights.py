"""a covering index for the insights figures

Revision ID: 0007_insights
Revises: 0006
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0007_insights"
down_revision = "0006"
branch_labels = None
depends_on = None

#: store/insights.py INDEX_COLUMNS (copied: a migration never imports the code it migrates).
COLUMNS = [
    "org_id", "created_at", "deal_type", "direction", "substatus", "partner_role", "country",
    "marketplace_intent", "partner_program", "status_reason_code", "registration_status",
    "value_usd", "accepted_at", "closed_at", "location_id",
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index("ix_referral_insights", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_insights")
