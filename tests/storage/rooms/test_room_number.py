"""Canonical room codes."""

from __future__ import annotations

import pytest

from storage.errors import InvalidInput
from storage.rooms import make_room_number, parse_room_code


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        (("3栋", "2单元", "502室"), "3-2-502"),
        (("３", "02", "502"), "3-2-502"),
        (("b", "", "1203"), "B-1203"),
        (("3号楼", None, "502"), "3-502"),
        (("7号楼", "3门", "502"), "7-3-502"),  # a Beijing unit
        (("32#楼", "1单元", "802"), "32-1-802"),
        (("12栋", "2梯", "1003室"), "12-2-1003"),  # a Guangdong unit
    ],
)
def test_parts_normalise_to_the_canonical_code(parts: tuple, code: str) -> None:
    assert make_room_number(*parts).code == code


def test_codes_parse_back() -> None:
    assert parse_room_code("3-2-502") == make_room_number("3", "2", "502")
    assert parse_room_code("B-1203").code == "B-1203"


@pytest.mark.parametrize("code", ["", "3", "东区-502", "3-2-", "3-2-5-0-2"])
def test_garbage_is_refused(code: str) -> None:
    with pytest.raises(InvalidInput):
        parse_room_code(code)
