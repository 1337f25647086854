"""Who is acting on a ticket: a resident, a staff member or the system."""

from __future__ import annotations

from dataclasses import dataclass

from storage.tickets.lifecycle import ActorKind


@dataclass(frozen=True)
class Actor:
    """The identity behind an action; build with `Actor.resident(id)`, `Actor.staff(id)`, `Actor.system()`."""

    kind: ActorKind
    id: int | None = None

    @classmethod
    def resident(cls, resident_id: int) -> Actor:
        """A resident acting through a chat."""
        return cls(ActorKind.RESIDENT, resident_id)

    @classmethod
    def staff(cls, staff_id: int) -> Actor:
        """A staff member."""
        return cls(ActorKind.STAFF, staff_id)

    @classmethod
    def system(cls) -> Actor:
        """The scheduler or auto-dispatch."""
        return cls(ActorKind.SYSTEM)
