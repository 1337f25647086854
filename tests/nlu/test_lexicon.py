"""The lexicon's one-pass scanner finds every literal term where a plain search finds it, and the cue regexes it
skips could not have matched."""

import random
import re

import pytest

from nlu.lexicon import _scan, find_cues, lexicon
from nlu.regex_factors import required_factors


def _every_occurrence(text: str) -> list[tuple[str, tuple[int, int], str, tuple[int, int]]]:
    """The reference: every term at every start, longest first, less terms inside a same-group hit."""
    groups = lexicon().literal_groups
    found, reach = [], {}
    for start in range(len(text)):
        for end in range(len(text), start, -1):
            for group in groups.get(text[start:end], ()):
                if reach.get(group, -1) < end:
                    reach[group] = end
                    found.append((group, (start, end), text[start:end], (start, end)))
    return found


def test_the_scan_finds_every_literal_occurrence_overlaps_included() -> None:
    words = list(lexicon().literal_groups)
    chars = sorted(set("".join(words)) | set("，。 1a"))
    rng = random.Random(7)
    for _ in range(3_000):
        text = "".join(rng.choice(words) if rng.random() < 0.5 else rng.choice(chars) for _ in range(rng.randint(0, 8)))
        assert _scan(lexicon(), text)[0] == _every_occurrence(text), text


def test_the_scan_keeps_a_term_inside_a_longer_term_of_another_group_only() -> None:
    hits = _scan(lexicon(), "门锁不上")[0]
    assert {term for _, _, term, _ in hits} >= {"门锁不上", "门锁"}
    assert all(group != "urgent" or span == (0, 4) for group, span, _, _ in hits)


def test_a_term_in_two_groups_is_one_hit_per_group_with_the_same_scope() -> None:
    lex = lexicon()
    term = next(t for t, groups in lex.literal_groups.items() if len(groups) > 1)
    cues = find_cues("不" + term)
    assert [c.group for c in cues if c.term == term] == list(lex.literal_groups[term])
    assert len({(c.start, c.end, c.negated, c.past, c.hypothetical) for c in cues if c.term == term}) == 1


@pytest.mark.parametrize(
    ("pattern", "factors"),
    [
        (r"(?<![害可恐])怕", {"怕"}),
        (r"(?:燃气|煤气)报警器?[^,，。]{0,6}(?:响|叫)", {"燃气报警", "煤气报警"}),
        (r"水[^,，。]{0,4}(?:发黄|浑浊)|不敢喝", {"发黄", "浑浊", "不敢喝"}),
        (r"\d(?<!\d\d)\d{0,3}天了", {"天了"}),
        (r"[^,]{2}\d+", None),
        (r"(?i)lift", None),
        (r"a*", None),
    ],
)
def test_required_factors(pattern: str, factors: set[str] | None) -> None:
    assert required_factors(re.compile(pattern)) == (frozenset(factors) if factors is not None else None)


def test_every_match_of_a_cue_regex_contains_one_of_its_factors() -> None:
    rng = random.Random(11)
    for _, pattern in lexicon().patterns:
        factors = required_factors(pattern)
        if factors is None:
            continue
        # texts that match: the regex's own matches on strings built from its factors and random filler
        pieces = sorted(factors) + list("水电燃气了没有的 ,，。123")
        for _ in range(300):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
            for m in pattern.finditer(text):
                assert any(f in m.group() for f in factors), (pattern.pattern, text)
            if pattern.search(text):
                assert any(f in text for f in factors), (pattern.pattern, text)
