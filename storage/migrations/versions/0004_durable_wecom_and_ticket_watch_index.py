"""Messages held before they are handled (inbound raw/pending/attempts), WeCom card response codes kept across
restarts (card_codes), and an index on tickets (updated_at, id) for the scheduler's watch job.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("raw", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_inbound_messages_pending", "inbound_messages", ["pending"], unique=False)
    op.create_table(
        "card_codes",
        sa.Column("task_id", sa.String(length=128), nullable=False),
        sa.Column("code", sa.String(length=255), nullable=True),
        sa.Column("code_expires_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("moved_to", sa.String(length=128), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_card_codes")),
    )
    op.create_index("ix_tickets_updated_at", "tickets", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tickets_updated_at", table_name="tickets")
    op.drop_table("card_codes")
    op.drop_index("ix_inbound_messages_pending", table_name="inbound_messages")
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("attempts")
        batch.drop_column("pending")
        batch.drop_column("raw")
