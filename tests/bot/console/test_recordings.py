"""A WeCom voice note (AMR, which no browser plays) on the ticket page: played as WAV transcoded once with PyAV and
cached on disk, through the same authorised route as photos; the original stays downloadable."""

from __future__ import annotations

import io
import wave

from bot.asr.playback import cache_dir
from storage.attachments import FileStore
from storage.attachments.service import add_attachment
from tests.asr_fixtures import AISHELL, aishell
from tests.bot.console.test_queue import _open
from tests.storage.conftest import SQLITE_ONLY

pytestmark = SQLITE_ONLY  # transcoding and caching a file: nothing database-specific


async def _voice_ticket(site, data: bytes) -> tuple[int, int]:
    ticket = await _open(site, description="语音报修：厨房水管漏水")
    async with site.sessions() as session, session.begin():
        recording = await add_attachment(
            session,
            FileStore(site.settings.data_dir / "files"),
            data=data,
            now=site.clock.now(),
            ticket_id=ticket.id,
            expected_kind="voice",
            label="scene",
        )
    return ticket.id, recording.id


async def test_an_amr_voice_note_plays_as_cached_wav_for_staff_who_may_see_the_ticket(site, browser) -> None:
    amr = aishell("amr")
    assert amr.startswith(b"#!AMR\n")
    ticket_id, recording_id = await _voice_ticket(site, amr)
    supervisor = await (await browser()).signed_in("supervisor")
    response, page = await supervisor.get(f"/console/tickets/{ticket_id}")
    assert response.status == 200
    recordings = page[page.index('id="recordings"') :]
    assert f'<audio controls preload="none" src="/console/files/{recording_id}?play=1">' in recordings
    assert f'href="/console/files/{recording_id}" download' in recordings

    cached = cache_dir(site.settings.data_dir)
    assert not cached.exists() or not any(cached.iterdir())  # nothing transcoded before someone listens
    async with supervisor.http.get(f"/console/files/{recording_id}?play=1") as response:
        assert response.status == 200 and response.content_type == "audio/wav"
        played = await response.read()
    with wave.open(io.BytesIO(played)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getnchannels() == 1
    with wave.open(str(AISHELL)) as original:
        assert abs(seconds - original.getnframes() / original.getframerate()) < 0.2  # the whole clip
    [cache_file] = list(cached.iterdir())
    first = cache_file.stat().st_mtime_ns
    async with supervisor.http.get(f"/console/files/{recording_id}?play=1", headers={"Range": "bytes=0-43"}) as again:
        assert again.status == 206 and await again.read() == played[:44]  # seekable: range requests work
    assert cache_file.stat().st_mtime_ns == first  # served from the cache, not transcoded again

    async with supervisor.http.get(f"/console/files/{recording_id}") as response:
        assert response.content_type == "audio/amr" and await response.read() == amr  # the original as stored

    guard = await (await browser()).signed_in("guard")  # security staff: not their department's ticket
    async with guard.http.get(f"/console/files/{recording_id}?play=1", allow_redirects=False) as response:
        assert response.status == 404
    anonymous = await browser()
    async with anonymous.http.get(f"/console/files/{recording_id}?play=1", allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"].startswith("/console/login")


async def test_a_corrupt_recording_is_refused_politely(site, browser) -> None:
    _, recording_id = await _voice_ticket(site, b"#!AMR\n" + b"\x00" * 2000)
    supervisor = await (await browser()).signed_in("supervisor")
    response, page = await supervisor.get(f"/console/files/{recording_id}?play=1")
    assert response.status == 404 and "这段录音无法播放" in page
