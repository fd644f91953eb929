"""full-text search for the grid's free words and the grid cache's change counter

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:00:00
"""

from __future__ import annotations

from alembic import op

from cosell_tui.store import search

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search.install(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    search.suspend(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TABLE IF EXISTS referral_fts")
    else:
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS grid_version_bump()")
