"""FTS5 prefix index for one- and two-letter words; drop the superseded grid_* indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 00:10:00

The first key of a filter ("e") matched half a million deals at 1M and was answered by merging
every word that starts with it; with a prefix index it is one doclist, cheap enough to probe row
by row while walking a tab's sort index (grid.py). The (org, direction, status, key) indexes of
revision 0001 were replaced by the (org, grid_tab, key) ones and only cost writes and seeding.
"""

from __future__ import annotations

from alembic import op

from cosell_tui.store import search

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_GRID_INDEXES = {
    "ix_referral_grid_expiry": ["org_id", "direction", "status", "expires_at", "id"],
    "ix_referral_grid_created": ["org_id", "direction", "status", "created_at", "id"],
    "ix_referral_grid_closed": ["org_id", "status", "closed_at", "id"],
}


def upgrade() -> None:
    conn = op.get_bind()
    for name in OLD_GRID_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    if conn.dialect.name == "sqlite":
        search.rebuild_sqlite_fts(conn)


def downgrade() -> None:
    for name, columns in OLD_GRID_INDEXES.items():
        op.create_index(name, "referral", columns, unique=False)
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        search.rebuild_sqlite_fts(conn, prefixes=False)
