"""Day one for a real team: active users, who acted for whom, an admin log, the database's purpose

Revision ID: 0008_setup
Revises: 0007_insights
Create Date: 2026-11-30 20:00:00

- user_account.active: a deactivated user cannot act and is offered nowhere; their deals and
  history stay.
- history.operator_id: the admin who acted as the history row's user (`--user` on a real
  database), else NULL.
- admin_log: every change to users, locations, rates and the set-up itself (who, when, what).
- database_info: key/value facts about the database; `purpose` is `demo` or `test` where
  `--now` and `--user` are free for anyone, absent on a real team's database. Before this
  revision only the seeder could fill a database, so one that already holds an organisation
  is marked `demo`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_setup"
down_revision = "0007_insights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch copy of these tables is not needed and would be slow.
    op.add_column(
        "user_account",
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column("history", sa.Column("operator_id", sa.Integer(), nullable=True))
    op.create_table(
        "admin_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_admin_log_at", "admin_log", ["at", "id"])
    op.create_table(
        "database_info",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    conn = op.get_bind()
    if conn.exec_driver_sql("SELECT count(*) FROM organization").scalar():
        conn.exec_driver_sql("INSERT INTO database_info (key, value) VALUES ('purpose', 'demo')")


def downgrade() -> None:
    op.drop_table("database_info")
    op.drop_index("ix_admin_log_at", table_name="admin_log")
    op.drop_table("admin_log")
    conn = op.get_bind()
    # Plain ALTER TABLE (SQLite ≥ 3.35), as in 0006.
    conn.exec_driver_sql("ALTER TABLE history DROP COLUMN operator_id")
    conn.exec_driver_sql("ALTER TABLE user_account DROP COLUMN active")
