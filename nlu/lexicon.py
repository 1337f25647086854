"""The rule layer's word lists (data/lexicon.toml), compiled once, and cue matching with negation and scope."""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple

import ahocorasick_rs

from nlu.regex_factors import required_factors

LEXICON_PATH: Final[Path] = Path(__file__).parent / "data" / "lexicon.toml"
CUE_GROUPS: Final[tuple[str, ...]] = (
    "critical", "urgent", "low_urgency", "withdrawal", "complaint", "delay", "repeat", "inquiry", "booking", "praise",
    "fault", "suggestion", "emergency", "misconduct", "harm", "nuisance", "greeting",
    "dept_engineering", "dept_cleaning_greening", "dept_security_order", "dept_service_attitude",
    "dept_fees", "dept_value_added", "person_at_risk", "body_harm", "imminent", "exposed",
    "toxic", "ingest", "fuel_spill", "ignition", "pet", "danger_word", "resolved", "pursued", "cornered",
    "farewell", "unanswered",
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


@cache
def corrections() -> re.Pattern[str]:
    """The words that correct what was just said (不对, 写错了, 应该是): see `[corrections]` in the lexicon."""
    return alternation(lexicon().raw["corrections"]["words"])


def alternation(terms: list[str]) -> re.Pattern[str]:
    """One pattern for a list of lexicon terms: words as written, `re:` entries as regular expressions, longest
    first."""
    parts = [t[3:] if t.startswith("re:") else re.escape(t) for t in terms]
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts))


class _Key(NamedTuple):
    """What a string found by the scanner stands for: a literal cue term (its groups) and the cue regexes it gates."""

    length: int
    term: str
    groups: tuple[str, ...]
    """The cue groups of the literal term; empty when the string only gates regexes."""
    patterns: tuple[int, ...]
    """Indices into `Lexicon.patterns` of the regexes that can only match a text containing the string."""


