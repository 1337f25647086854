"""The monthly report: on the policy's day and time, last month's summary goes to the managers' group chats."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.scheduler.jobs.monthly_report import next_run, previous_month
from storage.clock import FrozenClock
from storage.db import Database
from storage.groups.service import register_group
from storage.policy import load_policy
from tests.bot.scheduler.conftest import Driver, Estate, outbox
from tests.bot.scheduler.test_callbacks import close, local

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_next_send_time_is_the_policys_day_and_time_in_the_community_zone() -> None:
    policy = load_policy()
    at = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert next_run(policy, datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)) == at
    assert next_run(policy, datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)) == at  # exactly at the time: next month
    assert next_run(policy, datetime(2026, 11, 1, 8, 59, tzinfo=SHANGHAI)) == datetime(
        2026, 11, 1, 9, 0, tzinfo=SHANGHAI
    )
    assert next_run(policy, datetime(2027, 1, 31, 23, 0, tzinfo=SHANGHAI)) == datetime(
        2027, 2, 1, 9, 0, tzinfo=SHANGHAI
    )
    assert next_run(policy, datetime(2026, 12, 15, 0, 0, tzinfo=SHANGHAI)) == datetime(
        2027, 1, 1, 9, 0, tzinfo=SHANGHAI
    )
    assert previous_month(datetime(2027, 1, 1).date()) == "2026-12"


async def test_last_months_summary_reaches_the_managers_group_once_a_month(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    async with db.sessions.begin() as session:
        await register_group(
            session,
            community_id=estate.community_id,
            department="management",
            channel="telegram",
            chat_id="g-management",
            now=clock.now(),
        )
    clock.set(local(23, 10, 0))
    for _ in range(3):
        await close(db, clock, estate, kind="repair")
    await driver.run()  # the report is planned on the 23rd; the weeks up to it only hold other kinds' jobs
    await driver.jump(datetime(2026, 12, 1, 8, 59, tzinfo=SHANGHAI))
    assert await outbox(db, kind="monthly_report") == []
    await driver.until(datetime(2026, 12, 1, 9, 1, tzinfo=SHANGHAI))
    [sent] = await outbox(db, kind="monthly_report")
    assert sent.recipient == "g-management"
    assert "2026-11" in sent.payload["text"] and "3" in sent.payload["text"]
    await driver.jump(datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI))  # a report re-planned any earlier is due here
    assert len(await outbox(db, kind="monthly_report")) == 1
    await driver.until(datetime(2027, 1, 1, 9, 1, tzinfo=SHANGHAI))
    reports = await outbox(db, kind="monthly_report")
    assert len(reports) == 2 and "2026-12" in reports[1].payload["text"]
