"""The community (小区/项目) table: the tenant every other row belongs to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Community(Base):
    """A managed community with its own policy file (NULL = the defaults)."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    policy_toml: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
