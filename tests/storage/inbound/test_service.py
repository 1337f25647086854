"""Inbound log: a redelivered update is recognised — on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.inbound import mark_processed, record_inbound, unprocessed


async def test_redelivery_is_seen_once_per_channel(session, clock) -> None:
    first, new = await record_inbound(
        session,
        channel="telegram",
        dedupe_key="update:1001",
        payload={"text": "漏水了"},
        now=clock.now(),
        sender_id="42",
    )
    again, new_again = await record_inbound(
        session, channel="telegram", dedupe_key="update:1001", payload={"text": "漏水了"}, now=clock.now()
    )
    other_channel, new_other = await record_inbound(
        session, channel="wecom", dedupe_key="update:1001", payload={}, now=clock.now()
    )
    assert new and not new_again and new_other
    assert again.id == first.id and other_channel.id != first.id
    assert [m.id for m in await unprocessed(session)] == [first.id, other_channel.id]
    await mark_processed(session, message_id=first.id, now=clock.now())
    assert [m.id for m in await unprocessed(session)] == [other_channel.id]
