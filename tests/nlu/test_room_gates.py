"""A room pattern is skipped on a text without any of its factors: every match it finds holds one of them."""

import random

from nlu.room_number import _GATED_PATTERNS, find_rooms

_PARTS = (
    ("", "", "我家", "住在", "房号", "Room ", "业主", "了 ", "我是楼下", "I'm in "),
    ("3", "12", "B", ""),
    ("栋", "号楼", "#", "-", "/", "座", "区", " ", "", "楼", "层", "动", "."),
    ("2", "02", ""),
    ("单元", "-", "/", " ", "", "."),
    ("502", "1203", "88"),
    ("室", "房", "户", "的业主", "住户", "", "", " 漏水"),
)


def test_every_room_pattern_match_contains_one_of_its_factors() -> None:
    rng = random.Random(5)
    matched = set()
    for _ in range(5_000):
        text = "".join(rng.choice(options) for options in _PARTS)
        for i, (kind, pattern, factors) in enumerate(_GATED_PATTERNS):
            for match in pattern.finditer(text):
                matched.add(i)
                assert any(f in match.group() for f in factors), (kind, pattern.pattern, text)
    assert len(matched) >= len(_GATED_PATTERNS) - 1  # the texts exercise (nearly) every pattern


def test_gated_rooms_still_found() -> None:
    assert [m.canonical for m in find_rooms("3栋2单元502 漏水")] == ["3-2-502"]
    assert [m.canonical for m in find_rooms("Room 1203")] == ["1203"]
