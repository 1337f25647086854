"""What a flow step sees during one turn: the message, the stored state, the resident, policy and wording."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.messages import Button, Incoming, Outgoing
from dialogs.state import State
from dialogs.wording import Wording
from nlu import ParsedRequest, parse
from storage.attachments.store import FileStore
from storage.policy.schema import Policy
from storage.residents.models import Resident


@dataclass
class Turn:
    """One turn of one conversation. Steps read `incoming` and `state`, call business actions, and `say`."""

    session: AsyncSession
    incoming: Incoming
    state: State
    resident: Resident
    community_id: int
    policy: Policy
    wording: Wording
    now: datetime
    files: FileStore | None = None
    replies: list[Outgoing] = field(default_factory=list)
    ticket_id: int | None = None
    community: object | None = None  # held so the identity map keeps it (policy lookups cost no query)
    _parsed: ParsedRequest | None = None

    @property
    def text(self) -> str:
        """The resident's words: typed text, or a voice note's transcript."""
        return self.incoming.text.strip()

    @property
    def local_now(self) -> datetime:
        """`now` in the community's time zone: what 明天 and 下午3点 are counted from."""
        return self.now.astimezone(self.policy.timezone)

    @property
    def parsed(self) -> ParsedRequest:
        """The NLU reading of `text` (parsed once per turn)."""
        if self._parsed is None:
            self._parsed = parse(self.text, now=self.local_now)
        return self._parsed

    def w(self, key: str, **values: object) -> str:
        """A sentence of the wording file."""
        return self.wording(key, **values)

    def say(self, text: str, *rows: list[tuple[str, str]], large: bool = False) -> None:
        """Queue a reply; each extra argument is one row of (label, payload) buttons."""
        self.replies.append(
            Outgoing(
                text=text,
                buttons=tuple(tuple(Button(label, payload) for label, payload in row) for row in rows),
                large=large or self.resident.elderly,
            )
        )

    def say_key(self, key: str, *rows: list[tuple[str, str]], **values: object) -> None:
        """`say` with a sentence of the wording file."""
        self.say(self.w(key, **values), *rows)
