"""Staff and group chats — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from storage.errors import Conflict, InvalidInput
from storage.groups import group_by_chat, groups_for_department, register_group
from storage.staff import add_staff, find_staff_by_identity, link_staff_identity, list_staff, set_on_duty
from tests.factories import make_community, make_staff


async def test_staff_roles_duty_and_identities(session, clock) -> None:
    community = await make_community(session, clock.now())
    plumber = await make_staff(session, community, clock.now(), on_duty=False)
    manager = await make_staff(
        session, None, clock.now(), role="general_manager", department="management", on_duty=False
    )
    with pytest.raises(InvalidInput, match="trade"):
        await add_staff(session, name="王", role="technician", department="engineering", now=clock.now())
    with pytest.raises(InvalidInput, match="role"):
        await add_staff(session, name="王", role="janitor", department="engineering", now=clock.now())
    await set_on_duty(session, staff_id=plumber.id, on_duty=True, now=clock.now())
    on_duty = await list_staff(session, community_id=community.id, on_duty=True)
    assert [s.id for s in on_duty] == [plumber.id]
    assert {s.id for s in await list_staff(session, community_id=community.id)} == {plumber.id, manager.id}
    await link_staff_identity(session, staff_id=plumber.id, channel="wecom", external_id="zhangsf", now=clock.now())
    assert (await find_staff_by_identity(session, channel="wecom", external_id="zhangsf")).id == plumber.id
    with pytest.raises(Conflict):
        await link_staff_identity(session, staff_id=manager.id, channel="wecom", external_id="zhangsf", now=clock.now())


async def test_group_chats_per_department_and_channel(session, clock) -> None:
    community = await make_community(session, clock.now())
    group = await register_group(
        session,
        community_id=community.id,
        department="engineering",
        channel="wecom",
        chat_id="wrk-eng",
        now=clock.now(),
        title="工程部群",
    )
    moved = await register_group(
        session,
        community_id=community.id,
        department="engineering",
        channel="wecom",
        chat_id="wrk-eng-2",
        now=clock.now(),
    )
    assert moved.id == group.id and moved.chat_id == "wrk-eng-2" and moved.title == "工程部群"
    await register_group(
        session,
        community_id=community.id,
        department="engineering",
        channel="telegram",
        chat_id="-100200",
        now=clock.now(),
    )
    assert [
        g.channel for g in await groups_for_department(session, community_id=community.id, department="engineering")
    ] == ["telegram", "wecom"]
    assert (await group_by_chat(session, channel="telegram", chat_id="-100200")).department == "engineering"
    with pytest.raises(Conflict):
        await register_group(
            session,
            community_id=community.id,
            department="security",
            channel="telegram",
            chat_id="-100200",
            now=clock.now(),
        )
