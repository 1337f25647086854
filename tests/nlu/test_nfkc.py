"""normalize's NFKC by table equals unicodedata's NFKC."""

import random
import unicodedata

from nlu.normalize import _NFKC_RANGES, _nfkc_by_character, nfkc


def _simple_characters() -> list[str]:
    other, _ = _nfkc_by_character()
    return [chr(c) for first, last in _NFKC_RANGES for c in range(first, last + 1) if not other.search(chr(c))]


def test_cjk_ideographs_are_left_as_they_are_and_combine_with_nothing() -> None:
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        assert unicodedata.normalize("NFKC", char) == char and not unicodedata.combining(char)
        assert not _nfkc_by_character()[0].search(char)


def test_every_pair_of_simple_characters_normalises_character_by_character() -> None:
    chars = [c for c in _simple_characters() if not "\u4e00" <= c <= "\u9fff"] + ["中", "漏"]
    for a in chars:
        for b in chars:
            assert nfkc(a + b) == unicodedata.normalize("NFKC", a + b), (hex(ord(a)), hex(ord(b)))


def test_random_texts() -> None:
    rng = random.Random(3)
    odd = ["\u0301", "\u3099", "ｶ", "ﾞ", "ㄱ", "ᅡ", "é", "e", "①", "㎡", "\ufb01"]
    chars = [*(c for c in _simple_characters() if not "\u4e00" <= c <= "\u9fff"), "中", "漏", *odd * 20]
    for _ in range(5_000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), text


def test_examples() -> None:
    for text in ["３栋２单元５０２，漏水！", "Ｈｅｌｌｏ　物业", "电梯坏了…", "ｶﾞｽ", "가", "café"]:
        assert nfkc(text) == unicodedata.normalize("NFKC", text)
