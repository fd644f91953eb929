"""registration: the exception request; invitation: the inviter's team sent with it

Revision ID: 0012_invite
Revises: 0011_match
Create Date: 2026-11-30 22:50:00

An exception request on a rejected registration (domain.md §2.5): one per referral, so it lives
on the registration row: its status, the partner's message, when it was sent and decided, and
the reviewer's message. A P2P invitation keeps the inviter's team it was sent with, which the
invitee reads as its contacts (D15).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_invite"
down_revision = "0011_match"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exception_status", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("exception_message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("exception_requested_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("exception_decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("exception_reason", sa.Text(), nullable=True))
        batch_op.create_index(
            "ix_registration_exception_status", ["exception_status"], unique=False
        )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("team")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_exception_status")
        batch_op.drop_column("exception_reason")
        batch_op.drop_column("exception_decided_at")
        batch_op.drop_column("exception_requested_at")
        batch_op.drop_column("exception_message")
        batch_op.drop_column("exception_status")
