"""Voice note bytes → words, off the event loop: decode and recognise in a bounded worker pool."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

from bot.asr.audio import AudioTooLong, decode, seconds_of, to_ogg_opus
from bot.asr.engines import Engine, EngineUnavailable, HttpEngine, NoEngine, VoskEngine
from bot.config import Settings
from nlu.normalize import to_simplified

#: Largest voice note accepted before decoding, in bytes (matches storage's voice attachment limit).
MAX_BYTES: Final = 5 * 1024 * 1024
#: Waiting jobs allowed per worker before the next caller waits for a free slot (keeps memory bounded).
QUEUE_PER_WORKER: Final = 4


@dataclass(frozen=True)
class Transcript:
    """What was heard, how long the audio was, and how long recognition took."""

    text: str
    seconds: float
    elapsed: float


def engine_for(settings: Settings) -> Engine:
    """The engine the settings choose (nothing is loaded yet)."""
    if settings.asr_engine == "vosk":
        return VoskEngine(settings.vosk_model_path)
    if settings.asr_engine == "http" and settings.asr_url:
        return HttpEngine(settings.asr_url, timeout=30.0 + 2 * settings.asr_max_seconds)
    return NoEngine()


class Transcriber:
    """One engine, one bounded thread pool, one length limit. Safe to share by every channel of the app."""

    def __init__(self, engine: Engine, *, max_seconds: float, workers: int = 1) -> None:
        self.engine, self.max_seconds, self.workers = engine, max_seconds, workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="asr")
        self._slots = asyncio.Semaphore(workers * QUEUE_PER_WORKER)

    @classmethod
    def from_settings(cls, settings: Settings) -> Transcriber:
        """The transcriber the settings describe."""
        return cls(engine_for(settings), max_seconds=settings.asr_max_seconds, workers=settings.asr_workers)

    @property
    def enabled(self) -> bool:
        """False when speech-to-text is off."""
        return not isinstance(self.engine, NoEngine)

    async def load(self) -> None:
        """Load the model in the pool (raises EngineUnavailable)."""
        await asyncio.get_running_loop().run_in_executor(self._pool, self.engine.load)

    async def transcribe(self, data: bytes) -> Transcript:
        """The words of a voice note in any supported format.

        Raises AudioUnreadable / AudioTooLong (bot.asr.audio), EngineUnavailable or EngineFailed.
        """
        if not self.enabled:
            raise EngineUnavailable("speech-to-text is off")
        if len(data) > MAX_BYTES:
            raise AudioTooLong(None, self.max_seconds)
        loop = asyncio.get_running_loop()
        async with self._slots:
            started = time.perf_counter()
            pcm = await loop.run_in_executor(self._pool, lambda: decode(data, max_seconds=self.max_seconds))
            if self.engine.blocking:
                text = await loop.run_in_executor(self._pool, self.engine.recognize, pcm)
            else:
                text = await self.engine.recognize_async(pcm)
            elapsed = time.perf_counter() - started
        return Transcript(to_simplified(text)[0], seconds_of(pcm), elapsed)

    async def storable(self, data: bytes) -> bytes:
        """A recording re-encoded as OGG/Opus in the pool (a browser's WebM/MP4 recording, kept as a voice note)."""
        loop = asyncio.get_running_loop()
        async with self._slots:
            return await loop.run_in_executor(self._pool, lambda: to_ogg_opus(data, max_seconds=self.max_seconds))

    async def close(self) -> None:
        """Stop the pool and the engine's connections."""
        await self.engine.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
