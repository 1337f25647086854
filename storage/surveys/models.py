"""Survey answers: callbacks after a ticket, monthly surveys, ratings of paid services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class SurveyAnswer(Base):
    """One resident's answer; scores are 1-5, reasons use the policy's feedback categories."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="RESTRICT"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(20))
    satisfied: Mapped[bool | None]
    score_attitude: Mapped[int | None]
    score_speed: Mapped[int | None]
    score_result: Mapped[int | None]
    rating: Mapped[int | None]
    reasons: Mapped[list[str] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
