"""Voice notes as a browser can play them: WeCom's AMR (and OGG/Opus, which older Safari and WeCom's in-app
browser on iOS cannot play) is transcoded once, on first request, to WAV with PyAV and kept in a disk cache.

The console's ticket page and the web chat's transcript both serve recordings through here, each behind its own
authorisation check; the cache is named by the recording's sha256, so a file is transcoded once, not per request.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.asr.audio import AudioError, decode, to_wav
from storage.attachments import FileStore

__all__ = ["PLAYABLE_MIMES", "Playable", "Unplayable", "cache_dir", "playable"]

#: Formats every current browser (Safari included) plays as stored.
PLAYABLE_MIMES: Final = frozenset({"audio/wav", "audio/mpeg", "audio/mp4"})
#: The longest recording transcoded, in seconds (WeCom voice notes stop at 60 s; a longer file is refused).
MAX_PLAYBACK_SECONDS: Final = 10 * 60


class Unplayable(Exception):
    """The recording is missing, or not audio PyAV can decode."""


@dataclass(frozen=True)
class Playable:
    """A file a browser can play, and its type."""

    path: Path
    mime: str


def cache_dir(data_dir: Path) -> Path:
    """Where transcoded recordings are kept: `<data_dir>/cache/playback` (safe to delete at any time)."""
    return data_dir / "cache" / "playback"


async def playable(files: FileStore, *, sha256: str, mime: str, cache: Path) -> Playable:
    """The stored recording if browsers play it as it is, else its WAV from `cache` (made now if missing).

    Raises Unplayable when the file is gone or cannot be decoded. Decoding runs on a worker thread.
    """
    try:
        original = files.path_for(sha256)
    except ValueError:
        raise Unplayable(f"bad digest {sha256!r}") from None
    if not original.is_file():
        raise Unplayable(f"recording {sha256[:12]} is not stored")
    if mime in PLAYABLE_MIMES:
        return Playable(original, mime)
    target = cache / f"{sha256}.wav"
    if target.is_file():
        return Playable(target, "audio/wav")
    # Two requests at once may both transcode; each writes its own temp file and renames it, so either wins whole.
    await asyncio.to_thread(_transcode, original, target)
    return Playable(target, "audio/wav")


def _transcode(source: Path, target: Path) -> None:
    """`source` decoded and written as a WAV at `target`, atomically (temp file, rename)."""
    try:
        wav = to_wav(decode(source.read_bytes(), max_seconds=MAX_PLAYBACK_SECONDS))
    except AudioError as error:
        raise Unplayable(str(error)) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".transcoding-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(wav)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
