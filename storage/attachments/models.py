"""Attachment rows: photos, voice and video stored by sha256 in the file store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Attachment(Base):
    """A file attached to a ticket (or to a ticket event, e.g. an after-repair photo)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    mime: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(BigInteger)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="RESTRICT"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_events.id", ondelete="RESTRICT"))
    label: Mapped[str | None] = mapped_column(String(30))
    uploaded_by_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    uploaded_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
