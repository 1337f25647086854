"""Ticket numbers a resident can read out on the phone: BX-20261122-0007 (prefix, local day, counter)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from storage._dialect import insert_for
from storage.tickets.models import TicketCounter
from storage.vocabulary import TicketType

#: Number prefix per ticket type: 报修, 咨询, 投诉, 其他.
PREFIXES: Final = {
    TicketType.REPAIR: "BX",
    TicketType.INQUIRY: "ZX",
    TicketType.COMPLAINT: "TS",
    TicketType.OTHER: "QT",
}


def format_number(prefix: str, day: str, value: int) -> str:
    """`BX-20261122-0007`; grows past four digits rather than wrapping."""
    return f"{prefix}-{day}-{value:04d}"


async def next_ticket_number(
    session: AsyncSession, *, community_id: int, ticket_type: TicketType | str, now: datetime, tz: tzinfo
) -> str:
    """Reserve the next number for this community, type and local day (atomic upsert on the counter row)."""
    prefix = PREFIXES[TicketType(ticket_type)]
    day = now.astimezone(tz).strftime("%Y%m%d")
    statement = (
        insert_for(session, TicketCounter)
        .values(community_id=community_id, prefix=prefix, day=day, last_value=1)
        .on_conflict_do_update(
            index_elements=["community_id", "prefix", "day"],
            set_={"last_value": TicketCounter.last_value + 1},
        )
        .returning(TicketCounter.last_value)
    )
    value = (await session.execute(statement)).scalar_one()
    return format_number(prefix, day, value)
