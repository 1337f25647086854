"""OpenCC's Traditional→Simplified conversion with its own dictionaries and result, at a fraction of the cost.

opencc-python-reimplemented converts each piece between separators by building a tree: it finds the longest
dictionary entry anywhere in the piece (the leftmost of that length), replaces it, and repeats on the text to its
left and right; what no entry of a dictionary matched is handed to the next dictionary of the group (phrases, then
characters). That recursion chooses exactly what a greedy pass does: take the occurrences in order of length (longest
first), then position, each unless it overlaps one already taken; the next dictionary then only gets the untaken
text. `Converter` does that greedy pass from one scan of the piece per dictionary, and maps the final
one-character dictionary with str.translate.
"""

from __future__ import annotations

from dataclasses import dataclass

import opencc


@dataclass(frozen=True, slots=True)
class _Dictionary:
    entries: dict[str, str]
    min_len: int
    max_len: int
    prefixes: frozenset[str]
    """Every prefix of every entry: the scan from a position stops at the first substring that is none."""
    table: dict[int, str]
    """For a dictionary of single characters, their replacements as a str.translate table."""


class Converter:
    """Converts text exactly as `opencc.OpenCC(config).convert` does, from the same loaded dictionaries."""

    def __init__(self, config: str = "t2s") -> None:
        cc = opencc.OpenCC(config)
        self._split = cc.split_chars_re
        self._chain = [
            [
                _Dictionary(
                    entries,
                    min_len,
                    max_len,
                    frozenset(key[:n] for key in entries for n in range(1, len(key) + 1)),
                    {ord(key): _first(value) for key, value in entries.items()} if max_len == 1 else {},
                )
                for max_len, min_len, entries in group
            ]
            for group in cc._dict_chain_data  # the library's own loaded chain, so the data cannot drift
        ]

    def convert(self, text: str) -> str:
        pieces = self._split.split(text)  # with its capturing group: text at even indices, separators at odd
        for i in range(0, len(pieces), 2):
            for group in self._chain:
                pieces[i] = _convert_group(pieces[i], group)
        return "".join(pieces)


def _matches(text: str, dictionary: _Dictionary) -> list[tuple[int, int, str]]:
    """Every entry occurrence as (length, start, replacement), longest first, then leftmost."""
    entries = dictionary.entries
    if dictionary.max_len == 1:  # characters: already in that order
        return [(1, start, _first(entries[ch])) for start, ch in enumerate(text) if ch in entries]
    found: list[tuple[int, int, str]] = []
    prefixes, min_len, max_len = dictionary.prefixes, dictionary.min_len, dictionary.max_len
    if prefixes.isdisjoint(text):  # no character that starts an entry (single characters are prefixes too)
        return found
    n = len(text)
    for start, ch in enumerate(text):
        if ch not in prefixes:
            continue
        stop = start + max_len if start + max_len < n else n
        end = start + 1
        while end <= stop and text[start:end] in prefixes:
            if end - start >= min_len:
                value = entries.get(text[start:end])
                if value is not None:
                    found.append((end - start, start, _first(value)))
            end += 1
    found.sort(key=lambda m: (-m[0], m[1]))
    return found


def _first(value: str) -> str:
    """An entry with several mappings (space-separated) converts to the first."""
    return value.split(" ")[0]


def _convert_group(text: str, group: list[_Dictionary]) -> str:
    if not text:
        return text
    last = group[-1]
    translate_last = last.max_len == 1
    taken = bytearray(len(text))
    chosen: list[tuple[int, int, str]] = []  # (start, length, replacement)
    for dictionary in group[:-1] if translate_last else group:
        for length, start, value in _matches(text, dictionary):
            if taken.find(1, start, start + length) < 0:
                taken[start : start + length] = b"\x01" * length
                chosen.append((start, length, value))
    if not chosen:
        return text.translate(last.table) if translate_last else text
    chosen.sort()
    out = []
    position = 0
    for start, length, value in chosen:
        gap = text[position:start]
        out.append(gap.translate(last.table) if translate_last else gap)
        out.append(value)
        position = start + length
    gap = text[position:]
    out.append(gap.translate(last.table) if translate_last else gap)
    return "".join(out)
