import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.normalize import normalize
from nlu.room_number import _BARE, _BUILDING_ALONE, _PATTERNS, _RUN_START, _matches, find_room


def room(text: str) -> str | None:
    return find_room(normalize(text).text)


# The examples of the contract (../shared/spec/nlu.md) and the forms residents write.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3栋2单元502", "3-2-502"),
        ("三号楼二单元五零二", "3-2-502"),
        ("3-2-502", "3-2-502"),
        ("3/2/502", "3-2-502"),
        ("3栋2-502", "3-2-502"),
        ("3号楼502", "3-502"),
        ("B座1203", "B-1203"),
        ("b座1203漏水", "B-1203"),
        ("11幢2单元1502室", "11-2-1502"),
        ("幺号楼二单元幺零零三", "1-2-1003"),
        ("3#2-502", "3-2-502"),
        ("502室", "502"),
        ("ＡＢ座？不，Ｃ座２１０５窗户坏了", "C-2105"),
    ],
)
def test_canonical_room(text: str, expected: str) -> None:
    assert room(text) == expected


@pytest.mark.parametrize(
    "text", ["十二栋的", "5号楼门口", "交了1200元", "2023年的事", "10:30来", "12栋 2023年交了1200元"]
)
def test_not_a_room(text: str) -> None:
    assert room(text) is None


def test_own_room_not_the_neighbours() -> None:
    assert room("楼上1502漏水到我家1402了") == "1402"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我家2102，22号楼，电话", "22-2102"),
        ("我是15栋1单元的，住1203", "15-1-1203"),
        ("1203的 8号楼", "8-1203"),
    ],
)
def test_building_named_apart_from_the_room(text: str, expected: str) -> None:
    assert room(text) == expected


ROOM_ALPHABET = [
    *"0123456789 -/#.:aBc栋号楼座单元室房户的业主住我家在楼上隔壁元%",
    "3栋",
    "2单元",
    "502",
    "1203",
    "B座",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(ROOM_ALPHABET), max_size=30).map("".join))
def test_matching_from_run_starts_finds_what_finditer_finds(text: str) -> None:
    starts = [m.start() for m in _RUN_START.finditer(text)]
    for pattern in [p for _, p in _PATTERNS] + [_BUILDING_ALONE, _BARE]:
        assert [m.span() for m in _matches(pattern, text, starts)] == [m.span() for m in pattern.finditer(text)]


# Voice input and chat: a resident corrects part of the room (the unit, the room, or both with a word in English),
# separates its parts with dashes, dots or slashes, writes its digits as keycap emoji, or says it twice.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7栋三单元1102 不对 是二单元 厨房水龙头关不紧", "7-2-1102"),
        ("12号楼1单元601，说错了，是2单元602", "12-2-602"),
        ("我家803 sorry 903 阳台漏水", "903"),
        ("二零一，不好意思是二零二，九号楼的，门铃不响", "9-202"),
        ("9—2—1101 暖气片漏水", "9-2-1101"),
        ("地址 5.1.302 下水道堵了", "5-1-302"),
        ("4栋/2单元/1502 楼道灯不亮", "4-2-1502"),
        ("3️⃣号楼 6️⃣0️⃣1️⃣ 门锁坏了", "3-601"),
        ("我是七号楼的 六零二对 六零二 水管爆了", "7-602"),
        ("五号楼 幺洞洞六 卫生间漏水", "5-1006"),
        ("9楼的902 门口感应灯坏了", "902"),
        ("the flat above, room 1503, floods us again. I'm in 1403", "1403"),
        ("3栋2单元501，哦不，是601 门禁坏了", "3-2-601"),
        ("十二号楼 一零零二 不不 一零零三 下水道堵了", "12-1003"),
        ("刚才说的是25号楼3单元603 其实是2单元 马桶漏水", "25-2-603"),
    ],
)
def test_corrections_separators_and_repetitions(text: str, expected: str) -> None:
    assert room(text) == expected
