"""The in-memory mailbox: bounded, and its wake-ups reach every waiter of a session and no other."""

from __future__ import annotations

from bot.webchat import Mailbox


def test_delivered_replies_are_kept_per_session_and_bounded() -> None:
    mailbox = Mailbox(keep_per_session=2, keep_sessions=2)
    for outbox_id in (1, 2, 3):
        mailbox.deliver("a", outbox_id, {"text": f"第{outbox_id}条"})
    assert [d.outbox_id for d in mailbox.delivered("a")] == [2, 3]
    mailbox.deliver("b", 4, {"text": "b"})
    mailbox.deliver("c", 5, {"text": "c"})  # the least recently active session goes first
    assert mailbox.delivered("a") == [] and [d.outbox_id for d in mailbox.delivered("c")] == [5]


async def test_notify_wakes_the_sessions_waiters_only() -> None:
    mailbox = Mailbox()
    first, again, other = mailbox.waiter("a"), mailbox.waiter("a"), mailbox.waiter("b")
    assert first is again  # two polls of one session share the wake-up
    mailbox.deliver("a", 1, {"text": "您好"})
    assert first.is_set() and not other.is_set()
    assert not mailbox.waiter("a").is_set()  # the next poll waits for the next reply


async def test_close_wakes_everyone_and_later_polls_at_once() -> None:
    mailbox = Mailbox()
    waiting = mailbox.waiter("a")
    mailbox.close()
    assert waiting.is_set() and mailbox.waiter("b").is_set()
