"""`parse(text)`: one resident message in, one typed request out. Pure: no I/O after the first call's loading."""

from __future__ import annotations

from datetime import datetime

from nlu.analysis import analyse
from nlu.classify import decide
from nlu.entities import find_complaint_target, find_demands, find_names, find_places
from nlu.model import models
from nlu.request import Cue, ParsedRequest
from nlu.room_number import own_room
from nlu.time_expr import find_times


def parse_strict(text: str, *, now: datetime | None = None) -> ParsedRequest:
    """Parse, letting any internal error propagate (for tests and the property test)."""
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, not {type(text).__name__}")
    analysis = analyse(text)
    decision = decide(analysis, models())
    body = analysis.text
    complaint = decision.type == "complaint"
    return ParsedRequest(
        type=decision.type,
        urgency=decision.urgency,
        category=decision.category,
        tier=decision.tier if complaint else None,
        room=own_room(analysis.rooms),
        phone=analysis.phone,
        text=text,
        normalized=body,
        confidence=decision.confidence,
        cues=tuple(decision.cues),
        names=tuple(find_names(body)),
        complaint_target=find_complaint_target(body) if complaint else None,
        demands=tuple(find_demands(body)) if complaint else (),
        places=tuple(find_places(body)),
        times=tuple(find_times(body, now, looking_back=complaint)),
        rooms=tuple(dict.fromkeys(m.canonical for m in analysis.rooms)),
        negated=tuple(dict.fromkeys(c.term for c in analysis.cues if c.negated)),
        withdrawn=decision.withdrawn,
        danger_doubt=decision.danger_doubt,
        problems=analysis.problems,
        truncated=analysis.normalized.truncated,
    )


def parse(text: str, *, now: datetime | None = None) -> ParsedRequest:
    """Parse one resident message. Never raises: on an internal fault it returns a request a person must read."""
    try:
        return parse_strict(text if isinstance(text, str) else str(text), now=now)
    except Exception as exc:  # the last line of defence: a resident's message is never lost to a parser bug
        danger = _danger_words(text)
        return ParsedRequest(
            type="other",
            urgency="critical" if danger else "normal",
            category="other",
            tier=None,
            room=None,
            phone=None,
            text=text if isinstance(text, str) else repr(text),
            cues=(Cue("type", "other", f"解析失败，需人工查看: {type(exc).__name__}"),)
            + ((Cue("urgency", "critical", "危险信号: " + "、".join(danger)),) if danger else ()),
        )


def _danger_words(text: object) -> list[str]:
    """Critical words in the raw text, for the fallback: missing a critical message is the worst error."""
    try:
        from nlu.lexicon import lexicon

        raw = text if isinstance(text, str) else str(text)
        words = [t for t in lexicon().raw["critical"]["terms"] if not t.startswith("re:") and t in raw]
        return words[:5]
    except Exception:
        return []
