"""Delivery through the fake Telegram: the webhook's secret, flood control (429), and outages (502 answers,
refused connections) after which every message arrives, each chat's in the order written."""

from __future__ import annotations

import pytest
from aiohttp import ClientSession
from sqlalchemy import select

from bot.telegram import SECRET_HEADER, WEBHOOK_PATH
from bot.telegram.fake_api import FakeBotApi
from storage.groups.models import StaffGroup
from tests.storage.conftest import SQLITE_ONLY
from tests.telegram.conftest import PLUMBING_GROUP, Person, Service, until

#: Telegram's protocol does not depend on the database; the outage test below also runs on PostgreSQL, where the
#: outbox's per-chat order and retries are queries of their own.


async def all_sent(service: Service) -> bool:
    rows = await service.outbox(channel="telegram")
    return bool(rows) and all(row.status == "sent" for row in rows)


async def in_written_order(service: Service, fake: FakeBotApi, chat_id: int) -> None:
    """The chat shows exactly the outbox's messages for it, in the order they were written, once each."""
    written = [row.payload["text"] for row in await service.outbox(channel="telegram", recipient=str(chat_id))]
    assert fake.texts(chat_id) == written


@SQLITE_ONLY
async def test_the_webhook_takes_updates_only_with_the_secret(webhook_service: Service, fake: FakeBotApi) -> None:
    resident = Person(fake, 5003, "赵阿姨")
    update = fake.user_message(resident.chat_id, resident.user, text="你好")
    url = webhook_service.server.make_url(WEBHOOK_PATH)
    async with ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "not-the-secret"}):
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 403
    assert await webhook_service.inbound() == 0
    assert fake.webhook is not None and fake.webhook["url"] == str(url)
    assert await fake.deliver(update) == 200  # the fake sends the secret token it was given
    assert await webhook_service.inbound() == 1
    await resident.wait_for("您好")
    assert "keyboard" in fake.keyboards[str(resident.chat_id)]  # the persistent menu came with the answer


@SQLITE_ONLY
async def test_flood_control_is_waited_out_and_not_counted_as_a_failed_try(service: Service, fake: FakeBotApi) -> None:
    fake.flood("sendMessage", times=1, retry_after=1)
    resident = Person(fake, 5004, "钱先生")
    await resident.say("你好")
    await resident.wait_for("您好")

    async def first_row() -> object:
        # The chat shows the message as soon as the fake has answered; the row is marked sent just after.
        [first, *_] = await service.outbox(channel="telegram", recipient="5004")
        return first if first.status == "sent" else None

    first = await until(first_row, what="the first message marked sent")
    assert first.attempts == 1  # the 429 was not counted as a try
    assert fake.requests["sendMessage"] == len(resident.texts()) + 1  # one call was refused with 429
    assert not fake.violations


@pytest.mark.parametrize(
    ("db", "outage"),
    [("sqlite", "502"), ("sqlite", "refuse"), pytest.param("postgres", "refuse", marks=pytest.mark.postgres)],
    indirect=["db"],
)
async def test_a_ten_minute_outage_loses_nothing_and_keeps_each_chats_order(
    webhook_service: Service, fake: FakeBotApi, outage: str
) -> None:
    # Every Bot API call answers 502, or no connection is accepted; updates still reach our webhook.
    if outage == "502":
        fake.fail()
    else:
        await fake.refuse()
    residents = [Person(fake, 5100 + n, f"住户{n}") for n in range(3)]
    for resident in residents:
        assert await resident.say("厨房灯不亮了 3-2-501") == 200
    for resident in residents:
        assert await resident.say("13900001111") == 200
    await until(lambda: _tried(webhook_service), what="sends failed")
    assert fake.requests["sendMessage"] == 0
    webhook_service.clock.advance(minutes=10)
    await fake.restore()
    await until(lambda: all_sent(webhook_service), timeout=30, what="everything delivered after the outage")
    for resident in residents:
        await in_written_order(webhook_service, fake, resident.chat_id)
    rows = await webhook_service.outbox(channel="telegram")
    assert all(row.attempts == 1 for row in rows)  # the outage did not use up their tries
    assert not fake.violations


async def _tried(service: Service) -> bool:
    rows = await service.outbox(channel="telegram")
    return bool(rows) and any(row.last_error for row in rows)