class _Scanner:
    """One Aho-Corasick automaton (ahocorasick-rs, a DFA) for every literal term and every regex factor: a single
    pass finds them all, overlapping occurrences included.

    pyahocorasick, used before, looks a character up among a node's children one by one: with some 460 characters
    starting a key, its scan cost as much as the rest of the cue search. The DFA takes one table step a character.
    """

    def __init__(self, literal_groups: dict[str, tuple[str, ...]], factors: dict[str, list[int]]) -> None:
        strings = sorted(literal_groups.keys() | factors.keys())
        self.keys: tuple[_Key, ...] = tuple(
            _Key(len(key), key, literal_groups.get(key, ()), tuple(factors.get(key, ()))) for key in strings
        )
        self._automaton = ahocorasick_rs.AhoCorasick(
            strings, matchkind=ahocorasick_rs.MatchKind.Standard, implementation=ahocorasick_rs.Implementation.DFA
        )

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every key as (index into `keys`, start, end), overlaps included."""
        return find_overlapping(self._automaton, text)


def find_overlapping(automaton: ahocorasick_rs.AhoCorasick, text: str) -> list[tuple[int, int, int]]:
    """Every occurrence of every key of `automaton` in `text` as (key index, start, end), overlaps included."""
    try:
        return automaton.find_matches_as_indexes(text, overlapping=True)
    except UnicodeEncodeError:  # a lone surrogate (normalize removes them): one code point for one, no key's
        return automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=True)


_SURROGATE = re.compile("[\ud800-\udfff]")
_PERSON: Final = "[孩人我他她娃老爸妈爷奶友]"
"""A character that starts a word for a person (孩子, 有人, 我, 老人, 我妈, 小朋友): see `Lexicon.animal_subject`."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled word lists."""

    raw: dict[str, Any]
    typos: _TypoTable
    """The [typos] table (see `fix_typos`)."""
    literal_groups: dict[str, tuple[str, ...]]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    scanner: _Scanner
    """The literal terms and the regexes' factors, found in one pass."""
    ungated: tuple[int, ...]
    """Indices of the regexes without factors: searched on every text."""
    negate_before: re.Pattern[str]
    negate_after: re.Pattern[str]
    past: re.Pattern[str]
    ongoing: re.Pattern[str]
    recurs: re.Pattern[str]
    """Anywhere after a past marker in its clause: the thing happened again (今天又夹了一次), so it is not over."""
    past_after: re.Pattern[str]
    """Matched right after a cue with no past marker before it: a count of times or 过 (困人四次, 被夹过两次)."""
    hypothetical: re.Pattern[str]
    cut_by: re.Pattern[str]
    """A word of just now (刚刚, 对了): a past or hypothetical marker before it does not reach a cue after it."""
    feared: re.Pattern[str]
    supposed_before: re.Pattern[str]
    supposed_after: re.Pattern[str]
    supposed_unless: re.Pattern[str]
    """With `supposed_before` just before a cue, a consequence after it in its clause and no `supposed_unless` in the
    clause, the danger is supposed (真着火了怎么办: "if there really were a fire, then what?")."""
    asked_if_real: re.Pattern[str]
    """Just before a cue, a question whether it is real (还是真的着火了): the cue is not hypothetical."""
    conditional: re.Pattern[str]
    """Matched right after a cue: the cue is a condition (着火的话往哪跑, 停电的话电梯也停吗), so hypothetical."""
    animal_subject: re.Pattern[str]
    """Searched up to a cue's start: an animal as the subject of the danger word ([pet] subjects)."""
    vehicle_subject: re.Pattern[str]
    """Searched up to a cue's start: a vehicle right before a word of being shut in ([vehicle])."""
    vehicle_trapped: frozenset[str]
    """The cue terms a vehicle subject takes the danger out of ([vehicle] trapped)."""
    thing_subject: re.Pattern[str]
    """Searched up to a cue's start: a thing before a word of falling ([thing] subjects), with no person between."""
    thing_falls: tuple[str, ...]
    """The first characters of the cue terms a thing subject takes the danger out of ([thing] falls)."""
    thing_dropped: re.Pattern[str]
    """Searched up to a cue's start: 把 and something that is no person (把遥控器摔下来了: a thing dropped)."""
    smell_source: re.Pattern[str]
    """A harmless source of smoke or a smell ([smell_source] sources: 抽烟, 烧烤)."""
    smells: tuple[str, ...]
    """The first characters of the cue terms a harmless source takes the danger out of ([smell_source] smells)."""
    person: re.Pattern[str]
    """A character that starts a word for a person (孩子, 有人, 我, 老人, 我妈, 小朋友)."""
    danger_pairs: tuple[tuple[str, str], ...]
    """Pairs of cue groups that, both live in one message, make it critical ([danger_pairs])."""
    danger_pairs_unless: frozenset[str]
    """Cue groups that, live, keep the pairs from counting (a pet as the one harmed)."""


