"""Residents: identities, profile, rooms — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from storage.errors import Conflict, InvalidInput, NotFound
from storage.residents import (
    ProfileUpdate,
    bind_room,
    find_resident_by_identity,
    get_or_create_resident,
    link_identity,
    normalize_mobile,
    rooms_of,
    update_profile,
)
from tests.factories import make_community, make_room


async def test_first_contact_creates_a_profile_once(session, clock) -> None:
    community = await make_community(session, clock.now())
    one, created = await get_or_create_resident(
        session, community_id=community.id, channel="telegram", external_id="42", now=clock.now()
    )
    two, created_again = await get_or_create_resident(
        session, community_id=community.id, channel="telegram", external_id="42", now=clock.now()
    )
    assert created and not created_again and one.id == two.id
    await link_identity(session, resident_id=one.id, channel="wecom", external_id="zhang", now=clock.now())
    assert (await find_resident_by_identity(session, channel="wecom", external_id="zhang")).id == one.id
    other, _ = await get_or_create_resident(
        session, community_id=community.id, channel="webchat", external_id="s1", now=clock.now()
    )
    with pytest.raises(Conflict):
        await link_identity(session, resident_id=other.id, channel="wecom", external_id="zhang", now=clock.now())
    with pytest.raises(InvalidInput):
        await get_or_create_resident(
            session, community_id=community.id, channel="phone", external_id="x", now=clock.now()
        )


async def test_profile_and_rooms(session, clock) -> None:
    community = await make_community(session, clock.now())
    await make_room(session, community, clock.now(), "3-2-502")
    resident, _ = await get_or_create_resident(
        session, community_id=community.id, channel="telegram", external_id="7", now=clock.now()
    )
    updated = await update_profile(
        session,
        resident_id=resident.id,
        now=clock.now(),
        update=ProfileUpdate(
            name="李阿姨",
            phone="+86 139-0013-9000",
            elderly=True,
            lives_alone=True,
            family_contact_name="李先生",
            family_contact_phone="13700137000",
        ),
    )
    assert (updated.phone, updated.elderly, updated.family_contact_phone) == ("13900139000", True, "13700137000")
    with pytest.raises(InvalidInput, match="family_contact_phone"):
        await update_profile(
            session, resident_id=resident.id, now=clock.now(), update=ProfileUpdate(family_contact_phone="110")
        )
    await bind_room(session, resident_id=resident.id, room_code="3-02-502", now=clock.now())
    await bind_room(session, resident_id=resident.id, room_code="3-2-502", now=clock.now())
    assert [room.code for room in await rooms_of(session, resident.id)] == ["3-2-502"]
    with pytest.raises(NotFound):
        await bind_room(session, resident_id=resident.id, room_code="9-9-909", now=clock.now())


def test_mobile_numbers() -> None:
    assert normalize_mobile("138 0013 8000") == "13800138000"
    for bad in ("12800138000", "1380013800", "021-12345678"):
        with pytest.raises(InvalidInput):
            normalize_mobile(bad)
