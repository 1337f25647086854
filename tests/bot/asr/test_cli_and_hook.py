"""`wuye asr check|transcribe`, the settings, and the channels' one hook `transcribe_incoming`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aiohttp import web

from bot.asr import ASR, Transcriber, VoskEngine, install, transcribe_incoming
from bot.asr.audio import to_wav
from bot.cli import main as cli_main
from bot.commands.asr import check_engine, transcribe_file
from bot.config import KNOWN_ENV_NAMES, Settings, read_settings
from bot.http import keys
from dialogs import Incoming, Kind, VoiceProblem
from storage.attachments.sniff import sniff
from tests.asr_fixtures import AISHELL, AISHELL_TEXT, LONG_CLIP, MODEL_DIR, aishell


def test_transcribe_prints_the_words(vosk_engine: VoskEngine, tmp_path: Path) -> None:
    path = tmp_path / "clip.amr"
    path.write_bytes(aishell("amr"))
    out, err = io.StringIO(), io.StringIO()
    assert transcribe_file(Settings(vosk_model=MODEL_DIR), path, out, err) == 0
    assert out.getvalue().strip() == AISHELL_TEXT


def test_transcribe_explains_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"OggS" + bytes(100))
    out, err = io.StringIO(), io.StringIO()
    assert transcribe_file(Settings(vosk_model=MODEL_DIR), bad, out, err) == 1
    assert "cannot decode" in err.getvalue()
    err = io.StringIO()
    assert transcribe_file(Settings(vosk_model=MODEL_DIR, asr_max_seconds=5), LONG_CLIP, out, err) == 1
    assert "limit is 5 s" in err.getvalue()
    err = io.StringIO()
    assert transcribe_file(Settings(asr_engine="off"), AISHELL, out, err) == 1
    assert "off" in err.getvalue()


def test_check_says_which_engine_and_whether_it_loads(vosk_engine: VoskEngine, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert check_engine(Settings(vosk_model=MODEL_DIR), out, err) == 0
    assert "engine: vosk" in out.getvalue() and "ok" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert check_engine(Settings(vosk_model=tmp_path / "none"), out, err) == 1
    assert "no Vosk model" in err.getvalue() and "SHA-256" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert check_engine(Settings(asr_engine="off"), out, err) == 0
    assert "polite reply" in out.getvalue()


def test_cli_is_registered(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # In process: a fresh `python -m bot.cli` spends ~4 s importing; tests/bot/test_http_service.py runs that path.
    for name in KNOWN_ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WUYE_ASR_ENGINE", "none")
    assert cli_main(["asr", "check"]) == 0, capsys.readouterr().err
    assert "engine: off" in capsys.readouterr().out


def test_settings_read_the_voice_variables() -> None:
    report = read_settings({"WUYE_ASR_ENGINE": "none", "WUYE_ASR_MAX_SECONDS": "30", "WUYE_ASR_WORKERS": "2"})
    assert not report.problems
    assert (report.settings.asr_engine, report.settings.asr_max_seconds, report.settings.asr_workers) == ("off", 30, 2)
    assert read_settings({"WUYE_ASR_MAX_SECONDS": "0"}).problems
    assert {"WUYE_ASR_MAX_SECONDS", "WUYE_ASR_WORKERS", "WUYE_VOSK_MODEL", "WUYE_ASR_URL"} <= KNOWN_ENV_NAMES


def _voice(data: bytes) -> Incoming:
    return Incoming(channel="webchat", sender_id="s", message_id="1", kind=Kind.VOICE, data=data)


def _app(transcriber: Transcriber | None) -> web.Application:
    app = web.Application()
    app[keys.SETTINGS] = Settings(asr_engine="off")
    if transcriber is not None:
        install(app, transcriber=transcriber)
    return app


async def test_hook_fills_the_transcript(transcriber: Transcriber) -> None:
    app = _app(transcriber)
    heard = await transcribe_incoming(app, _voice(aishell("ogg")))
    assert (heard.text, heard.voice_problem, heard.data) == (AISHELL_TEXT, None, aishell("ogg"))
    text = Incoming(channel="webchat", sender_id="s", message_id="2", text="你好")
    assert await transcribe_incoming(app, text) is text


async def test_hook_makes_a_browser_recording_a_voice_note(transcriber: Transcriber) -> None:
    heard = await transcribe_incoming(_app(transcriber), _voice(aishell("webm")))
    assert heard.text == AISHELL_TEXT
    assert sniff(heard.data).mime == "audio/ogg"  # type: ignore[arg-type, union-attr]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"OggS" + bytes(300), VoiceProblem.UNREADABLE),
        (to_wav(b"\x00\x00" * 16_000), VoiceProblem.UNCLEAR),
        (to_wav(b"\x00\x00" * 16_000 * 61), VoiceProblem.TOO_LONG),
    ],
)
async def test_hook_says_why_there_is_no_transcript(
    transcriber: Transcriber, data: bytes, problem: VoiceProblem
) -> None:
    heard = await transcribe_incoming(_app(transcriber), _voice(data))
    assert (heard.text, heard.voice_problem) == ("", problem)


async def test_hook_without_engine_marks_it_off() -> None:
    heard = await transcribe_incoming(_app(None), _voice(aishell("wav")))
    assert heard.voice_problem is VoiceProblem.OFF
    app = web.Application()
    app[keys.SETTINGS] = Settings(asr_engine="off")
    install(app)
    assert not app[ASR].enabled
    assert (await transcribe_incoming(app, _voice(aishell("wav")))).voice_problem is VoiceProblem.OFF
    await app[ASR].close()
