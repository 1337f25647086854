"""The shared Vosk model hears the aishell clip exactly through every channel's audio format; long, corrupt
and empty files fail with the reason; the worker pool stays bounded."""

from __future__ import annotations

import asyncio

import pytest

from bot.asr import AudioTooLong, AudioUnreadable, EngineUnavailable, NoEngine, Transcriber, VoskEngine
from bot.asr.audio import decode, seconds_of, to_wav
from storage.attachments.sniff import sniff
from tests.asr_fixtures import AISHELL_TEXT, LONG_CLIP, aishell


@pytest.mark.parametrize("fmt", ["wav", "ogg", "amr", "webm"])
async def test_aishell_clip_is_heard_exactly_in_every_format(transcriber: Transcriber, fmt: str) -> None:
    data = aishell(fmt)
    heard = await transcriber.transcribe(data)
    assert heard.text == AISHELL_TEXT
    assert 4.0 < heard.seconds < 4.6


def test_converted_clips_are_what_the_channels_send() -> None:
    assert aishell("ogg").startswith(b"OggS") and sniff(aishell("ogg")).mime == "audio/ogg"  # type: ignore[union-attr]
    assert aishell("amr").startswith(b"#!AMR\n") and sniff(aishell("amr")).mime == "audio/amr"  # type: ignore[union-attr]


def test_decoding_resamples_to_16k_mono() -> None:
    pcm = decode(aishell("amr"), max_seconds=60)  # AMR-NB is 8 kHz
    assert abs(seconds_of(pcm) - 4.28) < 0.1
    assert len(pcm) % 2 == 0


async def test_too_long_audio_is_refused_before_recognition(vosk_engine: VoskEngine) -> None:
    short = Transcriber(vosk_engine, max_seconds=5, workers=1)
    try:
        with pytest.raises(AudioTooLong, match="limit is 5 s"):
            await short.transcribe(LONG_CLIP.read_bytes())
        with pytest.raises(AudioTooLong):  # a file that claims no length is stopped while decoding
            await short.transcribe(to_wav(b"\x01\x00" * 16_000 * 6)[:44] + b"\x01\x00" * 16_000 * 6)
    finally:
        await short.close()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not audio at all" * 100,
        b"OggS" + bytes(400),
        aishell("amr")[:6] + bytes(range(256)) * 4,  # an AMR header over garbage
        aishell("ogg")[: len(aishell("ogg")) // 8],  # cut off
        b"\xff\xd8\xff\xe0" + bytes(200),  # a JPEG header
    ],
)
async def test_corrupt_audio_is_unreadable(transcriber: Transcriber, data: bytes) -> None:
    try:
        heard = await transcriber.transcribe(data)
    except AudioUnreadable:
        return
    assert heard.text == ""  # a truncated file may decode a little silence: never words that were not said


async def test_silence_gives_no_words(transcriber: Transcriber) -> None:
    heard = await transcriber.transcribe(to_wav(b"\x00\x00" * 16_000 * 2))
    assert heard.text == ""


async def test_engine_off_and_missing_model_say_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    off = Transcriber(NoEngine(), max_seconds=60)
    missing = Transcriber(VoskEngine(tmp_path / "nothing"), max_seconds=60)
    try:
        assert not off.enabled
        with pytest.raises(EngineUnavailable, match="off"):
            await off.transcribe(aishell("wav"))
        with pytest.raises(EngineUnavailable, match=r"no Vosk model .*3af8b0e7.*WUYE_VOSK_MODEL"):
            await missing.transcribe(aishell("wav"))
    finally:
        await off.close()
        await missing.close()


async def test_concurrent_voice_notes_share_one_bounded_pool(transcriber: Transcriber) -> None:
    # Two at once is concurrency enough (each recognition is ~2 s; every format is heard on its own above).
    results = await asyncio.gather(*(transcriber.transcribe(aishell(f)) for f in ("ogg", "amr")))
    assert {r.text for r in results} == {AISHELL_TEXT}
    assert transcriber._pool._max_workers == 1


async def test_bench_prints_the_real_time_factor_and_memory(
    vosk_engine: VoskEngine,
    tmp_path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    from bot.asr.bench import main
    from tests.asr_fixtures import AISHELL, MODEL_DIR

    (tmp_path / AISHELL.name).write_bytes(AISHELL.read_bytes())
    await main(tmp_path, MODEL_DIR)
    out = capsys.readouterr().out
    assert out.count(AISHELL_TEXT) == 3 and "RTF" in out and "RSS" in out
