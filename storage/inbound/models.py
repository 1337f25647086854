"""The inbound message log: every update received, deduplicated per channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class InboundMessage(Base):
    """One received message; (channel, dedupe_key) is unique so a redelivered update is seen once."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    sender_id: Mapped[str | None] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
