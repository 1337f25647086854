"""The outbox: notifications written with the change that caused them, sent later with retries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class OutboxMessage(Base):
    """A message to deliver on a channel; status pending → sending → sent, or dead after too many tries."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_try_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    next_try_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    #: The channel's id of the delivered message (e.g. Telegram chat:message), so a later message can edit it.
    external_ref: Mapped[str | None] = mapped_column(String(128))


class CardCode(Base):
    """A sent interactive card (WeCom template card) by task id: its freshest unused response code, which allows
    one update of the card until `code_expires_at`, and the task it was sent again under when it could not be
    updated (`moved_to`)."""

    __tablename__ = "card_codes"

    task_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(255))
    code_expires_at: Mapped[datetime | None]
    moved_to: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
