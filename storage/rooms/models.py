"""The room registry: every building-unit-room a ticket may name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Room(Base):
    """One room; `code` is the canonical `building-unit-room` (or `building-room`)."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    building: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(16), default="")
    room: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]
