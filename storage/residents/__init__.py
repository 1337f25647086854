"""Resident profiles, their chat identities and bound rooms."""

from storage.residents.models import Resident, ResidentIdentity, ResidentRoom
from storage.residents.phone import normalize_mobile
from storage.residents.service import (
    ProfileUpdate,
    bind_room,
    find_resident_by_identity,
    get_or_create_resident,
    get_resident,
    link_identity,
    rooms_of,
    update_profile,
)

__all__ = [
    "ProfileUpdate",
    "Resident",
    "ResidentIdentity",
    "ResidentRoom",
    "bind_room",
    "find_resident_by_identity",
    "get_or_create_resident",
    "get_resident",
    "link_identity",
    "normalize_mobile",
    "rooms_of",
    "update_profile",
]
