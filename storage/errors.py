"""Domain errors raised by the storage services; the edges turn them into replies or HTTP statuses."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every domain error raised by `storage`."""


class NotFound(StorageError):
    """The named row does not exist (or is not visible in this community)."""

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class InvalidInput(StorageError):
    """A value given to a service is malformed (bad phone, unknown category...)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Conflict(StorageError):
    """The change collides with existing data (duplicate key, concurrent update)."""


class TransitionNotAllowed(StorageError):
    """A ticket action is not possible from the ticket's current status."""

    def __init__(self, action: str, status: str, ticket_number: str | None = None) -> None:
        where = f" (ticket {ticket_number})" if ticket_number else ""
        super().__init__(f"cannot {action} a ticket that is {status}{where}")
        self.action = action
        self.status = status
        self.ticket_number = ticket_number


class PermissionDenied(StorageError):
    """The actor may not make this change (wrong role, not the assignee, not the resident's ticket)."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(f"not allowed to {action}: {reason}")
        self.action = action
        self.reason = reason


class ReasonRequired(StorageError):
    """The action must be recorded with a reason (staff cancellation, override, reopen)."""

    def __init__(self, action: str) -> None:
        super().__init__(f"{action} needs a reason")
        self.action = action


class PolicyError(StorageError):
    """The policy file is invalid; names the key and the reason."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"policy {key}: {reason}")
        self.key = key
        self.reason = reason


class RoomImportError(StorageError):
    """A room CSV had bad rows; nothing was imported. `problems` is [(line number, message)]."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        lines = "; ".join(f"line {line}: {message}" for line, message in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} bad row(s), nothing imported: {lines}{more}")
        self.problems = problems


class AttachmentRejected(StorageError):
    """An uploaded file is of an unknown type, the wrong kind, or too large."""
