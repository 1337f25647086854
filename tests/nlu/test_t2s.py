"""The fast Traditional→Simplified converter gives what OpenCC itself gives."""

import random

import opencc

from nlu.corpus import load_split
from nlu.t2s import Converter


def test_same_as_opencc_on_the_corpus_and_on_random_mixtures() -> None:
    reference, fast = opencc.OpenCC("t2s"), Converter("t2s")
    texts = [ex.text for ex in load_split("train") + load_split("dev")]
    phrases, characters = (list(entries) for _, _, entries in reference._dict_chain_data[0])
    rng = random.Random(11)
    for _ in range(5000):
        parts = []
        for _ in range(rng.randint(0, 12)):
            roll = rng.random()
            if roll < 0.3:
                phrase = rng.choice(phrases)
                parts.append(phrase if rng.random() < 0.7 else phrase[: rng.randint(1, len(phrase))])
            elif roll < 0.6:
                parts.append(rng.choice(characters))
            else:
                parts.append(rng.choice(["，", "。", " ", "-", "!", "、", "的", "水管", "漏", "a1"]))
        texts.append("".join(parts))
    for text in texts:
        assert fast.convert(text) == reference.convert(text), text


def test_no_empty_entries() -> None:
    """The greedy scan assumes entries of one character or more, as the dictionaries have."""
    for group in opencc.OpenCC("t2s")._dict_chain_data:
        for _, min_len, entries in group:
            assert min_len >= 1 and "" not in entries


def test_examples() -> None:
    fast = Converter("t2s")
    assert fast.convert("樓上漏水了，請儘快處理") == opencc.OpenCC("t2s").convert("樓上漏水了，請儘快處理")
    assert fast.convert("") == ""
