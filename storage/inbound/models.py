"""The inbound message log: every update received, deduplicated per channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class InboundMessage(Base):
    """One received message; (channel, dedupe_key) is unique so a redelivered update is seen once.

    A channel that must answer before handling (WeCom acknowledges at once) first stores the message as
    `pending` with its `raw` text; the handler that logs it (`record_inbound`) takes the pending row over, and
    a restart hands the pending ones to the channel again. `attempts` counts handlings started, so a message
    that keeps killing the process is given up.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "dedupe_key"), Index("ix_inbound_messages_pending", "pending"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    sender_id: Mapped[str | None] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    #: The message as the channel delivered it (e.g. WeCom's decrypted XML), kept for a handling after a restart.
    raw: Mapped[str | None] = mapped_column(Text)
    #: Stored before handling and not yet taken by a handler.
    pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Handlings started of a pending message.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
