"""account matching: the account_key table, the customer's web domain, an index on the DUNS

Revision ID: 0011_match
Revises: 0010_routing
Create Date: 2026-11-30 23:00:00

Customer search and CSV account matching (docs/csv.md "Account matching") find candidates by
exact look-ups in `account_key` (the words of each cleaned name, their starts and their
one-letter deletions, domain/names.py) instead of scanning the account table, and match a
row's DUNS number or web domain exactly (`account.duns`, `account.domain`, both indexed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cosell_tui.domain.names import name_keys

revision = "0011_match"
down_revision = "0010_routing"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    # Plain ALTERs, not a batch: rebuilding `account` would trip the referrals' foreign keys.
    op.add_column("account", sa.Column("domain", sa.String(length=253), nullable=True))
    op.create_index("ix_account_domain", "account", ["domain"], unique=False)
    op.create_index("ix_account_duns", "account", ["duns"], unique=False)
    key_table = op.create_table(
        "account_key",
        sa.Column("key", sa.String(length=48), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("key", "account_id"),
    )
    op.create_index("ix_account_key_account", "account_key", ["account_id"], unique=False)
    conn = op.get_bind()
    after = 0
    while True:
        rows = conn.execute(
            sa.text("SELECT id, search_name FROM account WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after, "n": _BATCH},
        ).all()
        if not rows:
            break
        keys = [
            {"key": key, "account_id": pk} for pk, name in rows for key in name_keys(name or "")
        ]
        if keys:
            conn.execute(key_table.insert(), keys)
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_account_key_account", table_name="account_key")
    op.drop_table("account_key")
    op.drop_index("ix_account_duns", table_name="account")
    op.drop_index("ix_account_domain", table_name="account")
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a column in place
        op.execute("ALTER TABLE account DROP COLUMN domain")
    else:
        op.drop_column("account", "domain")
