"""The rule layer's word lists (data/lexicon.toml), compiled once, and cue matching with negation and scope."""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple

LEXICON_PATH: Final[Path] = Path(__file__).parent / "data" / "lexicon.toml"
CUE_GROUPS: Final[tuple[str, ...]] = (
    "critical", "urgent", "low_urgency", "withdrawal", "complaint", "delay", "inquiry", "booking", "praise", "fault",
    "suggestion", "emergency", "misconduct", "harm", "nuisance", "greeting",
    "dept_engineering", "dept_cleaning_greening", "dept_security_order", "dept_service_attitude",
    "dept_fees", "dept_value_added",
)  # fmt: skip


class CueMatch(NamedTuple):
    """One lexicon hit: its group, the words, where, and whether negated, in the past or hypothetical.

    A named tuple rather than a frozen dataclass: as immutable, and several times cheaper to create, which counts
    at a few hits per message.
    """

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


def _trie_alternation(words: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds what the longest-first alternation of the (non-empty, literal) words finds, faster.

    The words are merged into a trie, so at each position the regex follows one path instead of trying every word
    in turn. Children of a node start with different characters, so at most one can go on matching; the greedy
    optional tail of a word-ending node makes the match the longest word there, as the longest-first order does.
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return "(?:" + body + ")?" if len(branches) == 1 else body + "?"

    return re.compile(pattern(root))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled word lists."""

    raw: dict[str, Any]
    typos: re.Pattern[str]
    typo_map: dict[str, str]
    literals: re.Pattern[str]
    literal_groups: dict[str, tuple[str, ...]]
    expansions: dict[str, tuple[tuple[str, int, tuple[str, ...]], ...]]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    negate_before: re.Pattern[str]
    negate_after: re.Pattern[str]
    past: re.Pattern[str]
    ongoing: re.Pattern[str]
    hypothetical: re.Pattern[str]
    feared: re.Pattern[str]


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
            elif group not in literal_groups.get(term, ()):  # a term listed twice in a group is one cue
                literal_groups[term] = (*literal_groups.get(term, ()), group)
    literals = _trie_alternation(literal_groups)
    return Lexicon(
        raw=raw,
        typos=_alternation(list(typo_map)),
        typo_map=typo_map,
        literals=literals,
        literal_groups=literal_groups,
        # each term with the shorter terms it starts with, longest first, and their lengths and groups
        expansions={
            t: tuple(
                (p, len(p), literal_groups[p])
                for p in sorted((p for p in literal_groups if t.startswith(p)), key=len, reverse=True)
            )
            for t in literal_groups
        },
        patterns=tuple(patterns),
        # 是不是漏气 / 有没有漏水 ask whether it is so: a negator right after 是 or 有 does not negate.
        negate_before=re.compile(
            r"(?<![是有])(?:" + "|".join(map(re.escape, raw["negators"]["before"])) + r")[^,，。!！?？\s]{0,2}$"
        ),
        # A space ends a phrase in voice input: 救命 电梯停了 does not call off 救命.
        negate_after=re.compile(
            r"^[^,，。!！?？\s]{0,4}(?:" + "|".join(map(re.escape, raw["negators"]["after"])) + ")"
        ),
        past=_alternation(raw["past"]["markers"]),
        ongoing=_alternation(raw["past"]["ongoing"]),
        hypothetical=_alternation(raw["hypothetical"]["markers"]),
        # 怕掉下去, 很容易着火, 差点摔倒: a fear or a near miss just before the cue, not the thing itself
        feared=re.compile(r"(?:" + _alternation(raw["hypothetical"]["feared"]).pattern + r")[^,，。!！?？\s]{0,4}$"),
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


def _literal_hits(lex: Lexicon, text: str) -> list[tuple[str, tuple[int, int], str]]:
    """Every literal term at every position, overlaps included (门锁不上: 门锁 and 锁不上), less any term inside a
    longer term of the same group (it adds nothing: 门锁不上 already says 锁不上 for `urgent`)."""
    found: list[tuple[str, tuple[int, int], str]] = []
    # Hits come by start, the longest first at each start, so a term lies inside an earlier hit of its group exactly
    # when that group's hits already reach its end.
    reach: dict[str, int] = {}
    # The longest-first scan skips the positions inside each match; a term may start there too (门锁 then 锁不上),
    # so each is tried on its own: far cheaper than a scan that stops at every position.
    literals = lex.literals
    for m in literals.finditer(text):
        start, stop = m.span()
        at = [(start, m.group())]
        at += [(p, inner.group()) for p in range(start + 1, stop) if (inner := literals.match(text, p))]
        for start, longest in at:
            for term, length, groups in lex.expansions[longest]:
                end = start + length
                for group in groups:
                    if reach.get(group, -1) >= end:
                        continue
                    reach[group] = end
                    found.append((group, (start, end), term))
    return found


def find_cues(text: str) -> list[CueMatch]:
    """Every lexicon cue in a normalised text, with its negation, past and hypothetical scope.

    Literal cues may overlap: a shorter cue inside a longer one of another group counts too (门锁 hides no 锁不上;
    不是很急 holds 很急, which its own 不是 negates).
    """
    lex = lexicon()
    hits = [(group, span, term, span) for group, span, term in _literal_hits(lex, text)]
    # search() first: most patterns find nothing, and a finditer costs several times a search to set up
    hits += [
        (group, m.span(), m.group(), m.span("cue") if "cue" in pattern.groupindex else m.span())
        for group, pattern in lex.patterns
        if pattern.search(text)
        for m in pattern.finditer(text)
    ]
    found: list[CueMatch] = []
    if not hits:
        return found
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    scopes: dict[tuple[int, int], tuple[bool, bool, bool]] = {}  # a term in several groups is scoped once
    hypothetical_in: dict[tuple[int, int], bool] = {}  # per clause
    for group, span, term, anchor in hits:
        # A pattern's named group `cue` is the part whose negation counts: in 燃气的 没有味道 the smell is denied.
        scope = scopes.get(anchor)
        if scope is None:
            start, end = anchor
            left, right = _clause_bounds(breaks, len(text), start, end)
            before = text[max(left, start - 5) : start]
            negated = bool(lex.negate_before.search(before)) or bool(lex.negate_after.search(text[end:right]))
            past = bool(lex.past.search(text, left, start)) and not lex.ongoing.search(text, left, right)
            hypothetical = hypothetical_in.get((left, right))
            if hypothetical is None:
                hypothetical = hypothetical_in[left, right] = bool(lex.hypothetical.search(text, left, right))
            hypothetical = hypothetical or bool(lex.feared.search(before))
            scope = scopes[anchor] = (negated, past, hypothetical)
        found.append(CueMatch(group, term, *span, *scope))
    return found
