"""Create communities and read their policy."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.communities.models import Community
from storage.errors import Conflict, InvalidInput, NotFound
from storage.policy import Policy, load_policy


async def create_community(
    session: AsyncSession, *, code: str, name: str, now: datetime, policy_toml: str | None = None
) -> Community:
    """Add a community; its policy file (if any) is validated first. Raises PolicyError, Conflict."""
    code = code.strip()
    if not code or not name.strip():
        raise InvalidInput("code" if not code else "name", "must not be empty")
    if policy_toml:
        load_policy(policy_toml)
    if await session.scalar(select(Community.id).where(Community.code == code)) is not None:
        raise Conflict(f"community {code!r} already exists")
    community = Community(code=code, name=name.strip(), policy_toml=policy_toml or None, created_at=now)
    session.add(community)
    await session.flush()
    return community


async def get_community(session: AsyncSession, community: int | str) -> Community:
    """The community by id or code; raises NotFound."""
    column = Community.id if isinstance(community, int) else Community.code
    found = await session.scalar(select(Community).where(column == community))
    if found is None:
        raise NotFound("community", community)
    return found


async def list_communities(session: AsyncSession) -> list[Community]:
    """Every community, by id."""
    return list(await session.scalars(select(Community).order_by(Community.id)))


async def set_policy(session: AsyncSession, *, community_id: int, policy_toml: str | None) -> Policy:
    """Replace a community's policy file (None: back to defaults); validated before it is stored."""
    policy = load_policy(policy_toml)
    community = await get_community(session, community_id)
    community.policy_toml = policy_toml or None
    await session.flush()
    return policy


async def policy_for(session: AsyncSession, community_id: int) -> Policy:
    """The validated policy of a community (parsed once per distinct file).

    Reads through the session's identity map, so asking again within one transaction costs no query.
    """
    community = await session.get(Community, community_id)
    if community is None:
        raise NotFound("community", community_id)
    return _cached_policy(community.policy_toml)


@lru_cache(maxsize=64)
def _cached_policy(text: str | None) -> Policy:
    return load_policy(text)
