"""The rule layer's word lists (data/lexicon.toml), compiled once, and cue matching with negation and scope."""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

LEXICON_PATH: Final[Path] = Path(__file__).parent / "data" / "lexicon.toml"
CUE_GROUPS: Final[tuple[str, ...]] = (
    "critical", "urgent", "low_urgency", "withdrawal", "complaint", "delay", "inquiry", "booking", "praise", "fault",
    "suggestion", "dept_engineering", "dept_cleaning_greening", "dept_security_order", "dept_service_attitude",
    "dept_fees", "dept_value_added",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CueMatch:
    """One lexicon hit: its group, the words, where, and whether negated, in the past or hypothetical."""

    group: str
    term: str
    start: int
    end: int
    negated: bool
    past: bool
    hypothetical: bool

    @property
    def live(self) -> bool:
        """True when the cue speaks of something happening now."""
        return not (self.negated or self.past or self.hypothetical)


def _alternation(terms: list[str]) -> re.Pattern[str]:
    parts = [t[3:] if t.startswith("re:") else re.escape(t) for t in terms]
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled word lists."""

    raw: dict[str, Any]
    typos: re.Pattern[str]
    typo_map: dict[str, str]
    literals: re.Pattern[str]
    literal_groups: dict[str, tuple[str, ...]]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    negate_before: re.Pattern[str]
    negate_after: re.Pattern[str]
    past: re.Pattern[str]
    ongoing: re.Pattern[str]
    hypothetical: re.Pattern[str]


@cache
def lexicon() -> Lexicon:
    """The lexicon, loaded and compiled on first use."""
    with LEXICON_PATH.open("rb") as fh:
        raw = tomllib.load(fh)
    typo_map = dict(raw["typos"])
    literal_groups: dict[str, tuple[str, ...]] = {}
    patterns = []
    for group in CUE_GROUPS:
        for term in raw[group]["terms"]:
            if term.startswith("re:"):
                patterns.append((group, re.compile(term[3:])))
            else:
                literal_groups[term] = (*literal_groups.get(term, ()), group)
    return Lexicon(
        raw=raw,
        typos=_alternation(list(typo_map)),
        typo_map=typo_map,
        literals=_alternation(list(literal_groups)),
        literal_groups=literal_groups,
        patterns=tuple(patterns),
        negate_before=re.compile(
            "(?:" + "|".join(map(re.escape, raw["negators"]["before"])) + r")[^,，。!！?？]{0,2}$"
        ),
        negate_after=re.compile(r"^[^,，。!！?？]{0,4}(?:" + "|".join(map(re.escape, raw["negators"]["after"])) + ")"),
        past=_alternation(raw["past"]["markers"]),
        ongoing=_alternation(raw["past"]["ongoing"]),
        hypothetical=_alternation(raw["hypothetical"]["markers"]),
    )


def fix_typos(text: str) -> str:
    """Correct the homophones and slips listed under [typos] (楼水 → 漏水)."""
    lex = lexicon()
    return lex.typos.sub(lambda m: lex.typo_map[m.group()], text)


_CLAUSE_BREAK = re.compile(r"[,.;!?，。；！？\n]")


def _clause_bounds(breaks: list[int], length: int, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): from after the previous break to the next one."""
    i = bisect.bisect_left(breaks, start)
    left = breaks[i - 1] + 1 if i > 0 else 0
    j = bisect.bisect_left(breaks, end)
    right = breaks[j] if j < len(breaks) else length
    return left, right


def find_cues(text: str) -> list[CueMatch]:
    """Every lexicon cue in a normalised text, with its negation, past and hypothetical scope."""
    lex = lexicon()
    hits = [(group, m) for m in lex.literals.finditer(text) for group in lex.literal_groups[m.group()]]
    hits += [(group, m) for group, pattern in lex.patterns for m in pattern.finditer(text)]
    found: list[CueMatch] = []
    if not hits:
        return found
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    for group, match in hits:
        start, end = match.span()
        left, right = _clause_bounds(breaks, len(text), start, end)
        before = text[max(left, start - 5) : start]
        negated = bool(lex.negate_before.search(before)) or bool(lex.negate_after.search(text[end:right]))
        past = bool(lex.past.search(text, left, start)) and not lex.ongoing.search(text, left, right)
        hypothetical = bool(lex.hypothetical.search(text, left, right))
        found.append(CueMatch(group, match.group(), start, end, negated, past, hypothetical))
    return found
