"""notification: delivery attempts with backoff, and whether the recipient has read it

Revision ID: 0009_msside
Revises: 0008_setup
Create Date: 2026-11-30 20:10:00

`cosell mail send|run` delivers the outbox over SMTP (service/mail.py): a failed attempt is
counted and the next one waits (`next_attempt_at`); the TUI's notification list marks what the
recipient has read (`read_at`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_msside"
down_revision = "0008_setup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("read_at", sa.DateTime(), nullable=True))
        batch_op.create_index(
            "ix_notification_due", ["sent_at", "next_attempt_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_notification_recipient", ["recipient_user_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_recipient")
        batch_op.drop_index("ix_notification_due")
        batch_op.drop_column("read_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
