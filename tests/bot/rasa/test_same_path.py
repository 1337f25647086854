"""One code path: the same request through the built-in dialog and through Rasa makes the same ticket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

import nlu
from storage.db import Database
from storage.tickets.models import Ticket
from tests.bot.rasa._wire import action_call, texts
from tests.dialogs.conftest import Chat

#: What a ticket promises and who owns it: everything but its identity and its channel.
SAME = (
    "type",
    "category",
    "urgency",
    "department",
    "complaint_tier",
    "room_id",
    "contact_phone",
    "respond_due_at",
    "arrive_due_at",
    "resolve_due_at",
    "status",
)


def promise(ticket: Ticket) -> dict[str, Any]:
    return {name: getattr(ticket, name) for name in SAME}


async def ticket_numbered(db: Database, number: str) -> Ticket:
    async with db.sessions() as session:
        return await session.scalar(select(Ticket).where(Ticket.number == number))  # type: ignore[return-value]


@pytest.mark.parametrize(
    "description",
    ["卫生间水管爆了，水流了一地", "客厅的灯不亮了"],
    ids=["urgent-repair", "normal-repair"],
)
async def test_a_repair_gets_the_same_deadlines_and_department(
    client: TestClient, db: Database, new_chat: Callable[[str], Chat], description: str
) -> None:
    chat = new_chat("built-in")
    await chat.send(description)
    await chat.send("3栋2单元502")
    await chat.send("13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")
    built_in_sentence = chat.text
    assert chat.result is not None and chat.result.ticket_id is not None

    slots = {"description": description, "room": "3-2-502", "phone": "13812345678"}
    response = await client.post("/webhook", json=action_call("action_submit_repair", sender="via-rasa", slots=slots))
    result = await response.json()

    async with db.sessions() as session:
        built_in = await session.get(Ticket, chat.result.ticket_id)
    [rasa_sentence] = texts(result)
    via_rasa = await ticket_numbered(db, rasa_sentence.rsplit("单号 ", 1)[1].rstrip("。"))
    assert built_in is not None and via_rasa is not None
    assert (built_in.channel, via_rasa.channel) == ("webchat", "rasa")
    assert promise(via_rasa) == promise(built_in)
    assert rasa_sentence.replace(via_rasa.number, "N") == built_in_sentence.replace(built_in.number, "N")


async def test_a_complaint_gets_the_same_tier_owner_and_deadline(
    client: TestClient, db: Database, new_chat: Callable[[str], Chat]
) -> None:
    description = "维修工小张态度太差了，昨天来修的时候还骂人，我要求道歉"
    chat = new_chat("built-in")
    await chat.send(description)
    await chat.send("在我家门口")
    await chat.send("3-2-502")
    await chat.send("13812345678")
    await chat.press("确认提交")
    assert chat.result is not None and chat.result.ticket_id is not None
    built_in_sentence = chat.text.splitlines()[-1]

    when = nlu.parse(description).times[0].text
    slots = {
        "description": description,
        "complaint_target": "维修工小张",
        "complaint_when": when,
        "complaint_where": "在我家门口",
        "complaint_demand": "道歉",
        "room": "3-2-502",
        "phone": "13812345678",
    }
    response = await client.post(
        "/webhook", json=action_call("action_submit_complaint", sender="via-rasa", slots=slots)
    )
    [rasa_sentence] = texts(await response.json())

    async with db.sessions() as session:
        built_in = await session.get(Ticket, chat.result.ticket_id)
    via_rasa = await ticket_numbered(db, rasa_sentence.rsplit("单号 ", 1)[1].rstrip("。"))
    assert built_in is not None and via_rasa is not None
    assert promise(via_rasa) == promise(built_in)
    assert (via_rasa.description, via_rasa.complaint_target, via_rasa.complaint_demand) == (
        built_in.description,
        built_in.complaint_target,
        built_in.complaint_demand,
    )
    assert rasa_sentence.replace(via_rasa.number, "N") == built_in_sentence.replace(built_in.number, "N")
