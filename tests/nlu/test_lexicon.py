"""The lexicon's compiled matchers find exactly what the plain longest-first alternation finds."""

import random

from nlu.lexicon import _alternation, _trie_alternation, find_cues, lexicon


def test_trie_alternation_matches_like_the_longest_first_alternation() -> None:
    words = list(lexicon().literal_groups)
    chars = sorted(set("".join(words)) | set("，。 1a"))
    plain, trie = _alternation(words), _trie_alternation(words)
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(words) if rng.random() < 0.5 else rng.choice(chars) for _ in range(rng.randint(0, 8)))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_trie_alternation_of_prefixes_takes_the_longest() -> None:
    trie = _trie_alternation(["漏", "漏水", "漏水了", "水"])
    assert [m.group() for m in trie.finditer("漏水了漏水漏x水")] == ["漏水了", "漏水", "漏", "水"]


def test_a_term_in_two_groups_is_one_hit_per_group_with_the_same_scope() -> None:
    lex = lexicon()
    term = next(t for t, groups in lex.literal_groups.items() if len(groups) > 1)
    cues = find_cues("不" + term)
    assert [c.group for c in cues if c.term == term] == list(lex.literal_groups[term])
    assert len({(c.start, c.end, c.negated, c.past, c.hypothetical) for c in cues if c.term == term}) == 1
