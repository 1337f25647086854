"""The typed result of parsing one resident message."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of evidence behind a decision: which field, what it pointed to, and the words that showed it."""

    field: str
    value: str
    evidence: str

    def __str__(self) -> str:
        return f"{self.field}={self.value} ({self.evidence})"


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A time expression resolved against `now`: [start, end) and the words it came from."""

    start: datetime
    end: datetime
    text: str
    asked: bool = False
    """A time the resident asks for or about ahead of now (明天下午能来吗, 半小时内能到吗: a visit, a service), not
    one they tell of (昨晚开始漏水, 还在吵)."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where the problem is: `home` (卫生间, 厨房) or `public` (地库, 电梯, 楼道)."""

    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    """What a resident's message asks for. The six contract fields come first; None means empty."""

    type: str
    urgency: str
    category: str
    tier: str | None
    room: str | None
    phone: str | None
    text: str = ""
    normalized: str = ""
    confidence: dict[str, float] = field(default_factory=dict)
    cues: tuple[Cue, ...] = ()
    names: tuple[str, ...] = ()
    complaint_target: str | None = None
    demands: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeRange, ...] = ()
    rooms: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    withdrawn: bool = False
    danger_doubt: bool = False
    """Not critical, but the model sees some chance of danger: ask the resident (有人受伤或有危险吗？)."""
    problems: int = 1
    truncated: bool = False

    def cues_for(self, field_name: str) -> tuple[Cue, ...]:
        """The cues that decided one field (type, urgency, category or tier)."""
        return tuple(c for c in self.cues if c.field == field_name)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict: the contract keys first, then the details."""
        data = asdict(self)
        data["cues"] = [str(c) for c in self.cues]
        data["times"] = [
            {"start": t.start.isoformat(), "end": t.end.isoformat(), "text": t.text, "asked": t.asked}
            for t in self.times
        ]
        data["places"] = [{"kind": p.kind, "name": p.name} for p in self.places]
        return data

    def to_json(self) -> str:
        """One JSON object, Chinese kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False)
