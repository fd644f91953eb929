"""referral.value_usd: the value in USD, so "Value" sorts across currencies from an index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 00:50:00

Filled from the monthly rates of each deal's creation month (store/valuation.py keeps it from
now on); ix_referral_tab_value moves from the raw amount to it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FILL = """
UPDATE referral SET value_usd = CASE WHEN currency = 'USD' THEN value ELSE (
    SELECT CAST(round(referral.value * CAST(r.usd_per_unit AS {real})) AS BIGINT)
    FROM exchange_rate r
    WHERE r.currency = referral.currency AND r.month = {month}
) END
"""


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value_usd", sa.BigInteger(), nullable=True))
        batch_op.drop_index("ix_referral_tab_value")
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        fill = _FILL.format(real="REAL", month="date(referral.created_at, 'start of month')")
    else:
        fill = _FILL.format(
            real="NUMERIC", month="CAST(date_trunc('month', referral.created_at) AS DATE)"
        )
    if conn.exec_driver_sql("SELECT count(*) FROM (SELECT 1 FROM referral LIMIT 1) x").scalar():
        conn.exec_driver_sql(fill)  # (an empty UPDATE would still fire PostgreSQL's triggers)
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_tab_value", ["org_id", "grid_tab", "value_usd", "id"], unique=False
        )


def downgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_referral_tab_value")
    # Plain ALTER TABLE (SQLite ≥ 3.35): a batch copy would drop the referral triggers.
    conn.exec_driver_sql("ALTER TABLE referral DROP COLUMN value_usd")
    op.create_index("ix_referral_tab_value", "referral", ["org_id", "grid_tab", "value", "id"])
