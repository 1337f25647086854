"""The demo community: created once, with rooms, staff of every role and no group chats."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.demo import demo_logins, demo_plan, ensure_demo, seed_demo_if_empty
from storage.communities import Community, policy_for
from storage.groups import StaffGroup
from storage.rooms import count_rooms, find_room, parse_rooms_csv
from storage.staff import list_staff
from storage.vocabulary import StaffRole
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401
from tests.factories import make_community


def test_the_plan_is_a_few_hundred_valid_rooms() -> None:
    plan = demo_plan()
    rooms = parse_rooms_csv(plan.rooms_csv)  # raises on any bad or repeated row
    assert 200 <= len(rooms) <= 500
    assert {"1-1-101", "5-2-1802", "A-1004"} <= {room.code for room in rooms}
    assert "Demo" in plan.name or "演示" in plan.name
    assert all(member["name"].startswith("演示-") for member in plan.staff)


async def test_ensure_demo_creates_everything_once(db, clock) -> None:  # noqa: F811
    async with db.sessions() as session, session.begin():
        community = await ensure_demo(session, now=clock.now())
    async with db.sessions() as session, session.begin():
        again = await ensure_demo(session, now=clock.advance(hours=1))
        assert again.id == community.id
        assert await session.scalar(select(func.count()).select_from(Community)) == 1
        assert community.code == "demo" and "演示" in community.name
        assert await count_rooms(session, community_id=community.id) == len(parse_rooms_csv(demo_plan().rooms_csv))
        assert await find_room(session, community_id=community.id, code="3-2-502") is not None
        staff = await list_staff(session, community_id=community.id)
        assert len(staff) == len(demo_plan().staff)
        assert {member.role for member in staff} == {role.value for role in StaffRole}
        assert any(member.name == "演示-张师傅" and member.trade == "plumbing" for member in staff)
        # The general manager is company-wide (sees every community in the console); everyone else belongs here.
        assert {member.name for member in staff if member.community_id is None} == {"演示-何总"}
        assert all(member.community_id in (community.id, None) for member in staff)
        assert await session.scalar(select(func.count()).select_from(StaffGroup)) == 0
        assert community.policy_toml is None
        await policy_for(session, community.id)  # the default policy loads


async def test_the_company_wide_demo_manager_gets_a_console_login_once(db, clock) -> None:  # noqa: F811
    async with db.sessions() as session, session.begin():
        community = await ensure_demo(session, now=clock.now())
        logins = await demo_logins(session, community, now=clock.now())
        assert await demo_logins(session, community, now=clock.now()) == []
    made = {(entry.login, entry.role) for entry in logins}
    assert {("demo-he", "general_manager"), ("demo-zhou", "project_manager")} <= made


async def test_seed_only_into_an_empty_database(db, clock) -> None:  # noqa: F811
    async with db.sessions() as session, session.begin():
        assert (await seed_demo_if_empty(session, now=clock.now())) is not None
        assert await seed_demo_if_empty(session, now=clock.now()) is None
    async with db.sessions() as session, session.begin():
        await session.execute(Community.__table__.delete())
        await make_community(session, clock.now(), code="lh")
        assert await seed_demo_if_empty(session, now=clock.now()) is None
        assert (await session.scalars(select(Community.code))).all() == ["lh"]
