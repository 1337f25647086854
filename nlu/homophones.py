"""Pinyin-input slips of the domain's words, put right: 煤起味 → 煤气味, 暖企 → 暖气, 门尽卡 → 门禁卡.

The slips are listed in data/homophones.tsv, built from the domain words by `python -m nlu.homophone_table`. A slip
is put right only where the segmenter leaves its characters to themselves: where they belong to a word with a
neighbour (3号楼 + 水管 is no 漏水管 though 楼水 is a slip), or where a number comes right before it (1部能用: a
measure word, no slip of 不能用), the text stays as written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

import ahocorasick_rs

from nlu.tokenizer import DATA_DIR, tokenizer

HOMOPHONES_PATH: Final[Path] = DATA_DIR / "homophones.tsv"


@cache
def _slips() -> tuple[ahocorasick_rs.AhoCorasick | None, tuple[str, ...]]:
    """The automaton of every slip (longest match first) and, by index, the word each stands for."""
    rows = [
        line.split("\t")
        for line in HOMOPHONES_PATH.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    if not rows:
        return None, ()
    automaton = ahocorasick_rs.AhoCorasick(
        [slip for slip, _ in rows],
        matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
        implementation=ahocorasick_rs.Implementation.ContiguousNFA,  # built in 0.04 s; a DFA takes 0.09 s
    )
    return automaton, tuple(word for _, word in rows)


def fix_homophones(text: str) -> str:
    """`text` with each slip of the table that stands alone (see the module) replaced by its word."""
    automaton, words = _slips()
    if automaton is None:
        return text
    try:
        found = automaton.find_matches_as_indexes(text)
    except UnicodeEncodeError:  # a lone surrogate: no slip has one
        return text
    if not found:
        return text
    starts, ends = set(), set()
    for _, start, end in tokenizer().tokenize(text, HMM=False):
        starts.add(start)
        ends.add(end)
    parts, done = [], 0
    for index, start, end in found:
        if start in starts and end in ends and not (start and text[start - 1].isdigit()):
            parts += [text[done:start], words[index]]
            done = end
    return "".join(parts) + text[done:] if parts else text
