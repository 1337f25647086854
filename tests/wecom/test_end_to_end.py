"""End to end through WeCom: the fake WeCom calls our real app (encrypted, signed callbacks), the real dialogs
and SQLite handle them, the real outbox worker sends through the fake's API."""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy import func, select

from storage.attachments.models import Attachment
from storage.inbound.models import InboundMessage
from storage.tickets.models import Ticket
from tests.wecom.conftest import TECHNICIAN, World, outbox, settled
from tests.wecom.fake_wecom import Sent, robot_image

RESIDENT = "yezhu-01"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(200)
AMR = b"#!AMR\n" + bytes(64)


def last_card(world: World, target: str) -> Sent:
    cards = world.fake.cards_to(target)
    assert cards, f"no card to {target}"
    return cards[-1]


def texts_to(world: World, user: str) -> list[str]:
    return [s.content["content"] for s in world.fake.sent if s.msgtype == "text" and s.to.get("touser") == user]


async def ticket(world: World) -> Ticket:
    async with world.sessions() as session:
        found = await session.scalar(select(Ticket))
        assert found is not None
        return found


async def count(world: World, model: type) -> int:
    async with world.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_leak_with_a_photo_is_reported_worked_and_closed_through_wecom(world: World) -> None:
    wecom, fake = world.wecom, world.fake
    assert await wecom.text(RESIDENT, "卫生间马桶漏水 3-2-502 13812345678") == [200]
    await settled(world)
    assert await wecom.image(RESIDENT, JPEG) == [200]
    await settled(world)
    photo_card = last_card(world, f"user:{RESIDENT}")
    await wecom.click(RESIDENT, photo_card, "照片发完了")
    await settled(world)
    await wecom.click(RESIDENT, last_card(world, f"user:{RESIDENT}"), "确认提交")
    await settled(world)

    found = await ticket(world)
    assert found.status == "new" and found.department == "engineering"
    async with world.sessions() as session:
        photos = list(await session.scalars(select(Attachment).where(Attachment.ticket_id == found.id)))
    assert [p.kind for p in photos] == ["photo"]

    # The engineering group's robot posts the card, phone masked; the department gets the button card.
    [post] = [p for p in fake.robot_posts if found.number in p.get("text", {}).get("content", "")]
    assert post["robot"] == "engineering" and post["text"]["mentioned_list"] == ["@all"]
    assert "138****5678" in post["text"]["content"] and "13812345678" not in post["text"]["content"]
    card = last_card(world, "party:2")
    assert [b["text"] for b in card.content["button_list"]] == ["接单", "转派"]
    assert "13812345678" not in json_text(card)
    # the resident's photo comes with the card: base64 + md5 to the robot, uploaded media to the department
    [image] = [p for p in fake.robot_posts if p["msgtype"] == "image"]
    assert robot_image(image) == JPEG and image["image"]["md5"] == hashlib.md5(JPEG).hexdigest()
    assert fake.robot_posts.index(image) == fake.robot_posts.index(post) - 1
    [shown] = [s for s in fake.sent if s.msgtype == "image" and s.to.get("toparty") == "2"]
    assert fake.media[shown.content["media_id"]][0] == JPEG and fake.uploads == [("image", JPEG)]
    assert fake.sent.index(shown) == fake.sent.index(card) - 1

    await wecom.click(TECHNICIAN, card, "接单")
    await settled(world)
    assert (await ticket(world)).status == "accepted"
    accepted = fake.updates[-1]
    assert accepted["atall"] == 1 and accepted["partyids"] == [2]
    assert [b["text"] for b in accepted["template_card"]["button_list"]] == ["已到场", "已完成", "会晚到", "退回"]
    assert any(found.number in text for text in texts_to(world, TECHNICIAN))  # the clicker's answer
    assert any("接单" in text for text in texts_to(world, RESIDENT))  # the resident's progress message
    follow_up = fake.robot_posts[-1]
    assert follow_up["msgtype"] == "markdown" and found.number in follow_up["markdown"]["content"]

    updated = Sent(card.to, "template_card", accepted["template_card"], card.msgid)
    await wecom.click(TECHNICIAN, updated, "已到场")
    await settled(world)
    updated = Sent(card.to, "template_card", fake.updates[-1]["template_card"], card.msgid)
    await wecom.click(TECHNICIAN, updated, "已完成")
    await settled(world)
    assert (await ticket(world)).status == "resolved"
    assert fake.updates[-1]["template_card"]["button_list"] == []  # nothing left to press

    await wecom.click(RESIDENT, last_card(world, f"user:{RESIDENT}"), "确认完成")
    await settled(world)
    assert (await ticket(world)).status == "closed"
    assert fake.dropped == [] and fake.refused == []
    assert fake.token_calls == 1  # one token for the whole conversation


