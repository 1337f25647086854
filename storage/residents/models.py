"""Residents, their chat identities and the rooms they are bound to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Resident(Base):
    """A resident's profile. Confidential: show it to staff only as their work needs."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    elderly: Mapped[bool] = mapped_column(default=False)
    lives_alone: Mapped[bool] = mapped_column(default=False)
    family_contact_name: Mapped[str | None] = mapped_column(String(100))
    family_contact_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ResidentIdentity(Base):
    """A channel identity (Telegram user, WeCom user, web-chat session) that speaks for a resident."""

    __tablename__ = "resident_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class ResidentRoom(Base):
    """A room a resident is bound to (owner, tenant or family member)."""

    __tablename__ = "resident_rooms"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True, index=True)
    relation: Mapped[str] = mapped_column(String(20), default="owner")
    created_at: Mapped[datetime]
