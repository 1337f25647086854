"""Text normalisation: width, Traditional→Simplified, numerals, emoji, voice-input fillers, punctuation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Final

import emoji
import opencc

from nlu.numerals import chinese_numerals_to_digits
from nlu.t2s import Converter

MAX_CHARS: Final[int] = 2000
"""Longer messages are cut to this many characters and flagged `truncated`."""

_SURROGATES = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SURROGATE_OR_CONTROL = re.compile(_SURROGATES.pattern[:-1] + _CONTROL.pattern[1:])
"""Either: a text with neither skips both substitutions (each copies the text)."""
# Code point blocks where emoji live; a text without any skips the emoji library entirely.
_MAYBE_EMOJI = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u27bf\u2934\u2935\u2b00-\u2bff"
    "\u3030\u303d\u3297\u3299\U0001f000-\U0001faff\ufe0f\u200d\u20e3]"
)
_SPOKEN_DASH = re.compile(r"(?<=\d)\s*[杠—–]\s*(?=\d)")
"""杠 (bar) between two numbers is how a dash is read out: 26杠2601 is 26-2601; a dash typed long (9—2—1101) too."""
_SPACES = re.compile(r"\s+")
_REPEATED_PUNCT = re.compile(r"([!?,.;~。，！？、…])\1+")
_EXCLAIM_RUN = re.compile(r"[!！]{2,}|[?？]{2,}")
_EXCLAIM_CHAR = re.compile(r"[!！?？]")
# Voice-input fillers. Only removed where they stand as fillers: at a pause or before more speech.
_FILLERS = re.compile(r"(?:那个|就是说|然后呢|嗯+|呃+|额+|啊+|哎呀|那啥|这个这个|(?<![^\s,，。])就是(?=[\s,，。]))")
_FILLER_HEADS: Final[tuple[str, ...]] = ("那个", "就是", "然后呢", "嗯", "呃", "额", "啊", "哎呀", "那啥", "这个这个")
"""Every filler match starts with one of these: a text containing none has no filler (checked before the regex)."""
_FILLER_FIRST_CHAR = re.compile("[" + "".join(sorted({head[0] for head in _FILLER_HEADS})) + "]")
_FILLER_KEEP_BEFORE = re.compile(r"[的是]$")
_CJK_PIECE = re.compile(r"(?<!\S)[\u4e00-\u9fff]+(?!\S)")
_NUMERALS: Final[frozenset[str]] = frozenset("零〇一二三四五六七八九十百千万两幺")
WORD_SPACED_PIECES: Final[int] = 4
WORD_SPACED_MEAN: Final[float] = 2.5
"""A text with at least this many space-separated Chinese pieces, averaging at most this many characters, puts a
space between every word (speech to text, some typists): 我 闻到 楼道 里 有 煤气 味."""


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised text and what normalisation noticed on the way."""

    text: str
    emojis: tuple[str, ...]
    exclamations: int
    traditional: bool
    truncated: bool


@cache
def _t2s() -> Converter:
    return Converter("t2s")


