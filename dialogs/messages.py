"""Channel-neutral messages: what a resident sends in (`Incoming`) and what the bot answers (`Outgoing`).

Adapters (Telegram, WeCom, web chat) translate their wire formats to and from these and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What arrived."""

    TEXT = "text"
    PHOTO = "photo"
    VOICE = "voice"  # a voice note; `text` holds its transcript when speech-to-text ran
    BUTTON = "button"  # a press of one of our buttons; `payload` says which


class VoiceProblem(StrEnum):
    """Why a voice note has no transcript (set by the channel's speech-to-text step)."""

    OFF = "off"  # no speech-to-text engine configured or usable
    TOO_LONG = "too_long"  # longer than the length limit
    UNREADABLE = "unreadable"  # not audio, or corrupt
    UNCLEAR = "unclear"  # decoded, but no words were recognised
    FAILED = "failed"  # the engine failed on it


@dataclass(frozen=True, slots=True)
class Button:
    """A reply button: `label` is shown, `payload` comes back in the press."""

    label: str
    payload: str

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "payload": self.payload}


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message from a resident, as any channel delivers it.

    `message_id` is the channel's id of this message (deduplication key); `data` carries the bytes of a
    photo or voice note; `ref` names the bot message whose button was pressed (so it can be edited).
    A voice note carries its transcript in `text`, or in `voice_problem` why there is none.
    """

    channel: str
    sender_id: str
    message_id: str
    kind: Kind = Kind.TEXT
    text: str = ""
    payload: str | None = None
    data: bytes | None = None
    ref: str | None = None
    sender_name: str | None = None
    voice_problem: VoiceProblem | None = None

    def to_log(self) -> dict[str, Any]:
        """What is kept in the inbound log (file bytes are stored as attachments, not here)."""
        return {
            "kind": self.kind.value,
            "text": self.text,
            "payload": self.payload,
            "ref": self.ref,
            "has_data": self.data is not None,
            **({"voice_problem": self.voice_problem.value} if self.voice_problem else {}),
        }


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One reply: text, optional rows of buttons, attachments to show, or an edit of an earlier message.

    `edit_ref` set means "replace the message `edit_ref`" (e.g. remove the buttons once one was pressed).
    `large` asks the channel for big, one-per-row buttons (the simplified flow for elderly residents).
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment_ids: tuple[int, ...] = ()
    edit_ref: str | None = None
    large: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as stored in the outbox."""
        return {
            "text": self.text,
            "buttons": [[b.to_dict() for b in row] for row in self.buttons],
            "attachment_ids": list(self.attachment_ids),
            "edit_ref": self.edit_ref,
            "large": self.large,
            **({"extra": self.extra} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outgoing:
        """Inverse of `to_dict` (the outbox sender rebuilds replies with it)."""
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(b["label"], b["payload"]) for b in row) for row in data.get("buttons", [])),
            attachment_ids=tuple(data.get("attachment_ids", [])),
            edit_ref=data.get("edit_ref"),
            large=bool(data.get("large")),
            extra=dict(data.get("extra") or {}),
        )

    @property
    def button_labels(self) -> list[str]:
        """Every button label, row by row (handy in transcripts and tests)."""
        return [b.label for row in self.buttons for b in row]


def buttons(*rows: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> tuple[tuple[Button, ...], ...]:
    """Build button rows from (label, payload) pairs: `buttons([("确认", "ok"), ("取消", "cancel")])`."""
    return tuple(tuple(Button(label, payload) for label, payload in row) for row in rows)
