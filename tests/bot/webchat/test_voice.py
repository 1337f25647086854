"""Voice notes in the web chat end to end: a browser recording (WebM/Opus, as MediaRecorder makes it) is posted
to /webchat/voice, heard by Vosk, read back, and becomes a confirmed ticket with the recording attached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import ClientResponse, FormData, web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.asr import Transcriber
from bot.asr import install as install_asr
from bot.config import Settings
from bot.http import create_app
from bot.service import install_outbox_worker
from bot.webchat import install
from bot.webchat.routes import MAX_VOICE_BYTES
from storage.attachments.models import Attachment
from storage.clock import FrozenClock
from storage.tickets.models import Ticket
from tests.asr_fixtures import AISHELL_TEXT, aishell, transcriber, vosk_engine
from tests.bot.webchat.conftest import Resident, all_sent

__all__ = ["transcriber", "vosk_engine"]


@pytest.fixture
async def app(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, transcriber: Transcriber
) -> web.Application:
    settings = Settings(database_url="sqlite+aiosqlite:///unused.db", data_dir=tmp_path / "data")
    plugins = [lambda app: install_asr(app, transcriber=transcriber), install, install_outbox_worker]
    return create_app(settings, clock=clock, sessionmaker=sessions, plugins=plugins)


async def record(resident: Resident, data: bytes, message_id: str = "v1") -> ClientResponse:
    form = FormData()
    form.add_field("voice", data, filename="voice", content_type="audio/webm;codecs=opus")
    async with resident.http.post(f"/webchat/voice?id={message_id}", data=form) as response:
        await response.read()
        return response


async def test_first_voice_note_becomes_a_ticket_in_three_actions(
    browser: Callable[[], Awaitable[Resident]], sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    resident = await browser()
    form = FormData()
    form.add_field("voice", aishell("webm"), filename="voice", content_type="audio/webm;codecs=opus")
    async with resident.http.post("/webchat/voice?id=v1", data=form) as response:
        assert response.status == 202
        voice = (await response.json())["voice"]  # the page shows what was heard, with a player
    assert voice["text"] == AISHELL_TEXT and voice["url"].startswith("/webchat/recordings/")
    await all_sent(sessions)
    said = await resident.text()
    assert said == f"您说的是：{AISHELL_TEXT}，对吗？" and resident.seen[-1]["large"]
    clock.advance(seconds=30)
    await resident.press("对")  # 1
    await all_sent(sessions)
    assert "房号" in await resident.text()
    clock.advance(seconds=30)
    await resident.say("3-2-502")  # 2
    await all_sent(sessions)
    await resident.text()
    clock.advance(seconds=30)
    await resident.say("13812345678")  # 3
    await all_sent(sessions)
    done = await resident.text()
    async with sessions() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None
        voices = list(await session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)))
    assert ticket.number in done and ticket.description == AISHELL_TEXT
    assert [(v.kind, v.mime) for v in voices] == [("voice", "audio/ogg")]  # the WebM recording kept as OGG/Opus

    # After a reload the conversation starts with the voice note: its transcript and a player.
    async with resident.http.get("/webchat/history") as response:
        entries = (await response.json())["messages"]
    assert entries[0] == {"who": "me", "text": AISHELL_TEXT, "voice": voice["url"]}
    assert [(e["who"], e["text"]) for e in entries if e["who"] == "me"][1:] == [
        ("me", "对"),
        ("me", "3-2-502"),
        ("me", "13812345678"),
    ]
    async with resident.http.get(voice["url"]) as response:  # OGG/Opus is played as WAV (Safari cannot play OGG)
        assert response.status == 200 and response.content_type == "audio/wav"
        assert (await response.read())[:4] == b"RIFF"
    stranger = await browser()
    await stranger.open_page()
    async with stranger.http.get(voice["url"]) as response:
        assert response.status == 404


async def test_broken_and_oversized_recordings(
    browser: Callable[[], Awaitable[Resident]], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = await browser()
    assert (await record(resident, b"\x1a\x45\xdf\xa3" + bytes(500))).status == 202
    await all_sent(sessions)
    assert "没能打开" in await resident.text()
    assert (await record(resident, b"x" * (MAX_VOICE_BYTES + 1), "v2")).status == 413
    async with resident.http.post("/webchat/voice?id=v3", data=b"not multipart") as response:
        assert response.status == 400


async def test_without_speech_to_text_the_reply_is_polite(
    tmp_path: Path,
    sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    from aiohttp import ClientSession, CookieJar
    from aiohttp.test_utils import TestServer

    settings = Settings(database_url="sqlite+aiosqlite:///unused.db", data_dir=tmp_path / "data", asr_engine="off")
    app = create_app(
        settings, clock=clock, sessionmaker=sessions, plugins=[install_asr, install, install_outbox_worker]
    )
    server = TestServer(app)
    await server.start_server()
    try:
        async with ClientSession(base_url=server.make_url("/"), cookie_jar=CookieJar(unsafe=True)) as http:
            resident = Resident(http)
            assert (await record(resident, aishell("ogg"))).status == 202
            await all_sent(sessions)
            said = await resident.text()
    finally:
        await server.close()
    assert "打字" in said and resident.seen[-1]["buttons"]
