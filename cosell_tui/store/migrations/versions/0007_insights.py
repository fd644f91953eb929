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


#: SQLite only: indexes that yield each grouped query's rows in group order (store/insights.py
#: SQLITE_INDEXES; copied for the same reason).
_COMMON = (
    "created_at, deal_type, direction, partner_role, country, marketplace_intent, value_usd, "
    "location_id"
)
SQLITE_INDEXES = {
    "ix_insights_main": (
        "org_id, substr(created_at, 1, 7), deal_type, direction, substatus, "
        "registration_status, status_reason_code, created_at, partner_role, country, "
        "marketplace_intent, value_usd, accepted_at, closed_at, location_id"
    ),
    "ix_insights_country": f"org_id, substr(created_at, 1, 7), country, substatus, {_COMMON}",
    "ix_insights_capability": (
        f"org_id, substr(created_at, 1, 7), partner_program, partner_role, substatus, {_COMMON}"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index("ix_referral_insights", COLUMNS, unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for name, columns in SQLITE_INDEXES.items():
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON referral ({columns})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_insights")
