"""accounts listed by name regardless of case: an index on (lower(name), id)

Revision ID: 0015_account_order
Revises: 0014_insights3
Create Date: 2026-12-01 05:00:00

`cosell admin account list` and the administration screen's accounts page through the
customer accounts by name as a person reads a list ("ALVAREZ INDUSTRIES" beside "Alvarez
Industries Pty Ltd", not before "Aguilar Group"), then by number: ORDER BY lower(name), id.
This index serves that order, so a page is read from the index instead of sorting every
account (200,000 and more on a large database). An expression index, which the models do not
describe (migrate.py leaves it out of the comparison with them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_account_order"
down_revision = "0014_insights3"
branch_labels = None
depends_on = None

#: The index of service/reference.py `ACCOUNT_ORDER`.
NAME = "ix_account_order_name"


def upgrade() -> None:
    op.create_index(NAME, "account", [sa.text("lower(name)"), "id"], unique=False)


def downgrade() -> None:
    op.drop_index(NAME, table_name="account")
