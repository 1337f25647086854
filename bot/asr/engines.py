"""Speech-to-text engines behind one interface: Vosk (offline model) and an OpenAI-compatible HTTP service.

An engine takes 16 kHz mono PCM and returns the words; `Transcriber` decodes the audio and runs engines off
the event loop.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any, Final, Protocol

import aiohttp

from bot.asr.audio import SAMPLE_RATE, to_wav

#: Where the official model comes from, and its archive's checksum (shared/models/README.md).
VOSK_MODEL_NAME: Final = "vosk-model-small-cn-0.22"
VOSK_MODEL_URL: Final = f"https://alphacephei.com/vosk/models/{VOSK_MODEL_NAME}.zip"
VOSK_MODEL_SHA256: Final = "3af8b0e7e0f835ae9d414ce5df580237a3cfb08d586c9fbbb0f7ff29ad5b14ba"
#: The OpenAI-compatible path of a transcription service.
TRANSCRIPTIONS_PATH: Final = "/v1/audio/transcriptions"
#: Spaces Vosk puts between Chinese words.
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) +(?=[\u3400-\u9fff])")


class EngineUnavailable(RuntimeError):
    """The engine cannot run here (no engine configured, model missing, service unreachable)."""


class EngineFailed(RuntimeError):
    """The engine ran but gave no usable answer (a service error, a malformed reply)."""


class Engine(Protocol):
    """One speech-to-text engine."""

    name: str
    #: True when `recognize` is blocking CPU work (run in the worker pool); False when it is a coroutine's I/O.
    blocking: bool

    def describe(self) -> str:
        """One line for `wuye asr check`: what this engine uses."""
        ...

    def load(self) -> None:
        """Load the model or check the configuration; raises EngineUnavailable (blocking; may be slow)."""
        ...

    def recognize(self, pcm: bytes) -> str:
        """Words of 16 kHz mono PCM (blocking engines)."""
        ...

    async def recognize_async(self, pcm: bytes) -> str:
        """Words of 16 kHz mono PCM (non-blocking engines)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def tidy(text: str) -> str:
    """One line of words, no spaces inside Chinese."""
    return _CJK_GAP.sub("", " ".join(text.split()))


class NoEngine:
    """Speech-to-text turned off: every voice note is answered with a request to type."""

    name = "off"
    blocking = False

    def describe(self) -> str:
        return "speech-to-text is off (WUYE_ASR_ENGINE=off)"

    def load(self) -> None:
        raise EngineUnavailable("speech-to-text is off (WUYE_ASR_ENGINE=off)")

    def recognize(self, pcm: bytes) -> str:
        raise EngineUnavailable("speech-to-text is off")

    async def recognize_async(self, pcm: bytes) -> str:
        raise EngineUnavailable("speech-to-text is off")

    async def close(self) -> None:
        return None


_models: dict[Path, Any] = {}
_models_lock = threading.Lock()


def vosk_model(path: Path) -> Any:
    """The Vosk model at `path`, loaded once per process; raises EngineUnavailable with what to do."""
    path = path.resolve()
    with _models_lock:
        if path in _models:
            return _models[path]
        if not (path / "am").is_dir() or not (path / "conf").is_dir():
            raise EngineUnavailable(
                f"no Vosk model at {path}: download {VOSK_MODEL_URL}, check its SHA-256 is {VOSK_MODEL_SHA256}, "
                "unzip it there or set WUYE_VOSK_MODEL to its directory (see README: Voice notes)"
            )
        import vosk

        vosk.SetLogLevel(-1)
        try:
            model = vosk.Model(str(path))
        except Exception as error:  # vosk raises a bare Exception when Kaldi cannot read the files
            raise EngineUnavailable(f"the Vosk model at {path} does not load: {error}") from None
        _models[path] = model
        return model


class VoskEngine:
    """Offline recognition with a Vosk (Kaldi) model; the model is shared by every worker thread."""

    name = "vosk"
    blocking = True

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir

    def describe(self) -> str:
        return f"Vosk model {self.model_dir}"

    def load(self) -> None:
        vosk_model(self.model_dir)

    def recognize(self, pcm: bytes) -> str:
        import vosk

        recognizer = vosk.KaldiRecognizer(vosk_model(self.model_dir), SAMPLE_RATE)
        step = SAMPLE_RATE * 2 * 4  # feed four seconds at a time
        for start in range(0, len(pcm), step):
            recognizer.AcceptWaveform(pcm[start : start + step])
        return tidy(json.loads(recognizer.FinalResult()).get("text", ""))

    async def recognize_async(self, pcm: bytes) -> str:
        raise TypeError("VoskEngine is blocking: call recognize in a worker")

    async def close(self) -> None:
        return None


class HttpEngine:
    """A speech service with the OpenAI-compatible `POST /v1/audio/transcriptions` (whisper.cpp server, FunASR…)."""

    name = "http"
    blocking = False

    def __init__(self, url: str, *, timeout: float, model: str = "whisper-1", language: str = "zh") -> None:
        self.url = url if url.rstrip("/").endswith(TRANSCRIPTIONS_PATH) else url.rstrip("/") + TRANSCRIPTIONS_PATH
        self.timeout, self.model, self.language = timeout, model, language
        self._session: aiohttp.ClientSession | None = None

    def describe(self) -> str:
        return f"speech service {self.url}"

    def load(self) -> None:
        return None  # nothing to load; `wuye asr check` sends a short silence to see the service answers

    def recognize(self, pcm: bytes) -> str:
        raise TypeError("HttpEngine is not blocking: await recognize_async")

    async def recognize_async(self, pcm: bytes) -> str:
        form = aiohttp.FormData()
        form.add_field("file", to_wav(pcm), filename="voice.wav", content_type="audio/wav")
        form.add_field("model", self.model)
        form.add_field("language", self.language)
        form.add_field("response_format", "json")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        try:
            async with self._session.post(self.url, data=form) as response:
                body = await response.text()
                if response.status != 200:
                    raise EngineFailed(f"speech service answered {response.status}: {body[:200]}")
        except (TimeoutError, aiohttp.ClientConnectionError) as error:
            raise EngineUnavailable(f"speech service {self.url} unreachable: {type(error).__name__}") from None
        try:
            text = json.loads(body)["text"]
        except (ValueError, KeyError, TypeError):
            raise EngineFailed(f"speech service reply has no text: {body[:200]}") from None
        if not isinstance(text, str):
            raise EngineFailed("speech service reply text is not a string")
        return tidy(text)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
