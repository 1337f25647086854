"""/wecom/callback refuses what it cannot trust or read, logs why without the body, and stores nothing."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import quote

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.wecom.crypto import signature
from storage.inbound.models import InboundMessage
from storage.outbox import OutboxMessage
from tests.wecom.conftest import World, settled
from tests.wecom.fake_wecom import TOKEN

SECRET_WORDS = "卫生间马桶漏水 13812345678"


async def stored(world: World) -> tuple[int, int]:
    async with world.sessions() as session:
        inbound = await session.scalar(select(func.count()).select_from(InboundMessage))
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return int(inbound or 0), int(outbox or 0)


def text_fields(world: World) -> dict[str, str]:
    return world.wecom.base("yezhu-02", "text") | {"Content": SECRET_WORDS, "MsgId": "123456789"}


async def test_url_verification_answers_the_echostr(world: World) -> None:
    echostr = world.fake.crypto.encrypt(b"5927782489442352469")
    timestamp = str(int(world.wecom.now().timestamp()))
    query = {"msg_signature": signature(TOKEN, timestamp, "n1", echostr), "timestamp": timestamp, "nonce": "n1"}
    url = world.wecom.url + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    async with aiohttp.ClientSession() as http:
        async with http.get(url + "&echostr=" + quote(echostr, safe="")) as response:
            assert response.status == 200 and await response.text() == "5927782489442352469"
        wrong = url.replace("nonce=n1", "nonce=n2")
        async with http.get(wrong + "&echostr=" + quote(echostr, safe="")) as response:
            assert response.status == 403


@pytest.mark.parametrize(
    ("override", "status", "reason"),
    [
        ({"msg_signature": "0" * 40}, 403, "bad signature"),
        ({"to": "ww-another-corp"}, 403, "wrong corp id"),
        ({"timestamp": "STALE"}, 403, "timestamp"),
    ],
)
async def test_untrusted_callbacks_are_refused_and_nothing_is_stored(
    world: World, caplog: pytest.LogCaptureFixture, override: dict[str, str], status: int, reason: str
) -> None:
    if override.get("timestamp") == "STALE":
        override = {"timestamp": str(int((world.wecom.now() - timedelta(seconds=301)).timestamp()))}
    with caplog.at_level(logging.WARNING, logger="bot.wecom"):
        assert await world.wecom.post(text_fields(world), **override) == [status]
    await settled(world)
    assert await stored(world) == (0, 0)
    assert reason in caplog.text and "13812345678" not in caplog.text and "Encrypt" not in caplog.text


async def test_a_message_encrypted_for_another_corp_is_refused(world: World) -> None:
    from bot.wecom.crypto import WeComCrypto
    from tests.wecom.fake_wecom import AES_KEY

    world.fake.crypto = WeComCrypto(TOKEN, AES_KEY, "ww-another-corp")
    assert await world.wecom.post(text_fields(world)) == [403]
    assert await stored(world) == (0, 0)


async def test_oversized_and_malformed_bodies_are_refused(world: World, caplog: pytest.LogCaptureFixture) -> None:
    query, body = world.wecom.envelope(text_fields(world))
    with caplog.at_level(logging.WARNING, logger="bot.wecom"):
        assert await world.wecom.post_raw(query, body + b" " * (64 * 1024)) == [413]
        assert await world.wecom.post_raw(query, b"<xml><Encrypt>abc</Encrypt") == [400]
        bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><ToUserName>&a;</ToUserName></xml>'
        assert await world.wecom.post_raw(query, bomb) == [400]
    assert await stored(world) == (0, 0)
    assert "Encrypt" not in caplog.text and "ENTITY" not in caplog.text


async def test_a_good_callback_is_acknowledged_with_an_empty_body(world: World) -> None:
    query, body = world.wecom.envelope(text_fields(world))
    async with aiohttp.ClientSession() as http, http.post(world.wecom.url, params=query, data=body) as response:
        assert response.status == 200 and await response.read() == b""
    await settled(world)
    assert (await stored(world))[0] == 1