@cache
def lexicon() -> Lexicon:
    """The lexicon, loaded and compiled on first use."""
    with LEXICON_PATH.open("rb") as fh:
        raw = tomllib.load(fh)
    literal_groups: dict[str, tuple[str, ...]] = {}
    patterns = []
    for group in CUE_GROUPS:
        for term in raw[group]["terms"]:
            if term.startswith("re:"):
                patterns.append((group, re.compile(term[3:])))
            elif group not in literal_groups.get(term, ()):  # a term listed twice in a group is one cue
                literal_groups[term] = (*literal_groups.get(term, ()), group)
    factors: dict[str, list[int]] = {}
    ungated = []
    for i, (_, pattern) in enumerate(patterns):
        strings = required_factors(pattern)
        if strings is None:
            ungated.append(i)
        for string in strings or ():
            factors.setdefault(string, []).append(i)
    return Lexicon(
        raw=raw,
        typos=_typo_table(raw["typos"]),
        literal_groups=literal_groups,
        patterns=tuple(patterns),
        scanner=_Scanner(literal_groups, factors),
        ungated=tuple(ungated),
        # 是不是漏气 / 有没有漏水 ask whether it is so: a negator right after 是 or 有 does not negate.
        negate_before=re.compile(
            r"(?<!是(?=不是))(?<!有(?=没有))(?:" + "|".join(map(re.escape, raw["negators"]["before"])) + r")"
            r"[^,，。!！?？\s]{0,2}$"
        ),
        # A space ends a phrase in voice input: 救命 电梯停了 does not call off 救命.
        negate_after=re.compile(
            r"^[^,，。!！?？\s]{0,4}(?:" + "|".join(map(re.escape, raw["negators"]["after"])) + ")"
        ),
        past=alternation(raw["past"]["markers"]),
        ongoing=alternation(raw["past"]["ongoing"]),
        past_after=re.compile(raw["past"]["after"]),
        recurs=alternation(raw["past"]["recurs"]),
        hypothetical=alternation(raw["hypothetical"]["markers"]),
        cut_by=alternation(raw["hypothetical"]["cut_by"]),
        # 怕掉下去, 很容易着火, 差点摔倒: a fear or a near miss just before the cue, not the thing itself
        feared=re.compile(r"(?:" + alternation(raw["hypothetical"]["feared"]).pattern + r")[^,，。!！?？\s]{0,4}$"),
        supposed_before=re.compile(raw["hypothetical"]["supposed_before"]),
        supposed_after=alternation(raw["hypothetical"]["supposed_after"]),
        supposed_unless=alternation(raw["hypothetical"]["supposed_unless"]),
        asked_if_real=re.compile(raw["hypothetical"]["asked_if_real"]),
        conditional=re.compile(raw["hypothetical"]["conditional"]),
        # 狗被关在, 猫从十五楼掉下去了; not 狗把小孩扑倒了: no person between the animal and the danger word; not
        # 老人被狗扑到河里: the animal after 被 did it to someone
        animal_subject=_subject_before(raw["pet"]["subjects"], not_after="被", gap=8),
        vehicle_subject=re.compile(r"(?:" + alternation(raw["vehicle"]["subjects"]).pattern + r")[被都还也就]?$"),
        vehicle_trapped=frozenset(raw["vehicle"]["trapped"]),
        thing_subject=_subject_before(raw["thing"]["subjects"]),
        thing_falls=tuple(raw["thing"]["falls"]),
        thing_dropped=re.compile(r"把(?:(?!" + _PERSON + r")[^,，。!！?？\s]){1,6}$"),
        smell_source=alternation(raw["smell_source"]["sources"]),
        smells=tuple(raw["smell_source"]["smells"]),
        person=re.compile(_PERSON),
        danger_pairs=tuple((a, b) for a, b in raw["danger_pairs"]["pairs"]),
        danger_pairs_unless=frozenset(raw["danger_pairs"]["unless"]),
    )


def _subject_before(words: list[str], not_after: str = "", gap: int = 4) -> re.Pattern[str]:
    """One of `words`, then at most `gap` characters of its phrase with no word for a person among them, up to the end
    of the searched span (a cue's start): the subject of that cue (狗被关在, 钥匙从阳台掉下去了; not 狗把小孩扑倒了)."""
    guard = f"(?<![{not_after}])" if not_after else ""
    body = r"(?:(?!" + _PERSON + r")[^,，。!！?？\s]){0," + str(gap) + "}$"
    return re.compile(guard + r"(?:" + alternation(words).pattern + r")" + body)


class _TypoTable(NamedTuple):
    """The [typos] table: slips as written, found in one pass, and slips kept out of other words by a regular
    expression (楼水 is no slip in 3号楼水管), each tried only where a string it must contain occurs."""

    literal: re.Pattern[str] | None
    literal_fixes: dict[str, str]
    guarded: tuple[tuple[frozenset[str], re.Pattern[str], str], ...]


