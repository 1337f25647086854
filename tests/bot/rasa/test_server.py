"""The HTTP protocol of `wuye actions`, as rasa-sdk 3.21's rasa_sdk/endpoint.py defines it."""

from __future__ import annotations

import json
import zlib

from aiohttp.test_utils import TestClient

from bot.rasa import ACTION_CLASSES
from tests.bot.rasa._wire import action_call

ALL_ACTIONS = [
    "validate_repair_form",
    "validate_complaint_form",
    "action_submit_repair",
    "action_submit_complaint",
    "action_ticket_status",
    "action_record_survey",
]


async def test_health(client: TestClient) -> None:
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_actions_lists_every_registered_action(client: TestClient) -> None:
    response = await client.get("/actions")
    assert response.status == 200
    assert await response.json() == [{"name": name} for name in ALL_ACTIONS]
    assert len(ACTION_CLASSES) == len(ALL_ACTIONS)


async def test_unknown_action_is_404_with_the_action_name(client: TestClient) -> None:
    response = await client.post("/webhook", json=action_call("action_does_not_exist"))
    assert response.status == 404
    assert await response.json() == {
        "error": "No registered action found for name 'action_does_not_exist'.",
        "action_name": "action_does_not_exist",
    }


async def test_submit_without_a_description_is_rejected_with_400(client: TestClient) -> None:
    response = await client.post("/webhook", json=action_call("action_submit_repair", slots={"room": "3-2-502"}))
    assert response.status == 400
    body = await response.json()
    assert body["action_name"] == "action_submit_repair" and "description" in body["error"]


async def test_a_call_without_domain_or_digest_is_449_so_rasa_resends_it_with_the_domain(client: TestClient) -> None:
    response = await client.post("/webhook", json=action_call("action_ticket_status", domain=None))
    assert response.status == 449
    assert (await response.json())["action_name"] == "action_ticket_status"


async def test_a_body_that_is_not_json_is_400(client: TestClient) -> None:
    response = await client.post("/webhook", data=b"not json", headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert await response.json() == {"error": "Invalid body request"}


async def test_a_deflated_body_is_accepted(client: TestClient) -> None:
    """Rasa's `compress: true` action endpoint sends the body zlib-deflated."""
    body = zlib.compress(json.dumps(action_call("action_ticket_status")).encode())
    response = await client.post(
        "/webhook", data=body, headers={"Content-Type": "application/json", "Content-Encoding": "deflate"}
    )
    assert response.status == 200
    assert (await response.json())["responses"][0]["text"] == "您目前没有正在处理的工单。"
