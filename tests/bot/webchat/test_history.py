"""After a reload the web chat shows the whole conversation from what is stored: the resident's texts, button
presses (by their label), photos (as thumbnails) and the bot's replies, in order; and nothing from other browsers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.clock import FrozenClock
from tests.bot.webchat.conftest import PNG, Resident, all_sent


async def _until(resident: Resident, words: str) -> None:
    for _ in range(20):
        if words in "\n".join(m["text"] for m in await resident.poll(wait=1)):
            return
    raise AssertionError(f"{words!r} never came")


async def history(resident: Resident) -> dict[str, Any]:
    async with resident.http.get("/webchat/history") as response:
        assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
        return await response.json()


async def test_a_reload_shows_both_sides_in_order_with_photos_and_pressed_buttons(
    browser: Callable[[], Awaitable[Resident]], sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    resident = await browser()
    await resident.open_page()
    await resident.say("厨房水管漏水 1栋1单元502")
    await _until(resident, "手机")
    clock.advance(seconds=20)
    await resident.say("13812345678")
    await _until(resident, "照片")
    clock.advance(seconds=20)
    async with resident.http.post("/webchat/photos?id=p1", data=_photo_form()) as response:
        assert response.status == 202
        photo_url = (await response.json())["photo"]["url"]
    await _until(resident, "第1张")
    clock.advance(seconds=20)
    await resident.press("照片发完了")
    await _until(resident, "确认提交")
    await all_sent(sessions)

    found = await history(resident)
    entries = found["messages"]
    mine = [e for e in entries if e["who"] == "me"]
    assert [(e["text"], e.get("photo")) for e in mine] == [
        ("厨房水管漏水 1栋1单元502", None),
        ("13812345678", None),
        ("", photo_url),
        ("照片发完了", None),  # the label of the button pressed, not its payload
    ]
    # Each of the resident's messages comes before the bot's answer to it, and the bot's replies are exactly
    # what the long poll delivered, with their ids, buttons and edits, so the page renders them the same way.
    said = [e["who"] for e in entries]
    assert said[0] == "me" and said[-1] == "bot" and said.count("me") == 4
    for position, entry in enumerate(entries):
        if entry["who"] == "me":
            assert entries[position + 1]["who"] == "bot"
    bots = [{k: v for k, v in e.items() if k != "who"} for e in entries if e["who"] == "bot"]
    assert bots == resident.seen
    assert found["last"] == resident.seen[-1]["id"]
    async with resident.http.get(photo_url) as response:  # the thumbnail loads for this browser
        assert response.status == 200 and await response.read() == PNG

    # Polling after `last` starts with nothing old.
    async with resident.http.get("/webchat/messages", params={"after": found["last"], "wait": 0}) as response:
        assert (await response.json())["messages"] == []

    stranger = await browser()  # another browser: its own (empty) conversation and a fresh cookie
    assert await history(stranger) == {"messages": [], "last": 0}
    assert stranger.session_id and stranger.session_id != resident.session_id
    assert await history(stranger) == {"messages": [], "last": 0}
    async with stranger.http.get(photo_url) as response:
        assert response.status == 404


def _photo_form():  # type: ignore[no-untyped-def]
    from aiohttp import FormData

    form = FormData()
    form.add_field("photo", PNG, filename="scene.png", content_type="image/png")
    return form
