"""Which community a channel's residents belong to: the configured one, the only one, or the demo one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.communities.service import get_community, list_communities
from storage.errors import NotFound

__all__ = ["CommunityChoice", "NoCommunity"]

#: The code of the demo community (bot.demo), chosen when several exist and none is configured.
DEMO_CODE = "demo"


class NoCommunity(Exception):
    """A channel cannot tell which community to serve (none exists, or several and none chosen)."""


class CommunityChoice:
    """Finds the channel's community once and remembers its id (communities are not deleted while running)."""

    def __init__(self, code: str | None = None) -> None:
        self.code = code
        self._id: int | None = None

    async def community_id(self, sessions: async_sessionmaker[AsyncSession]) -> int:
        """The id of `code` if given; else the only community; else `demo`. Raises NoCommunity."""
        if self._id is None:
            async with sessions() as session:
                self._id = await self._choose(session)
        return self._id

    async def _choose(self, session: AsyncSession) -> int:
        if self.code:
            try:
                return (await get_community(session, self.code)).id
            except NotFound:
                raise NoCommunity(f"community {self.code!r} not found") from None
        communities = await list_communities(session)
        if len(communities) == 1:
            return communities[0].id
        for community in communities:
            if community.code == DEMO_CODE:
                return community.id
        raise NoCommunity(f"{len(communities)} communities and none chosen for the web chat")
