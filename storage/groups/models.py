"""Staff group chats: one per community, department and channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class StaffGroup(Base):
    """A department's group chat on one channel, where new tickets are posted and accepted."""

    __tablename__ = "staff_groups"
    __table_args__ = (
        UniqueConstraint("community_id", "department", "channel"),
        UniqueConstraint("channel", "chat_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
