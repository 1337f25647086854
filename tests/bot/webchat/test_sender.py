"""The web chat sender: a reply goes to its session's mailbox; a payload a browser cannot show is given up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.delivery import ChannelSender, PermanentFailure
from bot.webchat import Mailbox, WebchatSender
from storage.outbox import OutboxMessage


def message(payload: dict[str, object], outbox_id: int = 7) -> OutboxMessage:
    now = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    return OutboxMessage(
        id=outbox_id,
        channel="webchat",
        recipient="s1",
        kind="reply",
        payload=payload,
        status="sending",
        next_try_at=now,
        created_at=now,
    )


async def test_a_reply_lands_in_the_sessions_mailbox_and_wakes_it() -> None:
    mailbox = Mailbox()
    sender = WebchatSender(mailbox)
    assert isinstance(sender, ChannelSender) and sender.channel == "webchat"
    waiting = mailbox.waiter("s1")
    await sender.send(message({"text": "您好", "buttons": []}))
    assert waiting.is_set()
    assert [(d.outbox_id, d.payload["text"]) for d in mailbox.delivered("s1")] == [(7, "您好")]


async def test_a_payload_without_text_is_a_permanent_failure() -> None:
    with pytest.raises(PermanentFailure):
        await WebchatSender(Mailbox()).send(message({"buttons": []}))