@SQLITE_ONLY
async def test_refused_connections_hold_updates_and_replies_until_telegram_is_back(
    service: Service, fake: FakeBotApi
) -> None:
    resident = Person(fake, 5200, "孙女士")
    await resident.say("厨房灯不亮了 3-2-501 13900001111")
    await resident.wait_for("照片")
    await until(lambda: all_sent(service))
    await fake.refuse()
    await resident.say("跳过")  # Telegram holds it until the bot can poll again
    service.clock.advance(minutes=10)
    await fake.restore()
    await resident.wait_for("请核对", timeout=30)
    await until(lambda: all_sent(service), timeout=30)
    await in_written_order(service, fake, resident.chat_id)


async def _group_chat(service: Service) -> str:
    async with service.db.sessions() as session:
        [chat_id] = await session.scalars(
            select(StaffGroup.chat_id).where(StaffGroup.department == "engineering", StaffGroup.channel == "telegram")
        )
        return chat_id


@SQLITE_ONLY
async def test_a_group_upgraded_to_a_supergroup_keeps_getting_its_cards(service: Service, fake: FakeBotApi) -> None:
    # Telegram upgrades the plumbing group: calls to the old id now fail with migrate_to_chat_id.
    supergroup = -1009001
    fake.migrate(PLUMBING_GROUP, supergroup)
    resident = Person(fake, 5010, "孙先生")
    await resident.say("厨房灯不亮了 3-2-501 13900001111")
    await resident.wait_for("照片")
    await resident.say("跳过")
    await resident.wait_for("请核对")
    await resident.press("确认提交")
    await resident.wait_for("BX-")
    [ticket] = await service.tickets()
    # The card reached the supergroup, and the group is registered under its new id for what comes next.
    await until(lambda: [m for m in fake.messages(supergroup) if ticket.number in m.get("text", "")], what="card")
    assert await _group_chat(service) == str(supergroup)

    async def card_sent() -> bool:  # the row is marked sent just after the fake has answered
        [card] = await service.outbox(channel="telegram", recipient=str(PLUMBING_GROUP))
        return card.status == "sent"

    await until(card_sent, what="the card marked sent")
    # A technician in the supergroup works the card.
    plumber = Person(fake, 7001, "plumber", chat_id=supergroup)
    await plumber.press("接单")
    await resident.wait_for("接单")


@SQLITE_ONLY
async def test_the_migration_notice_in_the_old_group_moves_the_registration(service: Service, fake: FakeBotApi) -> None:
    supergroup = -1009002
    notice = fake.update(
        message={
            "message_id": 99,
            "date": 0,
            "chat": {"id": PLUMBING_GROUP, "type": "group", "title": "维修群"},
            "from": {"id": 7001, "is_bot": False, "first_name": "plumber"},
            "migrate_to_chat_id": supergroup,
        }
    )
    await fake.deliver(notice)
    await until(lambda: _moved(service, supergroup), what="group re-registered")


async def _moved(service: Service, chat_id: int) -> bool:
    return await _group_chat(service) == str(chat_id)


@SQLITE_ONLY
async def test_a_polled_update_whose_handling_fails_is_polled_again_not_skipped(
    service: Service, fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A transient fault (a database hiccup) while handling the resident's first message: it is not confirmed to
    # Telegram, so the next poll brings it back and the resident is answered.
    import bot.telegram.updates as updates

    real = updates.resident_message
    failures: list[int] = []

    async def flaky(context, message):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(message.message_id)
            raise RuntimeError("database went away for a moment")
        return await real(context, message)

    monkeypatch.setattr(updates, "resident_message", flaky)
    resident = Person(fake, 5011, "周阿姨")
    await resident.say("你好")
    await resident.wait_for("您好")
    assert failures and await service.inbound() == 1


@SQLITE_ONLY
async def test_an_update_that_always_fails_is_given_up_and_the_chat_goes_on(
    service: Service, fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.telegram.updates as updates
    from bot.telegram.webhook import MAX_UPDATE_TRIES

    real = updates.resident_message
    tries: list[int] = []

    async def poisonous(context, message):  # type: ignore[no-untyped-def]
        if message.text == "触发一个缺陷":
            tries.append(message.message_id)
            raise RuntimeError("a bug in our handler")
        return await real(context, message)

    monkeypatch.setattr(updates, "resident_message", poisonous)
    resident = Person(fake, 5012, "吴先生")
    await resident.say("触发一个缺陷")
    await resident.say("你好")
    await resident.wait_for("您好")  # the chat's next message is answered meanwhile
    await until(lambda: len(tries) == MAX_UPDATE_TRIES, timeout=30, what="the retries")
    answered = len(resident.texts())
    await resident.say("谢谢")
    await until(lambda: len(resident.texts()) > answered, what="the next answer")
    assert len(tries) == MAX_UPDATE_TRIES  # given up, never handled again
