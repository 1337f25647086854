"""The WeCom client and sender against the fake WeCom: token caching and refresh, media both ways, limits kept
by asking the outbox to retry later (never dropping), card updates and their fall-back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from limits import RateLimitItemPerSecond
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import PermanentFailure, RetryLater
from bot.wecom.client import Audience, WeComClient, WeComError
from bot.wecom.limits import SendLimits
from bot.wecom.sender import WeComSender
from bot.wecom.tasks import CardTasks
from storage.clock import FrozenClock
from storage.outbox import OutboxMessage
from tests.wecom.fake_wecom import AGENT_ID, CORP_ID, SECRET, FakeWeCom

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
async def client(fake: FakeWeCom) -> AsyncIterator[WeComClient]:
    client = WeComClient(api_url=fake.url, corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID)
    try:
        yield client
    finally:
        await client.close()


def message(id: int, recipient: str, payload: dict[str, Any], kind: str = "reply") -> OutboxMessage:
    return OutboxMessage(
        id=id, channel="wecom", recipient=recipient, kind=kind, payload=payload, created_at=datetime.now(UTC)
    )


async def test_the_token_is_cached_and_refreshed_once_when_expired(fake: FakeWeCom, client: WeComClient) -> None:
    for _ in range(3):
        await client.send_text(Audience(users=("u1",)), "你好")
    assert fake.token_calls == 1
    fake.expire_tokens()
    await client.send_text(Audience(users=("u1",)), "你好")
    assert fake.token_calls == 2 and len(fake.sent) == 4


async def test_a_token_past_its_lifetime_is_fetched_again_before_use(fake: FakeWeCom) -> None:
    now = [0.0]
    client = WeComClient(api_url=fake.url, corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, monotonic=lambda: now[0])
    try:
        await client.send_text(Audience(users=("u1",)), "一")
        now[0] = 7200.0
        await client.send_text(Audience(users=("u1",)), "二")
    finally:
        await client.close()
    assert fake.token_calls == 2


async def test_a_wrong_secret_is_a_wecom_error(fake: FakeWeCom) -> None:
    client = WeComClient(api_url=fake.url, corp_id=CORP_ID, secret="wrong", agent_id=AGENT_ID)
    try:
        with pytest.raises(WeComError) as error:
            await client.send_text(Audience(users=("u1",)), "一")
    finally:
        await client.close()
    assert error.value.errcode == 40001 and "wrong" not in str(error.value)


async def test_media_download_upload_and_image_message(fake: FakeWeCom, client: WeComClient) -> None:
    media_id = fake.add_media(PNG, "image/png")
    assert await client.download_media(media_id) == PNG
    with pytest.raises(WeComError):
        await client.download_media("no-such-media")
    fake.expire_tokens()
    assert await client.download_media(media_id) == PNG  # refreshed once
    uploaded = await client.upload_media("image", PNG, "scene.png", "image/png")
    await client.send_image(Audience(users=("u1",)), uploaded)
    assert fake.uploads == [("image", PNG)]
    assert fake.sent[-1].msgtype == "image" and fake.sent[-1].content == {"media_id": uploaded}


async def test_member_limit_asks_the_outbox_to_wait_and_nothing_is_dropped(
    fake: FakeWeCom, client: WeComClient, tasks: CardTasks
) -> None:
    fake.member_limits = ((3, 1.0),)
    limits = SendLimits(member=(RateLimitItemPerSecond(3, 1),))
    sender = WeComSender(client, robot_keys={}, limits=limits, tasks=tasks)
    for n in range(3):
        await sender.send(message(n + 1, "u1", {"text": f"第{n}条", "buttons": []}))
    with pytest.raises(RetryLater) as later:
        await sender.send(message(4, "u1", {"text": "第4条", "buttons": []}))
    assert 0 < later.value.seconds <= 1.0
    await sender.send(message(5, "u2", {"text": "别人不受影响", "buttons": []}))
    await asyncio.sleep(later.value.seconds + 0.05)
    await sender.send(message(4, "u1", {"text": "第4条", "buttons": []}))
    assert fake.dropped == [] and len(fake.sent) == 5


async def test_the_fake_drops_what_an_unlimited_sender_sends(fake: FakeWeCom, client: WeComClient) -> None:
    fake.member_limits = ((3, 60.0),)
    for n in range(4):
        await client.send_text(Audience(users=("u1",)), f"{n}")
    assert len(fake.dropped) == 1  # WeCom would have lost it silently: this is what SendLimits prevents


async def test_robot_limit_and_masked_phones(fake: FakeWeCom, client: WeComClient, tasks: CardTasks) -> None:
    limits = SendLimits(robot=(RateLimitItemPerSecond(2, 1),))
    sender = WeComSender(client, robot_keys={"engineering": "robot-key-engineering"}, limits=limits, tasks=tasks)
    card = {"text": "【报修】W1\n电话：138****5678\n内容：漏水 13812345678", "buttons": []}
    for n in range(2):
        ref = await sender.send(message(n + 1, "robot:engineering", card, kind="ticket_card"))
        assert json.loads(ref or "{}") == {"robot": True}
    with pytest.raises(RetryLater):
        await sender.send(message(3, "robot:engineering", card, kind="ticket_card"))
    assert fake.refused == []
    assert all("13812345678" not in post["text"]["content"] for post in fake.robot_posts)
    with pytest.raises(PermanentFailure):
        await sender.send(message(4, "robot:security", card, kind="ticket_card"))
    with pytest.raises(PermanentFailure):
        await sender.send(message(5, "bad target:x", card))


async def test_a_card_update_without_a_usable_code_sends_the_card_again(
    fake: FakeWeCom, client: WeComClient, tasks: CardTasks
) -> None:
    sender = WeComSender(client, robot_keys={}, tasks=tasks)
    buttons = [[{"label": "接单", "payload": "staff:accept:1"}, {"label": "转派", "payload": "staff:reassign:1"}]]
    ref = await sender.send(message(1, "party:2", {"text": "【报修】W1\n内容：漏水", "buttons": buttons}))
    first = json.loads(ref or "{}")
    assert set(first) == {"task"} and len(ref or "") <= 128  # fits outbox.external_ref; the code is kept apart
    edit = {"text": "【报修】W1\n状态：已接单", "buttons": [], "edit_of": "card:1", "edit_ref": ref}
    await sender.send(message(2, "party:2", edit, kind="card_update"))
    assert fake.updates[-1]["response_code"] == fake.sent[0].response_code  # the code from sending, used once
    await sender.send(message(3, "party:2", edit | {"text": "【报修】W1\n状态：已完成"}, kind="card_update"))
    assert len(fake.updates) == 1  # the used code is not tried again
    assert fake.sent[-1].msgtype == "text" and fake.sent[-1].content["content"].endswith("状态：已完成")
    # after a click WeCom gives a fresh code, and the card is updated in place again
    await sender.tasks.offer(first["task"], fake.click_code(first["task"]))
    await sender.send(message(4, "party:2", edit | {"buttons": buttons}, kind="card_update"))
    assert len(fake.updates) == 2 and fake.updates[-1]["template_card"]["task_id"] == first["task"]


async def test_codes_survive_a_restart_and_an_expired_one_is_not_used(
    fake: FakeWeCom, client: WeComClient, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    buttons = [[{"label": "接单", "payload": "staff:accept:1"}]]
    before = WeComSender(client, robot_keys={}, tasks=CardTasks(sessions, clock))
    ref = await before.send(message(1, "party:2", {"text": "W1", "buttons": buttons}))
    task = json.loads(ref or "{}")["task"]
    await before.tasks.offer(task, fake.click_code(task))  # a click before the restart
    restarted = WeComSender(client, robot_keys={}, tasks=CardTasks(sessions, clock))  # a new process
    edit = {"text": "W1\n状态：已接单", "buttons": buttons, "edit_of": "card:1", "edit_ref": ref}
    await restarted.send(message(2, "party:2", edit, kind="card_update"))  # the click's code, kept in the database
    assert len(fake.updates) == 1 and fake.updates[-1]["template_card"]["task_id"] == task
    await restarted.tasks.offer(task, fake.click_code(task))
    clock.advance(hours=72, seconds=1)  # WeCom's 72 hours are over: the code is not even tried
    await restarted.send(message(3, "party:2", edit, kind="card_update"))
    assert len(fake.updates) == 1 and len(fake.cards_to("party:2")) == 2  # a new card instead, no error
    new_task = fake.cards_to("party:2")[-1].content["task_id"]
    again = WeComSender(client, robot_keys={}, tasks=CardTasks(sessions, clock))
    await again.tasks.offer(new_task, fake.click_code(new_task))
    await again.send(message(4, "party:2", edit, kind="card_update"))  # the old ref follows the card to its new task
    assert len(fake.updates) == 2 and fake.updates[-1]["template_card"]["task_id"] == new_task


async def test_a_code_wecom_refuses_falls_back_to_a_new_card(
    fake: FakeWeCom, client: WeComClient, tasks: CardTasks
) -> None:
    sender = WeComSender(client, robot_keys={}, tasks=tasks)
    buttons = [[{"label": "确认", "payload": "confirm"}]]
    ref = await sender.send(message(1, "yezhu", {"text": "请确认", "buttons": buttons}))
    task = json.loads(ref or "{}")["task"]
    await tasks.offer(task, "RC-already-used-elsewhere")  # e.g. spent by another process: WeCom refuses it
    edit = {"text": "请确认\n已确认", "buttons": [], "edit_of": "card:1", "edit_ref": ref}
    new_ref = await sender.send(message(2, "yezhu", edit, kind="card_update"))
    assert fake.updates == [] and fake.sent[-1].msgtype == "text" and new_ref is not None


async def test_a_card_sent_before_codes_were_kept_uses_its_ref_code_once(
    fake: FakeWeCom, client: WeComClient, tasks: CardTasks
) -> None:
    task = "wy1-0-old"
    _, code = await client.send_template_card(
        Audience(parties=("2",)),
        {
            "card_type": "button_interaction",
            "task_id": task,
            "main_title": {"title": "W1"},
            "button_list": [{"text": "接单", "key": "staff:accept:1", "style": 1}],
        },
    )
    old_ref = json.dumps({"code": code, "msgid": "msg1", "task": task})
    sender = WeComSender(client, robot_keys={}, tasks=tasks)
    edit = {"text": "W1\n状态：已接单", "buttons": [], "edit_of": "card:1", "edit_ref": old_ref}
    await sender.send(message(2, "party:2", edit, kind="card_update"))
    assert [u["response_code"] for u in fake.updates] == [code]


async def test_long_text_and_many_buttons_are_split(fake: FakeWeCom, client: WeComClient, tasks: CardTasks) -> None:
    sender = WeComSender(client, robot_keys={}, tasks=tasks)
    buttons = [[{"label": f"选项{n}", "payload": f"pick:{n}"} for n in range(8)]]
    await sender.send(message(1, "u1", {"text": "请选择\n" + "很长的说明。" * 500, "buttons": buttons}))
    kinds = [s.msgtype for s in fake.sent]
    assert kinds[-2:] == ["template_card", "template_card"] and kinds.count("text") >= 2
    assert all(len(s.content["content"].encode()) <= 2048 for s in fake.sent if s.msgtype == "text")
    assert [len(s.content["button_list"]) for s in fake.sent if s.msgtype == "template_card"] == [6, 2]
