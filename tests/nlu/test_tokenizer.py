import pytest

from nlu.corpus import load_split
from nlu.tokenizer import tokenizer, tokens


def test_domain_words_stay_whole() -> None:
    words = tokens("3号楼2单元502卫生间漏水了,保洁阿姨态度差,物业费怎么交")
    for word in ("卫生间", "漏水", "保洁阿姨", "物业费"):
        assert word in words


@pytest.mark.parametrize("backend", ["jieba_fast_dat", "jieba"])
def test_both_backends_load_the_domain_dictionary(backend: str) -> None:
    tok = tokenizer(backend)
    assert "保洁阿姨" in tok.lcut("保洁阿姨没来", HMM=False)


def test_fallback_backend_segments_like_the_fast_one() -> None:
    texts = [ex.text for ex in load_split("dev")][:200]
    fast, slow = tokenizer("jieba_fast_dat"), tokenizer("jieba")
    same = sum(fast.lcut(t, HMM=False) == slow.lcut(t, HMM=False) for t in texts)
    assert same / len(texts) >= 0.8
