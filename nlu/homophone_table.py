"""Rebuild data/homophones.tsv, the pinyin-input slips of the domain's words: `python -m nlu.homophone_table`.

Residents type with pinyin input methods and dictate to speech-to-text, which pick the wrong character of the same
sound: 煤起味 for 煤气味, 暖企 for 暖气, 门尽 for 门禁, 臭谁 for 臭水. The table lists, for each domain word (the
property words of data/userdict.txt and the lexicon's literal terms, two to four Chinese characters), every spelling
with one character replaced by another common character of the same toneless pinyin, or some or all of its
characters typed as pinyin (lou水, dianti), less spellings that are words themselves (jieba's dictionary, the domain
dictionary, the lexicon) or that ordinary text writes across words. The
last is a noisy-channel test on jieba's word frequencies: a slip is kept only where the word it would become is at
least SLIP_ODDS times likelier than the slip read as the words it segments into (煤起 → 煤气 and 衰倒 → 摔倒 are
kept; 谁管, 没睡 and 送了 are ordinary words, no slips of 水管, 没水 and 松了). Nor is a spelling the corpus holds
anywhere taken for a slip: the corpus shows how residents write, and the unigram test reads no context (垫着,
妈上, 收不了 and 那家店 pass it, yet are 垫着 with a towel, 我妈上楼, 衣服收不了 and a shop). The corpus's own
deliberate slips are left to the [typos] table of the lexicon and to the model, which learnt them.

Needs the dev extras (pypinyin). Deterministic: the same inputs give the same table. `nlu.homophones` reads it.
"""

from __future__ import annotations

import argparse
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Final

from nlu.corpus import CORPUS_DIR, read_tsv
from nlu.homophones import HOMOPHONES_PATH
from nlu.lexicon import find_overlapping, fix_typos, lexicon
from nlu.normalize import normalize
from nlu.tokenizer import USER_DICT

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
SLIP_ODDS: Final[float] = 100.0
"""How much likelier (jieba's unigram frequencies over its segmentation) the word must be than the slip read as
ordinary words: about one slip in a hundred words typed. At 100, 煤起味, 暖企, 物叶, 点梯, 冒眼 and 抽畜 are put
right, and none of 谁管 (1.2 orders of magnitude), 没睡, 送了, 调了, 那走, 秃了 (0 to 0.6) is taken for a slip;
楼水 (1.4) and 门尽 (0.3) are left to the hand-kept [typos] table of the lexicon."""


DOMAIN_ODDS: Final[float] = 5.0
"""A word typed wholly in pinyin is taken for the domain word only where no word of jieba's dictionary that sounds
the same is more than this many times as frequent (loushui: 漏水 71 against 漏税 76; meiyou is 没有, not 煤油;
laoban 老板, not 老伴; jinqi 近期, not 锦旗)."""
MIN_SPELLED: Final[int] = 5
"""Letters a domain word typed wholly in pinyin must have (dianti, loushui, tingshui): shorter ones, wuye or baoan,
are easily other words or initials."""


def common_characters() -> list[str]:
    """The 3,755 characters of GB 2312's first level, the common characters input methods offer first."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


PARTICLES: Final[str] = "了着过"
"""A verb right before one of these is not replaced: any verb takes the particle, so 垫着了 is a towel put under
something, no slip of 点着了 (caught fire)."""
FUNCTION_CHARACTERS: Final[str] = "了着过的得地是在有不也就都又把被给和与跟系喺咗嘅唔"
"""Characters that are words of grammar, Mandarin or Cantonese: neither replaced nor put in (底下湿 is no slip of
底下是; 走廊都系烟 is Cantonese for 走廊都是烟, no slip of 吸烟)."""


def _user_words() -> set[str]:
    """The words of the domain dictionary (data/userdict.txt)."""
    return {line.split()[0] for line in USER_DICT.read_text(encoding="utf-8").splitlines() if line.strip()}


def domain_words() -> set[str]:
    """The words whose slips are worth fixing: the domain dictionary's and the lexicon's literal terms."""
    words = _user_words() | set(lexicon().literal_groups)
    return {w for w in words if _CJK_WORD.fullmatch(w)}


def _replaceable(word: str, i: int) -> bool:
    """Whether the character at `i` may be the one a slip got wrong (see PARTICLES, FUNCTION_CHARACTERS)."""
    return word[i] not in FUNCTION_CHARACTERS and word[i + 1 : i + 2] not in tuple(PARTICLES)


@cache
def _jieba_dictionary() -> tuple[tuple[str, int], ...]:
    """Every word of jieba's dictionary with its frequency, as listed in its dict.txt."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    rows = (line.split(" ", 2) for line in path.read_text(encoding="utf-8").splitlines())
    return tuple((row[0], int(row[1])) for row in rows)


def dictionary_words() -> set[str]:
    """Every word of jieba's dictionary."""
    return {word for word, _ in _jieba_dictionary()}


