"""The HTTP engine against an OpenAI-compatible speech service over real HTTP with real multipart."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.asr import EngineFailed, EngineUnavailable, HttpEngine, Transcriber, VoskEngine, engine_for
from bot.config import Settings
from tests.asr_fixtures import AISHELL_TEXT, aishell
from tests.bot.asr.fake_speech import FakeSpeechService


@pytest.fixture
async def service(vosk_engine: VoskEngine) -> AsyncIterator[FakeSpeechService]:
    fake = FakeSpeechService(vosk_engine)
    await fake.server.start_server()
    try:
        yield fake
    finally:
        await fake.server.close()


@pytest.mark.parametrize("fmt", ["wav", "ogg", "amr"])
async def test_clip_heard_through_the_speech_service(service: FakeSpeechService, fmt: str) -> None:
    settings = Settings(asr_engine="http", asr_url=service.url)
    transcriber = Transcriber.from_settings(settings)
    try:
        assert isinstance(transcriber.engine, HttpEngine)
        heard = await transcriber.transcribe(aishell(fmt))
    finally:
        await transcriber.close()
    assert heard.text == AISHELL_TEXT
    sent = service.requests[-1]
    assert sent["file"][:2] == ("voice.wav", "audio/wav")
    assert sent["model"] and sent["language"] == "zh" and sent["response_format"] == "json"


async def test_full_endpoint_url_is_used_as_is(service: FakeSpeechService) -> None:
    engine = HttpEngine(service.url.rstrip("/") + "/v1/audio/transcriptions", timeout=10)
    assert engine.url.count("/v1/audio/transcriptions") == 1
    await engine.close()


async def test_service_errors_are_engine_failures(service: FakeSpeechService) -> None:
    transcriber = Transcriber(HttpEngine(service.url, timeout=10), max_seconds=60)
    try:
        service.status = 503
        with pytest.raises(EngineFailed, match="503"):
            await transcriber.transcribe(aishell("wav"))
        service.status, service.reply = 200, '{"result": "no text field"}'
        with pytest.raises(EngineFailed, match="no text"):
            await transcriber.transcribe(aishell("wav"))
    finally:
        await transcriber.close()


async def test_unreachable_service_is_unavailable(unused_tcp_port: int) -> None:
    transcriber = Transcriber(HttpEngine(f"http://127.0.0.1:{unused_tcp_port}", timeout=5), max_seconds=60)
    try:
        with pytest.raises(EngineUnavailable, match="unreachable"):
            await transcriber.transcribe(aishell("wav"))
    finally:
        await transcriber.close()


def test_settings_choose_the_engine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert engine_for(Settings(asr_engine="off")).name == "off"
    assert engine_for(Settings(asr_engine="http")).name == "off"  # no URL: nothing to call
    vosk = engine_for(Settings(vosk_model=tmp_path / "m"))
    assert isinstance(vosk, VoskEngine) and vosk.model_dir == tmp_path / "m"