def _typo_table(table: dict[str, str]) -> _TypoTable:
    """Split the [typos] table: an entry is a slip as written or, with `re:`, a regular expression whose lookarounds
    keep it out of other words. A guarded entry's required strings (see `required_factors`) gate it: a search for a
    pattern that starts with a look-behind is tried at every position, and cost 25 times the literal pass."""
    literal = {slip: fix for slip, fix in table.items() if not slip.startswith("re:")}
    guarded = []
    for key, fix in table.items():
        if key.startswith("re:"):
            pattern = re.compile(key[3:])
            factors = required_factors(pattern)
            if not factors:
                raise ValueError(f"[typos] {key!r}: a guarded slip must contain a literal string")
            guarded.append((factors, pattern, fix))
    return _TypoTable(alternation(list(literal)) if literal else None, literal, tuple(guarded))


def fix_typos(text: str) -> str:
    """Correct the homophones and slips listed under [typos] (楼水 → 漏水)."""
    table = lexicon().typos
    if table.literal is not None:
        text = table.literal.sub(lambda m: table.literal_fixes[m.group()], text)
    for factors, pattern, fix in table.guarded:
        if any(factor in text for factor in factors):
            text = pattern.sub(fix, text)
    return text


_new_cue = tuple.__new__
"""CueMatch's constructor without its Python-level __new__ (a cue is made for every hit)."""
CUE_CLAUSE_BREAK: Final = re.compile(r"[,.;!?，。；！？\n]")
"""What ends a clause: the scope of a cue's negation, past and hypothetical markers (see `find_cues`)."""
SCOPE_REACH: Final = 30
"""How far (in characters, within the clause) a past or hypothetical marker reaches to a cue. Residents chain several
matters without punctuation (物业费是不是涨了 账单比去年多了 … 对了楼道里好大一股煤气味): the whole message is then one
clause, and 去年 in the fee question made the gas smell past. The words that keep a past cue live (还在, 现在) reach
farther (see ONGOING_REACH): in doubt, a danger is taken as happening now. Cross-validation on the train split
(with 以为 as a feared marker, 以为着火了: a fire mistaken): 3,356 → 3,358 of 3,542 critical made critical, 903 → 901
false alarms, found or asked 3,448 → 3,452; type 91.33 → 91.31 %, urgency 91.66 → 91.68 %, tier 79.27 → 79.49 %."""


ONGOING_REACH: Final = 10
"""How far after a past cue (in characters, within its clause) a word that keeps it live (还在, 现在, 一直) is looked
for; between the past marker and the cue it counts anywhere (昨天开始就有煤气味), and 又 anywhere after the marker
(`Lexicon.recurs`). Farther on, such a word mostly speaks of something else: 上周被困电梯那次 … 一直隔着门跟我说话,
那次燃气管漏气 … 家里老人到现在还念叨他好. Anywhere in the clause, as before, made these live. At the rule level on
the train split, 10 characters makes 16 fewer false 特急 (3 characters 23, 6 19) and no critical message fewer; 10
keeps 上次电梯困人以后 到现在也没修好 (到现在 four characters on) live, in doubt."""


