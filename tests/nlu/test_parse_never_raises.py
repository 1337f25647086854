"""parse() never raises, on any string: a property test, plus the named edge cases."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu import TYPES, URGENCIES, parse_strict
from nlu.normalize import MAX_CHARS

CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=40)
MIXED = st.text(max_size=300)  # any code point, surrogates and control characters included


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        MIXED,
        CHINESE,
        st.lists(st.sampled_from(list("三号楼二单元五零二漏水着火电话幺-/ ！？😡")), max_size=60).map("".join),
    )
)
def test_any_string(text: str) -> None:
    result = parse_strict(text)
    assert result.type in TYPES and result.urgency in URGENCIES


def test_edge_cases() -> None:
    for text in ["", " ", "\x00\x01\x1b[31m", "\ud800\udfff", "😡😡😡🔥", "。。。！！！", "\u202e漏水"]:
        result = parse_strict(text)
        assert result.type in TYPES


def test_huge_message_is_cut_and_flagged() -> None:
    result = parse_strict("楼上漏水" * 25_000)
    assert result.truncated
    assert len(result.normalized) <= MAX_CHARS


def test_internal_fault_still_flags_danger(monkeypatch) -> None:
    import nlu.parser

    def broken(text: str):
        raise RuntimeError("simulated parser bug")

    monkeypatch.setattr(nlu.parser, "analyse", broken)
    result = nlu.parser.parse("救命 我爸晕倒了")
    assert (result.type, result.urgency) == ("other", "critical")
    assert nlu.parser.parse("电梯坏了").urgency == "normal"
