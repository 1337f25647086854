"""Conversations: one stored dialog state per chat identity.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_conversations_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_conversations_resident_id_residents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_conversations_channel_external_id")),
    )
    op.create_index(op.f("ix_conversations_community_id"), "conversations", ["community_id"], unique=False)
    op.create_index(op.f("ix_conversations_resident_id"), "conversations", ["resident_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_conversations_resident_id"), table_name="conversations")
    op.drop_index(op.f("ix_conversations_community_id"), table_name="conversations")
    op.drop_table("conversations")