async def test_a_retried_callback_creates_nothing_twice(world: World) -> None:
    """Our answer comes late (a slow network): WeCom gives up after its timeout and delivers again."""
    # The held answer comes well after WeCom's timeout, and the timeout leaves a loaded CI machine room to
    # answer the retry (a 0.3 s timeout once timed out a plain duplicate click and failed CI).
    world.network.delay, world.network.times = 2.5, 1
    world.wecom.timeout = 1.0
    statuses = await world.wecom.text(RESIDENT, "卫生间马桶漏水 3-2-502 13812345678")
    assert statuses[0] is None and statuses[-1] == 200 and len(statuses) >= 2
    world.wecom.timeout = 5.0  # WeCom's own: the duplicate click below is about deduplication, not timing
    rows = await settled(world)
    assert await count(world, InboundMessage) == 1
    assert len([row for row in rows if row.recipient == RESIDENT]) == 1
    # and the same event (a click) delivered twice is handled once
    card = last_card(world, f"user:{RESIDENT}")
    fields = world.wecom.base(RESIDENT, "event") | {
        "Event": "template_card_event",
        "EventKey": card.content["button_list"][0]["key"],
        "TaskId": card.content["task_id"],
        "CardType": "button_interaction",
        "ResponseCode": world.fake.click_code(card.content["task_id"]),
    }
    assert await world.wecom.post(fields) == [200]
    await settled(world)
    assert await world.wecom.post(fields) == [200]
    await settled(world)
    assert await count(world, InboundMessage) == 2


async def test_voice_is_stored_and_location_becomes_text(world: World) -> None:
    await world.wecom.voice(RESIDENT, AMR)
    await settled(world)
    async with world.sessions() as session:
        voices = list(await session.scalars(select(Attachment).where(Attachment.kind == "voice")))
    assert len(voices) == 1 and voices[0].uploaded_by_resident_id is not None
    assert texts_to(world, RESIDENT) or world.fake.cards_to(f"user:{RESIDENT}")  # the polite voice reply
    await world.wecom.location(RESIDENT, "演示小区3栋")
    await settled(world)
    async with world.sessions() as session:
        logged = list(await session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
    assert logged[-1].payload["text"] == "演示小区3栋"


def json_text(card: Sent) -> str:
    import json

    return json.dumps(card.content, ensure_ascii=False)


async def test_rows_of_the_outbox_name_the_wecom_group(world: World) -> None:
    await world.wecom.text(RESIDENT, "卫生间马桶漏水 3-2-502 13812345678")
    await settled(world)
    assert all(row.channel == "wecom" for row in await outbox(world.sessions))


async def test_the_answer_comes_at_once_and_shutdown_waits_for_the_handling(world: World) -> None:
    world.fake.media_delay = 1.0
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await world.wecom.image(RESIDENT, JPEG) == [200]
    assert loop.time() - started < 0.8  # acknowledged before the download finished
    await world.server.close()  # shutdown: waits for the callback being handled
    async with world.sessions() as session:
        photos = list(await session.scalars(select(Attachment).where(Attachment.kind == "photo")))
    assert len(photos) == 1