def _clause_bounds(breaks: list[int], length: int, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): from after the previous break to the next one."""
    i = bisect.bisect_left(breaks, start)
    left = breaks[i - 1] + 1 if i > 0 else 0
    j = bisect.bisect_left(breaks, end)
    right = breaks[j] if j < len(breaks) else length
    return left, right


def _scan(lex: Lexicon, text: str) -> tuple[list[tuple[str, tuple[int, int], str, tuple[int, int]]], list[int]]:
    """Every literal term at every position, overlaps included (门锁不上: 门锁 and 锁不上), less any term inside a
    longer term of the same group (it adds nothing: 门锁不上 already says 锁不上 for `urgent`), as (group, span,
    term, span scoped); and the indices of the cue regexes that may match (their factors occur, or they have none),
    in lexicon order."""
    occurrences = []
    gated: set[int] = set()
    if text:
        keys = lex.scanner.keys
        for index, start, _ in lex.scanner.find(text):
            key = keys[index]
            if key.groups:
                occurrences.append((start, -key.length, key))
            if key.patterns:
                gated.update(key.patterns)
    # By start, the longest first at each start: a term lies inside an earlier hit of its group exactly when that
    # group's hits already reach its end.
    occurrences.sort()
    found: list[tuple[str, tuple[int, int], str, tuple[int, int]]] = []
    reach: dict[str, int] = {}
    for start, _, key in occurrences:
        end = start + key.length
        span = (start, end)
        for group in key.groups:
            if reach.get(group, -1) >= end:
                continue
            reach[group] = end
            found.append((group, span, key.term, span))
    gated.update(lex.ungated)
    return found, sorted(gated)


def _english_lower_case(text: str) -> str:
    """The text with its letters in lower case, at the same offsets: the lexicon's English terms are written in lower
    case, and residents write Fire!, HELP or Gas Leak. (Chinese has no case; a character whose lower case is longer,
    İ, is left as it is so that every cue keeps its place.)"""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(c if len(c.lower()) > 1 else c.lower() for c in text)


def _supposed(lex: Lexicon, text: str, before: str, left: int, end: int, right: int) -> bool:
    """Whether the cue ending at `end` is a danger supposed (真着火了怎么办), in its clause [left, right)."""
    return bool(
        lex.supposed_before.search(before)
        and lex.supposed_after.search(text, end, right)
        and not lex.supposed_unless.search(text, left, right)
    )


def find_cues(text: str) -> list[CueMatch]:
    """Every lexicon cue in a normalised text, with its negation, past and hypothetical scope.

    Literal cues may overlap: a shorter cue inside a longer one of another group counts too (门锁 hides no 锁不上;
    不是很急 holds 很急, which its own 不是 negates).
    """
    lex = lexicon()
    text = _english_lower_case(text)
    hits, candidates = _scan(lex, text)
    # search() first: most patterns find nothing, and a finditer costs several times a search to set up
    hits += [
        (group, m.span(), m.group(), m.span("cue") if "cue" in pattern.groupindex else m.span())
        for group, pattern in map(lex.patterns.__getitem__, candidates)
        if pattern.search(text)
        for m in pattern.finditer(text)
    ]
    found: list[CueMatch] = []
    if not hits:
        return found
    breaks = [m.start() for m in CUE_CLAUSE_BREAK.finditer(text)]
    scopes: dict[tuple[int, int], tuple[bool, bool, bool]] = {}  # a term in several groups is scoped once
    for group, span, term, anchor in hits:
        # A pattern's named group `cue` is the part whose negation counts: in 燃气的 没有味道 the smell is denied.
        scope = scopes.get(anchor)
        if scope is None:
            start, end = anchor
            left, right = _clause_bounds(breaks, len(text), start, end)
            before = text[max(left, start - 5) : start]
            negated = bool(lex.negate_before.search(before)) or bool(lex.negate_after.search(text[end:right]))
            near = max(left, start - SCOPE_REACH)
            for cut in lex.cut_by.finditer(text, near, start):  # 明天 … 对了 … 刚刚摔倒了: markers before it stop
                near = cut.end()
            # up to the cue's end: a pattern spanning an event (狗上周咬了邻居家孩子) may hold its own marker
            marker = lex.past.search(text, near, end)
            told_from = marker.start() if marker else start
            past = (
                bool(marker or lex.past_after.match(text, end, right))
                and not lex.ongoing.search(text, told_from, min(right, end + ONGOING_REACH))
                and not lex.recurs.search(text, told_from, right)
            )
            hypothetical = (
                bool(lex.hypothetical.search(text, near, min(right, end + SCOPE_REACH)))
                or bool(lex.feared.search(before))
                or _supposed(lex, text, before, left, end, right)
                or bool(lex.conditional.match(text, end))
            ) and not lex.asked_if_real.search(before)  # checked last: only a cue that would be hypothetical needs it
            scope = scopes[anchor] = (negated, past, hypothetical)
        found.append(_new_cue(CueMatch, (group, term, *span, *scope)))
    return found