def corpus_texts() -> list[str]:
    """The corpus's messages as the parser reads them before the slips are put right (normalised, [typos] fixed)."""
    return [
        fix_typos(normalize(ex.text).text) for path in sorted(CORPUS_DIR.glob("raw_*.tsv")) for ex in read_tsv(path)
    ]


def build(words: Iterable[str], texts: list[str]) -> dict[str, str]:
    """Slip → the domain word it stands for. A word's characters are read as the word is read (the 行 of 银行 is
    hang), a replacing character by its usual reading only (an input method offers a character under that)."""
    from pypinyin import Style, lazy_pinyin

    by_sound: dict[str, list[str]] = defaultdict(list)
    for char in common_characters():
        by_sound[lazy_pinyin(char, style=Style.NORMAL)[0]].append(char)
    words = sorted(set(words))
    taken = dictionary_words() | _user_words() | set(lexicon().literal_groups) | set(words)
    fixes: dict[str, set[str]] = defaultdict(set)
    for word in words:
        sounds = lazy_pinyin(word, style=Style.NORMAL)
        for spelled in _spelled(word, sounds):
            fixes[spelled].add(word)
        for i, (char, sound) in enumerate(zip(word, sounds, strict=True)):
            if not _replaceable(word, i):
                continue
            for other in by_sound.get(sound, ()):
                slip = word[:i] + other + word[i + 1 :]
                if other != char and other not in FUNCTION_CHARACTERS and slip not in taken:
                    fixes[slip].add(word)
    unique = {slip: next(iter(targets)) for slip, targets in fixes.items() if len(targets) == 1}
    rivals = _rivals_by_sound()
    frequency = _segmenter().FREQ
    for slip, word in list(unique.items()):  # tingshui is 停水, but meiyou is 没有 far more often than 煤油
        if slip.isascii():
            rival, rival_frequency = rivals.get(slip, (word, 0))
            if rival != word and DOMAIN_ODDS * frequency.get(word, 0) < rival_frequency:
                del unique[slip]
    counts = _counts(set(unique), texts)
    likelihood = _unigram_likelihood()
    return {
        slip: word
        for slip, word in sorted(unique.items())
        if not counts.get(slip) and likelihood(word) >= SLIP_ODDS * likelihood(slip)
    }


def _spelled(word: str, sounds: list[str]) -> Iterator[str]:
    """The word with some or all of its characters typed as their pinyin (lou水, 门jin卡, tingshui): an input method
    left in Latin letters. Not a syllable of one letter (保a), nor the whole word in fewer than MIN_SPELLED letters."""
    for mask in range(1, 2 ** len(word)):
        typed = [i for i in range(len(word)) if mask >> i & 1]
        if any(len(sounds[i]) < 2 or not sounds[i].isascii() or not sounds[i].isalpha() for i in typed):
            continue
        spelled = "".join(sounds[i] if mask >> i & 1 else char for i, char in enumerate(word))
        if len(typed) < len(word) or len(spelled) >= MIN_SPELLED:
            yield spelled


@cache
def _segmenter() -> Any:
    """Stock jieba (its dictionary and frequencies, without the domain words), loaded once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    return segmenter


def _rivals_by_sound() -> dict[str, tuple[str, int]]:
    """For each toneless pinyin spelling, the most frequent word of two to four characters in jieba's dictionary that
    sounds so, with its frequency."""
    from pypinyin import Style, lazy_pinyin

    best: dict[str, tuple[str, int]] = {}
    for word, count in _jieba_dictionary():
        if 2 <= len(word) <= 4:
            sound = "".join(lazy_pinyin(word, style=Style.NORMAL))
            if count > best.get(sound, ("", 0))[1]:
                best[sound] = (word, count)
    return best


def _unigram_likelihood() -> Callable[[str], float]:
    """A string's probability as jieba segments it, its words independent, by jieba's word frequencies."""
    segmenter = _segmenter()
    frequency, total = segmenter.FREQ, segmenter.total

    def likelihood(text: str) -> float:
        return math.prod(max(frequency.get(word, 0), 1) / total for word in segmenter.lcut(text, HMM=False))

    return likelihood


def _counts(strings: set[str], texts: list[str]) -> dict[str, int]:
    """How often each string occurs in the texts, overlaps included."""
    import ahocorasick_rs

    keys = sorted(strings)
    automaton = ahocorasick_rs.AhoCorasick(keys)
    counts: dict[str, int] = defaultdict(int)
    for text in texts:
        for index, _, _ in find_overlapping(automaton, text):
            counts[keys[index]] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HOMOPHONES_PATH)
    args = parser.parse_args(argv)
    table = build(domain_words(), corpus_texts())
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# slip\tword: built by `python -m nlu.homophone_table`; do not edit by hand\n")
        for slip, word in table.items():
            fh.write(f"{slip}\t{word}\n")
    print(f"{len(table)} slips of {len(set(table.values()))} words; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
