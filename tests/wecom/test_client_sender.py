"""The WeCom client and sender against the fake WeCom: token caching and refresh, media both ways, limits kept
by asking the outbox to retry later (never dropping), card updates and their fall-back."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import PermanentFailure, RetryLater
from bot.delivery.photos import PhotoSource
from bot.wecom.client import Audience, WeComClient, WeComError
from bot.wecom.limits import SendLimits
from bot.wecom.sender import WeComSender
from bot.wecom.tasks import CardTasks
from storage.attachments.service import add_attachment
from storage.attachments.store import FileStore
from storage.clock import FrozenClock
from storage.outbox import OutboxMessage
from tests.wecom.fake_wecom import AGENT_ID, CORP_ID, SECRET, FakeWeCom, robot_image

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


async def test_more_buttons_than_a_card_holds_continue_on_a_more_choices_card(
    fake: FakeWeCom, client: WeComClient, tasks: CardTasks
) -> None:
    # The main menu has seven keys: the resident reads the text once, on the first card, not as a text and twice
    # more as card titles.
    sender = WeComSender(client, robot_keys={}, tasks=tasks)
    keys = [[{"label": f"选项{n}", "payload": f"menu:{n}"}] for n in range(1, 8)]
    await sender.send(message(1, "u1", {"text": "您好，请问有什么可以帮您？", "buttons": keys}))
    assert [m.msgtype for m in fake.sent] == ["template_card", "template_card"]
    first, more = (m.content for m in fake.sent)
    assert first["main_title"]["title"] == "您好，请问有什么可以帮您？" and len(first["button_list"]) == 6
    assert more["main_title"]["title"] == "更多选项" and [b["key"] for b in more["button_list"]] == ["menu:7"]


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


# --- photos ----------------------------------------------------------------------------------------------------


async def stored_photos(
    sessions: async_sessionmaker[AsyncSession], files: FileStore, clock: FrozenClock, *photos: bytes
) -> list[int]:
    async with sessions.begin() as session:
        return [(await add_attachment(session, files, data=data, now=clock.now())).id for data in photos]


def jpeg(size: int) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + secrets.token_bytes(size - 12)


async def test_photos_go_to_the_robot_as_base64_and_to_the_app_as_uploaded_media(
    fake: FakeWeCom,
    client: WeComClient,
    tasks: CardTasks,
    sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    files = FileStore(tmp_path / "files")
    small, big = PNG, jpeg(3 * 1024 * 1024)  # the big one is over the robot's 2 MB, under the app's 10 MB
    webp = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(40)  # WeCom shows JPG and PNG only
    ids = await stored_photos(sessions, files, clock, small, big, webp)
    sender = WeComSender(
        client, robot_keys={"engineering": "robot-key-engineering"}, tasks=tasks, photos=PhotoSource(sessions, files)
    )
    payload = {"text": "【报修】W1\n现场照片", "buttons": [], "attachment_ids": ids}
    await sender.send(message(1, "robot:engineering,party:2", payload))

    kinds = [post["msgtype"] for post in fake.robot_posts]
    assert kinds == ["image", "text"]  # the photo first, as above a Telegram card; the big one is left out
    image = fake.robot_posts[0]["image"]
    assert robot_image(fake.robot_posts[0]) == small and image["md5"] == hashlib.md5(small).hexdigest()
    assert fake.uploads == [("image", small), ("image", big)]
    assert [s.msgtype for s in fake.sent] == ["image", "image", "text"]
    assert [fake.media[s.content["media_id"]][0] for s in fake.sent[:2]] == [small, big]

    # the same photo later: its media id is used again, not uploaded twice; a card update shows no photos
    await sender.send(message(2, "party:2", {"text": "再看一下", "buttons": [], "attachment_ids": ids[:1]}))
    assert len(fake.uploads) == 2 and fake.sent[-2].msgtype == "image"
    await sender.send(
        message(3, "party:2", {"text": "W1\n已接单", "buttons": [], "edit_of": "c", "attachment_ids": ids})
    )
    assert len(fake.sent) == 6 and fake.sent[-1].msgtype == "text"
    assert fake.refused == [] and fake.dropped == []


async def test_each_photo_counts_against_the_robot_limit(
    fake: FakeWeCom,
    client: WeComClient,
    tasks: CardTasks,
    sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    files = FileStore(tmp_path / "files")
    ids = await stored_photos(sessions, files, clock, PNG, jpeg(2048))
    fake.robot_limit = (3, 60.0)
    limits = SendLimits(robot=(RateLimitItemPerMinute(3),))
    sender = WeComSender(
        client,
        robot_keys={"engineering": "robot-key-engineering"},
        limits=limits,
        tasks=tasks,
        photos=PhotoSource(sessions, files),
    )
    await sender.send(message(1, "robot:engineering", {"text": "W1", "buttons": [], "attachment_ids": ids}))
    with pytest.raises(RetryLater):  # 3 of 3 used: two photos and the text
        await sender.send(message(2, "robot:engineering", {"text": "W2", "buttons": []}))
    assert len(fake.robot_posts) == 3 and fake.refused == []


async def test_the_fake_checks_robot_images_and_uploads(fake: FakeWeCom, client: WeComClient) -> None:
    """What WeCom refuses, the fake refuses too (so the sender's checks are really tested against it)."""
    with pytest.raises(WeComError) as too_big:
        await client.robot_image("robot-key-engineering", jpeg(2 * 1024 * 1024 + 1))
    assert too_big.value.errcode == 40009
    with pytest.raises(WeComError):
        await client.robot_image("robot-key-engineering", b"GIF89a" + bytes(100))
    bad_md5 = {"msgtype": "image", "image": {"base64": base64.b64encode(PNG).decode(), "md5": "0" * 32}}
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{fake.url}/cgi-bin/webhook/send", params={"key": "robot-key-engineering"}, json=bad_md5
        ) as answer:
            assert (await answer.json())["errcode"] != 0
        token = await client.access_token()
        form = aiohttp.FormData()
        form.add_field("file", PNG, filename="x.png", content_type="image/png")  # not the field `media`
        async with http.post(
            f"{fake.url}/cgi-bin/media/upload", params={"access_token": token, "type": "image"}, data=form
        ) as answer:
            assert (await answer.json())["errcode"] == 41001
    with pytest.raises(WeComError):
        await client.send_image(Audience(users=("u1",)), "MEDIA-never-uploaded")
    assert fake.robot_posts == [] and fake.uploads == [] and fake.sent == []
