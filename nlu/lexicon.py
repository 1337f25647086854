"""The rule layer's word lists (data/lexicon.toml), compiled once, and cue matching with negation and scope."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

LEXICON_PATH: Final[Path] = Path(__file__).parent / "data" / "lexicon.toml"
CUE_GROUPS: Final[tuple[str, ...]] = (
    "critical", "urgent", "low_urgency", "withdrawal", "complaint", "delay", "inquiry", "booking", "praise",
)  # fmt: skip
_CLAUSE_BREAK = re.compile(r"[,.;!?，。；！？\n]")


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
    groups: dict[str, re.Pattern[str]]
    negate_before: re.Pattern[str]
    negate_after: re.Pattern[str]
    past: re.Pattern[str]
    hypothetical: re.Pattern[str]


@cache
def lexicon() -> Lexicon:
    """The lexicon, loaded and compiled on first use."""
    with LEXICON_PATH.open("rb") as fh:
        raw = tomllib.load(fh)
    typo_map = dict(raw["typos"])
    return Lexicon(
        raw=raw,
        typos=_alternation(list(typo_map)),
        typo_map=typo_map,
        groups={group: _alternation(raw[group]["terms"]) for group in CUE_GROUPS},
        negate_before=re.compile(
            "(?:" + "|".join(map(re.escape, raw["negators"]["before"])) + r")[^,，。!！?？]{0,2}$"
        ),
        negate_after=re.compile(r"^[^,，。!！?？]{0,4}(?:" + "|".join(map(re.escape, raw["negators"]["after"])) + ")"),
        past=_alternation(raw["past"]["markers"]),
        hypothetical=_alternation(raw["hypothetical"]["markers"]),
    )


def fix_typos(text: str) -> str:
    """Correct the homophones and slips listed under [typos] (楼水 → 漏水)."""
    lex = lexicon()
    return lex.typos.sub(lambda m: lex.typo_map[m.group()], text)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = start
    while left > 0 and not _CLAUSE_BREAK.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and not _CLAUSE_BREAK.match(text[right]):
        right += 1
    return left, right


def find_cues(text: str) -> list[CueMatch]:
    """Every lexicon cue in a normalised text, with its negation, past and hypothetical scope."""
    lex = lexicon()
    found: list[CueMatch] = []
    for group, pattern in lex.groups.items():
        for match in pattern.finditer(text):
            start, end = match.span()
            left, right = _clause_bounds(text, start, end)
            before = text[max(left, start - 5) : start]
            negated = bool(lex.negate_before.search(before)) or bool(lex.negate_after.search(text[end:right]))
            clause_before = text[left:start]
            past = bool(lex.past.search(clause_before))
            hypothetical = bool(lex.hypothetical.search(text[left:right]))
            found.append(CueMatch(group, match.group(), start, end, negated, past, hypothetical))
    return found
