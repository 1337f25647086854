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


async def test_a_held_message_is_taken_over_once_by_its_handler(session, clock) -> None:
    from storage.inbound import hold_inbound, pending_messages, release, start_attempt

    held, new = await hold_inbound(
        session,
        channel="wecom",
        dedupe_key="yezhu:42",
        raw="<xml><Content>漏水</Content></xml>",
        payload={"text": "漏水"},
        now=clock.now(),
        sender_id="yezhu",
    )
    again, new_again = await hold_inbound(
        session, channel="wecom", dedupe_key="yezhu:42", raw="<xml/>", payload={}, now=clock.now()
    )
    assert new and not new_again and again.id == held.id and again.raw.startswith("<xml><Content>")
    assert [m.id for m in await pending_messages(session, channel="wecom")] == [held.id]
    assert await pending_messages(session, channel="telegram") == []
    assert await start_attempt(session, message_id=held.id) == 1
    assert await start_attempt(session, message_id=held.id) == 2

    clock.advance(seconds=3)
    taken, is_new = await record_inbound(
        session,
        channel="wecom",
        dedupe_key="yezhu:42",
        payload={"kind": "text", "text": "漏水"},
        now=clock.now(),
        processed=True,
    )
    assert is_new and taken.id == held.id and not taken.pending
    assert taken.processed_at == clock.now() and taken.payload == {"kind": "text", "text": "漏水"}
    assert taken.received_at < clock.now() and taken.attempts == 2 and taken.sender_id == "yezhu"
    _, twice = await record_inbound(
        session, channel="wecom", dedupe_key="yezhu:42", payload={}, now=clock.now(), processed=True
    )
    assert not twice  # taken once only
    assert await pending_messages(session, channel="wecom") == []
    assert await start_attempt(session, message_id=held.id) is None
    assert not await release(session, message_id=held.id, now=clock.now(), processed=True)


async def test_a_held_message_nobody_takes_is_released(session, clock) -> None:
    from storage.inbound import hold_inbound, pending_messages, release

    ignored, _ = await hold_inbound(
        session, channel="wecom", dedupe_key="a:1", raw="<xml/>", payload={}, now=clock.now()
    )
    failed, _ = await hold_inbound(
        session, channel="wecom", dedupe_key="a:2", raw="<xml/>", payload={}, now=clock.now()
    )
    assert await release(session, message_id=ignored.id, now=clock.now(), processed=True)
    assert await release(session, message_id=failed.id, now=clock.now(), processed=False)
    assert await pending_messages(session, channel="wecom") == []
    assert [m.id for m in await unprocessed(session)] == [failed.id]  # given up: left for staff to see
    _, is_new = await record_inbound(session, channel="wecom", dedupe_key="a:2", payload={}, now=clock.now())
    assert not is_new  # a released message is never taken over again
