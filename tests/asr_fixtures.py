"""Speech-to-text fixtures shared by the asr, dialogs, WeCom and web chat tests: the shared Vosk model, loaded
once per test session, and the reference clip converted to each channel's audio format."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

import pytest

from bot.asr import Transcriber, VoskEngine
from bot.asr.audio import decode, encode

ROOT: Final = Path(__file__).resolve().parents[1]
MODEL_DIR: Final = ROOT.parent / "shared" / "models" / "vosk-model-small-cn-0.22"
AUDIO_DIR: Final = ROOT.parent / "shared" / "data" / "audio"
#: The aishell clip and its reference transcript (shared/data/audio/README.md).
AISHELL: Final = AUDIO_DIR / "wenet_aishell-BAC009S0724W0121.wav"
AISHELL_TEXT: Final = "广州市房地产中介协会分析"
LONG_CLIP: Final = AUDIO_DIR / "wenet_gpu_long.wav"


@cache
def aishell(fmt: str) -> bytes:
    """The aishell clip as a WAV, OGG/Opus (Telegram), AMR-NB (WeCom) or WebM/Opus (a browser) file."""
    wav = AISHELL.read_bytes()
    if fmt == "wav":
        return wav
    pcm = decode(wav, max_seconds=60)
    if fmt == "ogg":
        return encode(pcm, container="ogg", codec="libopus", rate=48_000)
    if fmt == "amr":
        return encode(pcm, container="amr", codec="libopencore_amrnb", rate=8_000, bit_rate=12_200)
    if fmt == "webm":
        return encode(pcm, container="webm", codec="libopus", rate=48_000)
    raise ValueError(fmt)


@pytest.fixture(scope="session")
def vosk_engine() -> VoskEngine:
    """The Vosk engine on the shared model, loaded once for the whole session."""
    if not (MODEL_DIR / "am").is_dir():
        pytest.fail(f"the shared Vosk model is missing at {MODEL_DIR}")
    engine = VoskEngine(MODEL_DIR)
    engine.load()
    return engine


@pytest.fixture
async def transcriber(vosk_engine: VoskEngine):  # type: ignore[no-untyped-def]
    """A Transcriber over the session's Vosk engine (its pool lives for one test)."""
    transcriber = Transcriber(vosk_engine, max_seconds=60, workers=1)
    try:
        yield transcriber
    finally:
        await transcriber.close()
