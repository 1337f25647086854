"""Which community the web chat serves: the named one, the only one, else the demo one."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.webchat import CommunityChoice, NoCommunity
from storage.clock import FrozenClock
from storage.communities import create_community, get_community


async def test_the_demo_is_chosen_among_several(sessions: async_sessionmaker[AsyncSession], clock: FrozenClock) -> None:
    async with sessions() as session:
        demo = await get_community(session, "demo")
    assert await CommunityChoice().community_id(sessions) == demo.id  # the only one
    async with sessions.begin() as session:
        other = await create_community(session, code="east", name="东区", now=clock.now())
    assert await CommunityChoice().community_id(sessions) == demo.id
    assert await CommunityChoice("east").community_id(sessions) == other.id
    with pytest.raises(NoCommunity):
        await CommunityChoice("nowhere").community_id(sessions)
