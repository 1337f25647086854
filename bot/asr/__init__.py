"""Speech to text for voice notes: decode any channel's audio with PyAV, recognise it with Vosk or an
OpenAI-compatible HTTP service, off the event loop. Channels call `transcribe_incoming(app, incoming)`."""

from bot.asr.audio import AudioError, AudioTooLong, AudioUnreadable
from bot.asr.engines import EngineFailed, EngineUnavailable, HttpEngine, NoEngine, VoskEngine
from bot.asr.incoming import ASR, install, transcribe_incoming
from bot.asr.transcriber import Transcriber, Transcript, engine_for

__all__ = [
    "ASR",
    "AudioError",
    "AudioTooLong",
    "AudioUnreadable",
    "EngineFailed",
    "EngineUnavailable",
    "HttpEngine",
    "NoEngine",
    "Transcriber",
    "Transcript",
    "VoskEngine",
    "engine_for",
    "install",
    "transcribe_incoming",
]
