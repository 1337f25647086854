"""Attachments: stored once by sha256, checked by type and size — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest

from storage.attachments import FileStore, add_attachment, attachments_of
from storage.errors import AttachmentRejected
from tests.factories import make_ticket, make_world

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 4


async def test_photos_are_content_addressed(session, clock, tmp_path) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    store = FileStore(tmp_path / "files")
    one = await add_attachment(
        session, store, data=JPEG, now=clock.now(), ticket_id=ticket.id, label="scene", resident_id=world.resident.id
    )
    two = await add_attachment(
        session, store, data=JPEG, now=clock.now(), ticket_id=ticket.id, label="before", staff_id=world.plumber.id
    )
    digest = hashlib.sha256(JPEG).hexdigest()
    assert one.sha256 == two.sha256 == digest and one.mime == "image/jpeg" and one.size == len(JPEG)
    assert store.get(digest) == JPEG
    assert len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) == 1
    assert [a.label for a in await attachments_of(session, ticket.id)] == ["scene", "before"]


async def test_wrong_kind_unknown_type_and_size_are_rejected(session, clock, tmp_path) -> None:
    store = FileStore(tmp_path / "files")
    with pytest.raises(AttachmentRejected, match="expected a voice"):
        await add_attachment(session, store, data=JPEG, now=clock.now(), expected_kind="voice")
    with pytest.raises(AttachmentRejected, match="unknown file type"):
        await add_attachment(session, store, data=b"%PDF-1.7 ...", now=clock.now())
    with pytest.raises(AttachmentRejected, match="too large"):
        await add_attachment(session, store, data=JPEG, now=clock.now(), limits={"photo": 100})
    assert not (tmp_path / "files").exists()
