"""Decode any voice note (WAV, OGG/Opus, AMR, WebM, MP3, M4A) to 16 kHz mono 16-bit PCM with PyAV.

PyAV's wheels bundle the FFmpeg libraries and their codecs (AMR-NB included), so no system ffmpeg is needed.
"""

from __future__ import annotations

import io
import wave
from typing import Final

import av
import av.error

#: The sample rate and layout every engine gets.
SAMPLE_RATE: Final = 16_000
#: Bytes per sample (16-bit signed little-endian).
SAMPLE_BYTES: Final = 2


class AudioError(ValueError):
    """The audio cannot be transcribed; `reason` is one of `unreadable` and `too_long`."""

    reason = "unreadable"


class AudioUnreadable(AudioError):
    """Not audio, corrupt, or silent of any content (no samples)."""

    reason = "unreadable"


class AudioTooLong(AudioError):
    """Longer than the configured limit."""

    reason = "too_long"

    def __init__(self, seconds: float | None, limit: float) -> None:
        shown = f"{seconds:.0f} s long" if seconds is not None else "too large a file"
        super().__init__(f"audio is {shown}, the limit is {limit:.0f} s")
        self.seconds, self.limit = seconds, limit


def decode(data: bytes, *, max_seconds: float) -> bytes:
    """16 kHz mono s16le PCM of `data`; raises AudioUnreadable or AudioTooLong (checked while decoding)."""
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[bytes] = []
    samples = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                raise AudioUnreadable("no audio track")
            declared = _declared_seconds(container, stream)
            if declared is not None and declared > max_seconds + 0.5:
                raise AudioTooLong(declared, max_seconds)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    samples += out.samples
                    if samples > limit:
                        raise AudioTooLong(samples / SAMPLE_RATE, max_seconds)
                    chunks.append(_pcm(out))
            for out in resampler.resample(None):
                samples += out.samples
                chunks.append(_pcm(out))
    except AudioError:
        raise
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, EOFError, IndexError) as error:
        raise AudioUnreadable(f"cannot decode the audio: {type(error).__name__}") from None
    if samples > limit:
        raise AudioTooLong(samples / SAMPLE_RATE, max_seconds)
    if samples == 0:
        raise AudioUnreadable("no audio samples")
    return b"".join(chunks)


def _pcm(frame: av.AudioFrame) -> bytes:
    """The bytes of one packed s16 mono frame (the plane may be padded beyond the samples)."""
    return bytes(frame.planes[0])[: frame.samples * SAMPLE_BYTES]


def _declared_seconds(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> float | None:
    """The length the file claims, when it claims one (a cheap early refusal of a long file)."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    return None


def seconds_of(pcm: bytes) -> float:
    """The length of decoded PCM, in seconds."""
    return len(pcm) / (SAMPLE_RATE * SAMPLE_BYTES)


def to_wav(pcm: bytes) -> bytes:
    """Decoded PCM as a WAV file (what an HTTP speech service is sent)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_BYTES)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()


def to_ogg_opus(data: bytes, *, max_seconds: float) -> bytes:
    """Any voice note re-encoded as OGG/Opus (a browser's WebM or MP4 recording becomes a storable voice note)."""
    pcm = decode(data, max_seconds=max_seconds)
    return encode(pcm, container="ogg", codec="libopus", rate=48_000)


def encode(pcm: bytes, *, container: str, codec: str, rate: int, bit_rate: int | None = None) -> bytes:
    """16 kHz mono PCM encoded with `codec` at `rate` in `container` (tests make OGG/Opus and AMR this way)."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        if bit_rate:
            stream.bit_rate = bit_rate
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
        source = av.AudioFrame.from_ndarray(_as_row(pcm), format="s16", layout="mono")
        source.sample_rate = SAMPLE_RATE
        for frame in [*resampler.resample(source), *resampler.resample(None)]:
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def _as_row(pcm: bytes):  # type: ignore[no-untyped-def]
    import numpy as np

    return np.frombuffer(pcm, dtype="<i2").reshape(1, -1)
