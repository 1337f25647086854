"""The stored state of one conversation: the active flow, its step and slots, and a saved draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class State:
    """Mutable during a turn; stored as JSON in `conversations.state` at the end of it.

    `slots` are what the active flow has collected; `back` is the stack of earlier steps (for 返回);
    `draft` is a flow put aside (idle timeout or an interruption) and offered back later;
    `queue` holds further problems from one message, to be registered one after another.
    """

    flow: str | None = None
    step: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    back: list[str] = field(default_factory=list)
    draft: dict[str, Any] | None = None
    queue: list[str] = field(default_factory=list)
    last_seen: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        data = data or {}
        return cls(
            flow=data.get("flow"),
            step=data.get("step"),
            slots=dict(data.get("slots") or {}),
            back=list(data.get("back") or []),
            draft=data.get("draft"),
            queue=list(data.get("queue") or []),
            last_seen=data.get("last_seen"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "step": self.step,
            "slots": self.slots,
            "back": self.back,
            "draft": self.draft,
            "queue": self.queue,
            "last_seen": self.last_seen,
        }

    @property
    def active(self) -> bool:
        """True while a flow is waiting for the resident's next answer."""
        return self.flow is not None

    def start(self, flow: str, step: str, **slots: Any) -> None:
        """Enter `flow` at `step` with fresh slots."""
        self.flow, self.step, self.slots, self.back = flow, step, dict(slots), []

    def goto(self, step: str) -> None:
        """Move to `step`, remembering the current one for 返回."""
        if self.step is not None and self.step != step:
            self.back.append(self.step)
        self.step = step

    def go_back(self) -> str | None:
        """Return to the previous step; None when there is none."""
        if not self.back:
            return None
        self.step = self.back.pop()
        return self.step

    def finish(self) -> None:
        """The flow is done (or cancelled): nothing is waiting any more."""
        self.flow, self.step, self.slots, self.back = None, None, {}, []

    def put_aside(self, now: datetime, reason: str) -> None:
        """Keep the active flow as a draft (it is offered back later) and clear it."""
        if self.flow is not None:
            self.draft = {
                "flow": self.flow,
                "step": self.step,
                "slots": self.slots,
                "back": self.back,
                "saved_at": now.isoformat(),
                "reason": reason,
            }
        self.finish()

    def resume_draft(self) -> bool:
        """Make the draft the active flow again; False when there is none."""
        if not self.draft:
            return False
        draft, self.draft = self.draft, None
        self.flow, self.step = draft["flow"], draft["step"]
        self.slots, self.back = dict(draft.get("slots") or {}), list(draft.get("back") or [])
        return True
