"""The one call every channel makes for a voice note: `await transcribe_incoming(app, incoming)`.

It fills `text` with the transcript (or `voice_problem` with why there is none) and returns a new `Incoming`;
anything that is not a voice note comes back unchanged. The `install` plugin puts the app's `Transcriber`
in `app[ASR]`; without it every voice note gets `VoiceProblem.OFF` (a polite reply asking to type).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Final

from aiohttp import web

from bot.asr.audio import AudioError, AudioTooLong
from bot.asr.engines import EngineFailed, EngineUnavailable
from bot.asr.transcriber import Transcriber
from bot.http import keys
from dialogs import Incoming, Kind, VoiceProblem
from storage.attachments.sniff import sniff

__all__ = ["ASR", "install", "transcribe_incoming"]

#: The app's speech-to-text service.
ASR: Final = web.AppKey("wuye_asr", Transcriber)

_log = logging.getLogger(__name__)


def install(app: web.Application, *, transcriber: Transcriber | None = None) -> None:
    """Plugin: one Transcriber for the app from its settings (or the one given); closed with the app."""
    own = transcriber is None
    app[ASR] = transcriber or Transcriber.from_settings(app[keys.SETTINGS])

    async def lifetime(app: web.Application) -> object:
        try:
            await app[ASR].load()  # load the model once at start, in the pool, not on the first voice note
        except EngineUnavailable as error:
            if app[ASR].enabled:
                _log.warning("speech-to-text unavailable, voice notes get a polite reply: %s", error)
        yield
        if own:
            await app[ASR].close()

    app.cleanup_ctx.append(lifetime)  # type: ignore[arg-type]


async def transcribe_incoming(app: web.Application, incoming: Incoming) -> Incoming:
    """`incoming` with the voice note's transcript in `text`, or `voice_problem` set; other kinds unchanged.

    A recording that is not a storable voice format (a browser's WebM or MP4) is re-encoded as OGG/Opus in
    `data`, so the attachment kept for staff is a voice note.
    """
    if incoming.kind is not Kind.VOICE or not incoming.data:
        return incoming
    transcriber = app.get(ASR)
    if transcriber is None or not transcriber.enabled:
        return replace(incoming, text="", voice_problem=VoiceProblem.OFF)
    data = incoming.data
    try:
        found = sniff(data)
        if found is None or found.kind != "voice":
            data = await transcriber.storable(data)
        heard = await transcriber.transcribe(data)
    except AudioTooLong as error:
        return _problem(incoming, data, VoiceProblem.TOO_LONG, error)
    except AudioError as error:
        return _problem(incoming, data, VoiceProblem.UNREADABLE, error)
    except EngineUnavailable as error:
        _log.warning("speech-to-text unavailable: %s", error)
        return _problem(incoming, data, VoiceProblem.OFF, error)
    except EngineFailed as error:
        _log.warning("speech-to-text failed: %s", error)
        return _problem(incoming, data, VoiceProblem.FAILED, error)
    if not heard.text:
        return replace(incoming, data=data, text="", voice_problem=VoiceProblem.UNCLEAR)
    _log.info("voice note %s: %.1f s heard in %.2f s", incoming.message_id, heard.seconds, heard.elapsed)
    return replace(incoming, data=data, text=heard.text, voice_problem=None)


def _problem(incoming: Incoming, data: bytes, problem: VoiceProblem, error: Exception) -> Incoming:
    _log.info("voice note %s not transcribed (%s): %s", incoming.message_id, problem.value, error)
    return replace(incoming, data=data, text="", voice_problem=problem)
