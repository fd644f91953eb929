"""routing_rule: each partner organisation's routing rules for Microsoft's referrals

Revision ID: 0010_routing
Revises: 0009_msside
Create Date: 2026-11-30 22:45:00

(market, solution) → location, `*` for all markets or all solutions (domain.md D18). Edited by
the organisation's entire-company Referrals admins (`cosell routing`, the routing screen); each
change is in the admin log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_routing"
down_revision = "0009_msside"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("market", sa.String(length=2), nullable=False),
        sa.Column("solution", sa.String(length=40), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "market", "solution"),
    )


def downgrade() -> None:
    op.drop_table("routing_rule")
