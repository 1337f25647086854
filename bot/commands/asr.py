"""`wuye asr check` (which engine, does its model load) and `wuye asr transcribe FILE` (print what it hears)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.asr import AudioError, EngineFailed, EngineUnavailable, Transcriber
from bot.asr.audio import SAMPLE_RATE
from bot.config import ConfigError, Settings, load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `asr` with its subcommands to the CLI."""
    asr = subparsers.add_parser("asr", help="speech to text for voice notes (WUYE_ASR_ENGINE, WUYE_VOSK_MODEL)")
    commands = asr.add_subparsers(dest="asr_command", metavar="ACTION", required=True)
    check = commands.add_parser("check", help="say which engine is active and whether it works; exit 1 if not")
    check.set_defaults(handler=lambda args: _with_settings(lambda s: check_engine(s, sys.stdout, sys.stderr)))
    transcribe = commands.add_parser("transcribe", help="print the transcript of an audio file (WAV, OGG, AMR, …)")
    transcribe.add_argument("file", type=Path)
    transcribe.set_defaults(
        handler=lambda args: _with_settings(lambda s: transcribe_file(s, args.file, sys.stdout, sys.stderr))
    )


def _with_settings(run: object) -> int:
    try:
        settings = load_settings()
    except ConfigError as error:
        for problem in error.problems:
            print(f"invalid: {problem}", file=sys.stderr)
        return 1
    return run(settings)  # type: ignore[operator, no-any-return]


def check_engine(settings: Settings, out: TextIO, err: TextIO) -> int:
    """Print the active engine and try it on one second of silence; 0 when it works."""

    async def main() -> int:
        transcriber = Transcriber.from_settings(settings)
        try:
            print(f"engine: {transcriber.engine.name} ({transcriber.engine.describe()})", file=out)
            print(f"length limit: {settings.asr_max_seconds} s; workers: {settings.asr_workers}", file=out)
            if not transcriber.enabled:
                print("voice notes get a polite reply asking to type or press a button", file=out)
                return 0
            await transcriber.load()
            await transcriber.transcribe(_silence_wav())
            print("ok: the engine loads and answers", file=out)
            return 0
        except (EngineUnavailable, EngineFailed) as error:
            print(f"error: {error}", file=err)
            return 1
        finally:
            await transcriber.close()

    return asyncio.run(main())


def transcribe_file(settings: Settings, path: Path, out: TextIO, err: TextIO) -> int:
    """Print the transcript of `path` (any supported audio format); 1 with the reason when it cannot."""
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror or error}", file=err)
        return 1

    async def main() -> int:
        transcriber = Transcriber.from_settings(settings)
        try:
            if not transcriber.enabled:
                print("error: speech-to-text is off (WUYE_ASR_ENGINE=off)", file=err)
                return 1
            heard = await transcriber.transcribe(data)
        except (AudioError, EngineUnavailable, EngineFailed) as error:
            print(f"error: {error}", file=err)
            return 1
        finally:
            await transcriber.close()
        print(heard.text, file=out)
        print(f"({heard.seconds:.1f} s of audio in {heard.elapsed:.2f} s)", file=err)
        return 0

    return asyncio.run(main())


def _silence_wav() -> bytes:
    from bot.asr.audio import to_wav

    return to_wav(b"\x00\x00" * SAMPLE_RATE)
