"""insights: a partial index of the deals that have a registration

Revision ID: 0013_insights2
Revises: 0012_invite
Create Date: 2026-11-30 23:45:00

The registration funnel and the registrations' contract values (store/insights.py
`registration_groups`) read only deals with a registration status: this index holds just those,
by organisation and creation time, with what the scope and the filters read, so the query reads
a few per cent of the range instead of scanning every deal of it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_insights2"
down_revision = "0012_invite"
branch_labels = None
depends_on = None

#: models.INSIGHTS_REGISTERED_COLUMNS (copied: a migration never imports the code it migrates).
COLUMNS = [
    "org_id", "created_at", "registration_status", "location_id", "deal_type", "direction",
    "substatus", "partner_role", "country", "marketplace_intent", "partner_program",
]  # fmt: skip
WHERE = sa.text("registration_status IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_insights_registered",
        "referral",
        COLUMNS,
        unique=False,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_insights_registered", table_name="referral")
