"""Literal strings one of which every match of a regex contains, so that a scan for them can skip the regex.

The cue regexes of the lexicon mostly name their words ((?:燃气|煤气)报警器?…响): a text with none of those words
cannot match, and one Aho-Corasick pass over the text for all such words is much cheaper than a search per regex.
The analysis reads the parse tree of Python's own regex parser (re._parser, private but stable since 3.11); any
construct it does not understand makes it give up (None: the regex is always searched), so it is never wrong,
only sometimes unhelpful.
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Final

_MAX_STRINGS: Final[int] = 64
"""Alternatives multiply along a sequence; past this many a run of literals is cut and a new one starts."""
_ZERO_WIDTH: Final[frozenset[Any]] = frozenset({c.ASSERT, c.ASSERT_NOT, c.AT})

Factors = frozenset[str]


def required_factors(pattern: re.Pattern[str]) -> Factors | None:
    """Non-empty strings one of which every match of `pattern` contains (none inside another), or None when none
    can be told."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        return _required(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unexpected parse tree: no gate, the regex is searched on every text
        return None


def _exact(items: Any) -> set[str] | None:
    """The strings a parsed sequence can match when it is literal text (a few alternatives), else None."""
    out = {""}
    for op, av in items:
        alternatives = _exact_item(op, av)
        if alternatives is None:
            return None
        out = {a + b for a in out for b in alternatives}
        if len(out) > _MAX_STRINGS:
            return None
    return out


def _exact_item(op: Any, av: Any) -> set[str] | None:
    if op is c.LITERAL:
        return {chr(av)}
    if op in _ZERO_WIDTH:  # an assertion consumes nothing: it only restricts where the rest matches
        return {""}
    if op is c.SUBPATTERN:
        _, add_flags, del_flags, body = av
        return None if add_flags or del_flags else _exact(body)
    if op is c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            strings = _exact(branch)
            if strings is None:
                return None
            union |= strings
        return union
    if op is c.IN:
        return {chr(value) for kind, value in av} if all(kind is c.LITERAL for kind, _ in av) else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[:2] == (0, 1):
        inner = _exact(av[2])
        return None if inner is None else inner | {""}
    return None


def _better(best: set[str] | None, candidate: set[str] | None) -> set[str] | None:
    """The more selective of two factor sets: the longer shortest string, then the fewer strings."""
    if not candidate or "" in candidate:
        return best
    if best is None:
        return candidate
    key = lambda s: (min(map(len, s)), -len(s))  # noqa: E731
    return candidate if key(candidate) > key(best) else best


def _required(items: Any) -> Factors | None:
    """Factors of a parsed sequence: the best of its runs of literal items and of what its other items require."""
    best: set[str] | None = None
    run = {""}
    for op, av in items:
        exact = _exact_item(op, av)
        if exact is not None:
            joined = {a + b for a in run for b in exact}
            if len(joined) > _MAX_STRINGS:
                best, joined = _better(best, run), exact
            run = joined
            continue
        best, run = _better(best, run), {""}
        if op is c.SUBPATTERN and not (av[1] or av[2]):
            best = _better(best, _set(_required(av[3])))
        elif op is c.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            if all(branches):
                best = _better(best, set().union(*branches))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            best = _better(best, _set(_required(av[2])))
    best = _better(best, run)
    if not best:
        return None
    # A string containing another factor adds nothing: 燃气报警器 always holds 燃气报警.
    return frozenset(f for f in best if not any(g != f and g in f for g in best))


def _set(factors: Factors | None) -> set[str] | None:
    return set(factors) if factors else None
