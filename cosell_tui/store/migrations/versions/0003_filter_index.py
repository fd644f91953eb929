"""a covering index for grid counts under filter terms

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 21:55:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = [
    "org_id", "status", "direction", "substatus", "deal_type", "p2p", "country",
    "microsoft_status", "stage_pct", "registration_eligible", "registration_status",
    "location_id", "value", "expires_at",
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index("ix_referral_filter", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_filter")
