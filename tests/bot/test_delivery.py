"""The outbox worker against a real database, with a tiny in-test channel sender."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from sqlalchemy import select

from bot.delivery import ChannelSender, OutboxWorker, PermanentFailure, RetryLater
from bot.metrics import Metrics
from storage.clock import FrozenClock
from storage.db import Database
from storage.outbox import OutboxMessage, enqueue
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401


class ScriptedSender:
    """Records what it delivers; raises the scripted failures for a text first, in order."""

    def __init__(self, channel: str = "telegram", stop: asyncio.Event | None = None) -> None:
        self.channel = channel
        self.delivered: list[tuple[str, str]] = []
        self.failures: dict[str, list[Exception]] = defaultdict(list)
        self.stop_after_send = stop

    async def send(self, message: OutboxMessage) -> None:
        text = message.payload["text"]
        if self.failures[text]:
            raise self.failures[text].pop(0)
        self.delivered.append((message.recipient, text))
        if self.stop_after_send is not None:
            self.stop_after_send.set()

    def texts(self, recipient: str) -> list[str]:
        return [text for to, text in self.delivered if to == recipient]


async def queue(db: Database, clock: FrozenClock, *messages: tuple[str, str, str]) -> None:  # noqa: F811
    """Enqueue (channel, recipient, text) messages in one transaction."""
    async with db.sessions() as session, session.begin():
        for channel, recipient, text in messages:
            payload = {"text": text}
            await enqueue(session, channel=channel, recipient=recipient, kind="reply", payload=payload, now=clock.now())


async def rows(db: Database) -> dict[str, OutboxMessage]:  # noqa: F811
    async with db.sessions() as session:
        return {m.payload["text"]: m for m in await session.scalars(select(OutboxMessage))}


def make_worker(db: Database, clock: FrozenClock, *senders: ScriptedSender, **kwargs) -> OutboxWorker:  # noqa: F811
    return OutboxWorker(db.sessions, {s.channel: s for s in senders}, clock, "w1", **kwargs)


def test_the_scripted_sender_is_a_channel_sender() -> None:
    assert isinstance(ScriptedSender(), ChannelSender)


async def test_sends_and_marks_sent_and_counts(db, clock) -> None:  # noqa: F811
    sender, metrics = ScriptedSender(), Metrics()
    await queue(db, clock, ("telegram", "alice", "a1"), ("telegram", "bob", "b1"))
    worker = make_worker(db, clock, sender, metrics=metrics)
    assert await worker.run_once() == 2
    assert sorted(sender.delivered) == [("alice", "a1"), ("bob", "b1")]
    stored = await rows(db)
    assert {m.status for m in stored.values()} == {"sent"}
    assert stored["a1"].sent_at == clock.now()
    assert metrics.registry.get_sample_value("wuye_messages_out_total", {"channel": "telegram"}) == 2
    assert await worker.run_once() == 0


async def test_a_recipient_gets_messages_in_order_even_across_a_retry(db, clock) -> None:  # noqa: F811
    sender = ScriptedSender()
    sender.failures["a1"].append(RetryLater(60, "flood control"))
    await queue(db, clock, ("telegram", "alice", "a1"), ("telegram", "alice", "a2"), ("telegram", "bob", "b1"))
    worker = make_worker(db, clock, sender)
    assert await worker.run_once() == 2  # a1 (fails) and b1; a2 waits behind a1
    assert sender.delivered == [("bob", "b1")]
    assert await worker.run_once() == 0
    stored = await rows(db)
    assert (stored["a1"].status, stored["a1"].attempts, stored["a1"].last_error) == ("pending", 1, "flood control")
    assert (stored["a2"].status, stored["a2"].attempts) == ("pending", 0)
    clock.advance(seconds=59)
    assert await worker.run_once() == 0  # the sender asked for 60 s, more than the 30 s backoff
    clock.advance(seconds=2)
    while await worker.run_once():
        pass
    assert sender.texts("alice") == ["a1", "a2"]
    assert {m.status for m in (await rows(db)).values()} == {"sent"}


async def test_unexpected_errors_retry_with_backoff(db, clock) -> None:  # noqa: F811
    sender = ScriptedSender()
    sender.failures["a1"] += [ConnectionResetError("peer reset"), ConnectionResetError("peer reset")]
    await queue(db, clock, ("telegram", "alice", "a1"))
    worker = make_worker(db, clock, sender)
    assert await worker.run_once() == 1
    first = (await rows(db))["a1"]
    assert first.status == "pending" and "ConnectionResetError" in (first.last_error or "")
    clock.advance(seconds=30)
    assert await worker.run_once() == 1  # second failure: backoff doubles to 60 s
    clock.advance(seconds=59)
    assert await worker.run_once() == 0
    clock.advance(seconds=1)
    assert await worker.run_once() == 1
    stored = (await rows(db))["a1"]
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 3, None)


async def test_a_permanent_failure_gives_up_at_once_and_unblocks_the_recipient(db, clock) -> None:  # noqa: F811
    sender, metrics = ScriptedSender(), Metrics()
    sender.failures["a1"].append(PermanentFailure("bot was blocked by the user"))
    await queue(db, clock, ("telegram", "alice", "a1"), ("telegram", "alice", "a2"))
    worker = make_worker(db, clock, sender, metrics=metrics)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 1
    stored = await rows(db)
    assert (stored["a1"].status, stored["a1"].last_error) == ("dead", "bot was blocked by the user")
    assert stored["a2"].status == "sent"
    labels = {"channel": "telegram", "final": "true"}
    assert metrics.registry.get_sample_value("wuye_send_failures_total", labels) == 1


async def test_channels_without_a_sender_stay_pending_and_block_nothing(db, clock) -> None:  # noqa: F811
    sender = ScriptedSender("telegram")
    await queue(db, clock, *[("wecom", f"u{i}", f"w{i}") for i in range(5)], ("telegram", "alice", "t1"))
    worker = make_worker(db, clock, sender, batch_size=2)
    assert await worker.run_once() == 1
    assert sender.delivered == [("alice", "t1")]
    stored = await rows(db)
    assert {(m.status, m.attempts, m.claimed_by) for k, m in stored.items() if k.startswith("w")} == {
        ("pending", 0, None)
    }


async def test_stop_finishes_the_message_in_flight_and_gives_the_rest_back(db, clock) -> None:  # noqa: F811
    stop = asyncio.Event()
    sender = ScriptedSender(stop=stop)
    await queue(db, clock, ("telegram", "alice", "a1"), ("telegram", "bob", "b1"), ("telegram", "carol", "c1"))
    worker = make_worker(db, clock, sender)
    assert await worker.run_once(stop) == 1
    stored = await rows(db)
    assert [m.status for m in stored.values()].count("sent") == 1
    waiting = [m for m in stored.values() if m.status != "sent"]
    assert {(m.status, m.attempts, m.claimed_by, m.lease_until) for m in waiting} == {("pending", 0, None, None)}


async def test_run_forever_delivers_until_stopped(db, clock) -> None:  # noqa: F811
    stop = asyncio.Event()
    sender = ScriptedSender()
    worker = make_worker(db, clock, sender)
    task = asyncio.create_task(worker.run_forever(stop, idle_seconds=30))
    await asyncio.sleep(0.05)  # let it go idle: nothing queued yet
    await queue(db, clock, ("telegram", "alice", "a1"), ("telegram", "alice", "a2"))
    worker.wake()  # without this the worker would sleep the full 30 s idle pause
    for _ in range(200):
        if len(sender.delivered) == 2:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert sender.texts("alice") == ["a1", "a2"]


async def test_two_workers_never_send_a_message_twice(db, clock) -> None:  # noqa: F811
    sender = ScriptedSender()
    await queue(db, clock, *[("telegram", f"r{i}", f"m{i}") for i in range(30)])
    one = OutboxWorker(db.sessions, {"telegram": sender}, clock, "w1", batch_size=7)
    two = OutboxWorker(db.sessions, {"telegram": sender}, clock, "w2", batch_size=7)
    while sum(await asyncio.gather(one.run_once(), two.run_once())):
        pass
    assert sorted(text for _, text in sender.delivered) == sorted(f"m{i}" for i in range(30))


class RefSender(ScriptedSender):
    """Answers each delivery with a channel message id and records the edit_ref an edit arrived with."""

    def __init__(self) -> None:
        super().__init__()
        self.edit_refs: list[str | None] = []

    async def send(self, message: OutboxMessage) -> str:
        await super().send(message)
        if "edit_of" in message.payload:
            self.edit_refs.append(message.payload.get("edit_ref"))
        return f"{message.recipient}:{len(self.delivered)}"


async def test_an_edit_carries_the_channel_id_of_the_message_it_edits(db, clock) -> None:  # noqa: F811
    sender = RefSender()
    async with db.sessions() as session, session.begin():
        await enqueue(
            session,
            channel="telegram",
            recipient="group",
            kind="ticket_card",
            payload={"text": "card"},
            dedupe_key="card:1",
            now=clock.now(),
        )
        await enqueue(
            session,
            channel="telegram",
            recipient="group",
            kind="card_update",
            payload={"text": "card, accepted", "edit_of": "card:1"},
            now=clock.now(),
        )
        await enqueue(
            session,
            channel="telegram",
            recipient="other",
            kind="card_update",
            payload={"text": "edit of nothing", "edit_of": "card:404"},
            now=clock.now(),
        )
    worker = make_worker(db, clock, sender)
    while await worker.run_once():
        pass
    stored = await rows(db)
    assert stored["card"].external_ref == "group:1"
    assert sender.edit_refs.count("group:1") == 1  # the update went out after the card, knowing its id
    assert None in sender.edit_refs  # the card never sent: the sender is told to send a fresh message
    assert "edit_ref" not in stored["card, accepted"].payload  # resolved per delivery, never stored
