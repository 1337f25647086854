"""Rendering channel-neutral replies for WeCom: text split to WeCom's byte limits, button_interaction cards,
and where a message goes (`Destination`: a member's UserID, or a staff group's robot and card audience)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from bot.wecom.client import Audience

__all__ = [
    "MAX_BUTTONS",
    "MAX_TEXT_BYTES",
    "Destination",
    "button_card",
    "card_fits",
    "clip_button",
    "parse_destination",
    "split_text",
]

#: Text message content limit (bytes, UTF-8).
MAX_TEXT_BYTES: Final = 2048
#: Group robot markdown content limit (bytes, UTF-8).
MAX_MARKDOWN_BYTES: Final = 4096
#: Buttons on one button_interaction card.
MAX_BUTTONS: Final = 6
#: Card field limits (characters): main title, sub title text, button text.
TITLE_CHARS: Final = 26
SUBTITLE_CHARS: Final = 112
BUTTON_CHARS: Final = 10
#: Button keys (our payloads) are at most this many bytes.
MAX_KEY_BYTES: Final = 1024

_USER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_NUMBER = re.compile(r"^[0-9]{1,10}$")
_ROBOT = re.compile(r"^[a-z_]{1,30}$")


@dataclass(frozen=True)
class Destination:
    """Where an outbox message goes: group robots (by department name) and/or an app audience."""

    robots: tuple[str, ...] = ()
    audience: Audience = field(default_factory=Audience)

    @property
    def has_app(self) -> bool:
        """True when the app sends to someone (members, departments or tags)."""
        return bool(self.audience.users or self.audience.parties or self.audience.tags)


def parse_destination(recipient: str) -> Destination:
    """`zhangwei` (a member's UserID) or a staff group's chat id: `robot:engineering,party:3` (targets joined by
    commas: `robot:<department>`, `party:<WeCom department id>`, `tag:<tag id>`, `user:<UserID>`).

    Raises ValueError for anything else.
    """
    if _USER_ID.match(recipient) and ":" not in recipient:
        return Destination(audience=Audience(users=(recipient,)))
    robots: list[str] = []
    users: list[str] = []
    parties: list[str] = []
    tags: list[str] = []
    for target in recipient.split(","):
        kind, _, value = target.strip().partition(":")
        if kind == "robot" and _ROBOT.match(value):
            robots.append(value)
        elif kind == "party" and _NUMBER.match(value):
            parties.append(value)
        elif kind == "tag" and _NUMBER.match(value):
            tags.append(value)
        elif kind == "user" and _USER_ID.match(value):
            users.append(value)
        else:
            raise ValueError(f"not a WeCom target: {target!r}")
    return Destination(tuple(robots), Audience(tuple(users), tuple(parties), tuple(tags)))


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """`text` in pieces of at most `limit` UTF-8 bytes, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > limit:  # one very long line: cut by characters
            head = _prefix_within(line, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            line = line[len(head) :]
        if len((current + line).encode()) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current or not pieces:
        pieces.append(current)
    return [piece.rstrip("\n") for piece in pieces]


def card_fits(text: str) -> bool:
    """True when the whole text shows on a card (first line as title, the rest as sub title)."""
    first, _, rest = text.strip().partition("\n")
    return len(first) <= TITLE_CHARS and len(rest) <= SUBTITLE_CHARS


def button_card(text: str, buttons: list[dict[str, str]], task_id: str, *, done_text: str = "") -> dict[str, Any]:
    """A button_interaction card: the first line as title, the rest (its end kept) as sub title, ≤ 6 buttons.

    Without buttons the card shows `done_text` (or its last line) on a grey, unclickable button.
    """
    first, _, rest = text.strip().partition("\n")
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": _clip(first, TITLE_CHARS)},
        "task_id": task_id,
        "button_list": [
            {"text": clip_button(b["label"]), "style": 1 if i == 0 else 2, "key": b["payload"]}
            for i, b in enumerate(buttons[:MAX_BUTTONS])
        ],
    }
    if rest.strip():
        card["sub_title_text"] = _keep_end(rest.strip(), SUBTITLE_CHARS)
    if not buttons:
        last = text.strip().splitlines()[-1]
        card["replace_text"] = _clip(done_text or last, BUTTON_CHARS * 2)
    return card


def clip_button(label: str) -> str:
    """A button label in BUTTON_CHARS characters: its start and its end around "…", so labels that differ only
    at the end (查看 BX-20261122-0001 / 查看 BX-20261122-0002) can still be told apart on the card."""
    if len(label) <= BUTTON_CHARS:
        return label
    head = (BUTTON_CHARS - 1) // 2
    return label[:head] + "…" + label[len(label) - (BUTTON_CHARS - 1 - head) :]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _keep_end(text: str, limit: int) -> str:
    """Fit `text` in `limit` characters keeping its last line (a card's status line) whole."""
    if len(text) <= limit:
        return text
    head, _, last = text.rpartition("\n")
    if not head or len(last) >= limit - 2:
        return _clip(text, limit)
    return _clip(head, limit - len(last) - 1) + "\n" + last


def _prefix_within(text: str, limit: int) -> str:
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode())
        if size > limit:
            return text[:index]
    return text