@cache
def _traditional_chars() -> frozenset[str]:
    """Characters that only occur in Traditional text (their Simplified form differs)."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if trad and simp and trad not in simp.split():
            chars.add(trad)
    return frozenset(chars)


_NFKC_RANGES: Final[tuple[tuple[int, int], ...]] = (
    (0x09, 0x0D), (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF01, 0xFF60)
)  # fmt: skip
"""ASCII, Latin-1, general and CJK punctuation and full-width ASCII: what residents type besides Chinese."""
_CJK_IDEOGRAPHS: Final[str] = "\u4e00-\u9fff"
"""NFKC leaves each as it is and none combines (a test checks all): in the class without being looked at."""


@cache
def _nfkc_by_character() -> tuple[re.Pattern[str], dict[int, str]]:
    """A regex finding any character outside `_NFKC_RANGES` and the CJK ideographs or whose NFKC form holds a
    combining mark, and the NFKC form of each other character that changes.

    A text of such characters only is NFKC-normalised character by character: none of them, nor anything in
    their forms, combines with a neighbour (no combining marks, no Hangul jamo, no kana voicing marks), so the
    composition step has nothing to join (a test checks every pair).
    """
    simple: list[str] = []
    table: dict[int, str] = {}
    for first, last in _NFKC_RANGES:
        for code in range(first, last + 1):
            char = chr(code)
            form = unicodedata.normalize("NFKC", char)
            if unicodedata.combining(char) or any(map(unicodedata.combining, form)):
                continue
            simple.append(char)
            if form != char:
                table[code] = form
    return re.compile("[^" + "".join(_ranges(simple)) + _CJK_IDEOGRAPHS + "]"), table


def _ranges(chars: list[str]) -> list[str]:
    """A character class body for the (sorted) characters, as escaped ranges."""
    parts: list[str] = []
    start = prev = ord(chars[0])
    for code in [*map(ord, chars[1:]), -1]:
        if code != prev + 1:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = code
        prev = code
    return parts


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, by a table for texts of common characters (several times cheaper)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    other, table = _nfkc_by_character()
    if other.search(text):
        return unicodedata.normalize("NFKC", text)
    return text.translate(table)


def to_simplified(text: str) -> tuple[str, bool]:
    """Traditional to Simplified Chinese (OpenCC t2s); skipped when no Traditional-only character occurs."""
    if _traditional_chars().isdisjoint(text):
        return text, False
    return _t2s().convert(text), True


def _emoji_names(text: str) -> tuple[str, tuple[str, ...]]:
    found: list[str] = []

    def keep(chars: str, data: dict[str, str]) -> str:
        if chars.endswith("\u20e3") or chars == "\U0001f51f":  # a keycap (2️⃣, 🔟): the number it shows (5️⃣0️⃣2️⃣)
            return "10" if chars == "\U0001f51f" else chars[0]
        found.append(data["en"].strip(":"))
        return " "

    if not _MAYBE_EMOJI.search(text):
        return text, ()
    return emoji.replace_emoji(text, replace=keep), tuple(found)


def _drop_fillers(text: str) -> str:
    if not _FILLER_FIRST_CHAR.search(text) or not any(head in text for head in _FILLER_HEADS):
        return text

    def repl(match: re.Match[str]) -> str:
        if _FILLER_KEEP_BEFORE.search(text[: match.start()]) and match.group() == "那个":
            return match.group()
        return " "

    return _FILLERS.sub(repl, text)


def _join_word_spaced(text: str) -> str:
    """Remove the spaces between Chinese characters of a text written with a space between every word.

    Chinese puts no space between words; speech to text and some typists do (有 点 焦 味), and the spaces would
    split cue words and the model's character pairs. A space in ordinary text is a pause between phrases
    (救命 电梯停了) and stays: only a text of many short pieces is joined. A space between two numbers stays too
    (两千四 四号楼, 幺三七 二幺九五), but not between digits spoken one by one (四 零 二).
    """
    if " " not in text:
        return text
    pieces = _CJK_PIECE.findall(text)
    if len(pieces) < WORD_SPACED_PIECES or sum(map(len, pieces)) > WORD_SPACED_MEAN * len(pieces):
        return text
    words = text.split(" ")
    joined = [words[0]]
    for previous, word in pairwise(words):
        left = joined[-1]
        numbers = left[-1:] in _NUMERALS and word[:1] in _NUMERALS
        if _is_cjk(left[-1:]) and _is_cjk(word[:1]) and not (numbers and (len(previous) > 1 or len(word) > 1)):
            joined[-1] = left + word
        else:
            joined.append(word)
    return " ".join(joined)


def _is_cjk(char: str) -> bool:
    return len(char) == 1 and "\u4e00" <= char <= "\u9fff"


def normalize(text: str) -> Normalized:
    """Normalise a raw message. Never raises; any string (empty, huge, broken) gives a result."""
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = text[:MAX_CHARS]
    if _SURROGATE_OR_CONTROL.search(text):
        text = _SURROGATES.sub("", text)
        text = _CONTROL.sub(" ", text)
    text = nfkc(text)
    text, traditional = to_simplified(text)
    text, emojis = _emoji_names(text)
    exclamations = len(_EXCLAIM_RUN.findall(text)) if _EXCLAIM_CHAR.search(text) else 0
    if _REPEATED_PUNCT.search(text):  # sub with a group reference costs a call into Python even when nothing matches
        text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _drop_fillers(text)
    text = _join_word_spaced(_SPACES.sub(" ", text))
    text = chinese_numerals_to_digits(text)
    if "杠" in text or "—" in text or "–" in text:  # 二十六杠二六零一: the dash of a room number, read out
        text = _SPOKEN_DASH.sub("-", text)
    text = _SPACES.sub(" ", text).strip()
    return Normalized(text, emojis, exclamations, traditional, truncated)
