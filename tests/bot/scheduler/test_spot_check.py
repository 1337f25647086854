"""The daily spot-check: at 08:30 local (policy) every supervisor gets 10 % (policy) of yesterday's closed
tickets, each with what its record lacks (no photo, no resident confirmation)."""

from __future__ import annotations

import math
import re
from pathlib import Path

from storage.attachments.service import add_attachment
from storage.attachments.store import FileStore
from storage.clock import FrozenClock
from storage.communities.service import get_community
from storage.db import Database
from storage.staff.service import link_staff_identity
from storage.tickets import get_ticket, override_ticket
from tests.bot.scheduler.conftest import Driver, Estate, outbox
from tests.bot.scheduler.test_callbacks import close, local
from tests.factories import make_staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_each_supervisor_gets_a_tenth_of_yesterdays_closed_tickets(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver, tmp_path: Path
) -> None:
    clock.set(local(22, 9, 0))
    async with db.sessions.begin() as session:
        community = await get_community(session, estate.community_id)
        second = await make_staff(session, community, clock.now(), role="supervisor", department="service_centre")
        await link_staff_identity(
            session, staff_id=second.id, channel="telegram", external_id="tg-supervisor2", now=clock.now()
        )
    store = FileStore(tmp_path / "files")
    facts: dict[str, tuple[bool, bool]] = {}  # number -> (has photo, confirmed by the resident)
    for index in range(25):
        ticket_id = await close(db, clock, estate, kind="repair")
        async with db.sessions.begin() as session:
            ticket = await get_ticket(session, ticket_id)
            photo = index % 2 == 0
            if photo:
                await add_attachment(session, store, data=PNG + bytes([index]), now=clock.now(), ticket_id=ticket_id)
            facts[ticket.number] = (photo, True)
    for _ in range(5):  # closed by a supervisor override: no resident confirmation
        ticket_id = await close(db, clock, estate, kind="complaint")
        async with db.sessions.begin() as session:
            await override_ticket(
                session,
                ticket_id=ticket_id,
                staff_id=estate.staff["supervisor"],
                to_status="reopened",
                reason="复查",
                now=clock.now(),
            )
            await override_ticket(
                session,
                ticket_id=ticket_id,
                staff_id=estate.staff["supervisor"],
                to_status="closed",
                reason="电话确认",
                now=clock.now(),
            )
            facts[(await get_ticket(session, ticket_id)).number] = (False, False)
    await driver.until(local(23, 8, 29))
    assert await outbox(db, kind="spot_check") == []
    await driver.until(local(23, 9, 0))
    lists = await outbox(db, kind="spot_check")
    assert sorted(m.recipient for m in lists) == ["tg-supervisor", "tg-supervisor2"]
    text = lists[0].payload["text"]
    assert "完成 30 单" in text and f"抽查 {math.ceil(30 * 0.10)} 单" in text
    lines = [line for line in text.splitlines() if line.startswith("·")]
    assert len(lines) == 3
    for line in lines:
        number = re.search(r"[A-Z]+-\d{8}-\d{4}", line).group(0)  # type: ignore[union-attr]
        photo, confirmed = facts[number]
        assert ("缺现场照片" in line) is (not photo)
        assert ("缺住户确认" in line) is (not confirmed)
        assert ("资料齐全" in line) is (photo and confirmed)
    # The next morning: nothing closed on the 23rd.
    await driver.until(local(24, 9, 0))
    again = await outbox(db, kind="spot_check")
    assert len(again) == 4 and "无需抽查" in again[-1].payload["text"]
