import pytest

from nlu.normalize import normalize
from nlu.phone import find_landlines, find_phone, mask_phone, mask_phones_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13800138000", "13800138000"),
        ("158-0000-1234", "15800001234"),
        ("+86 138 0013 8000", "13800138000"),
        ("电话一五九八八八八六六六六", "15988886666"),
        ("手机幺三八零零幺三八零零零", "13800138000"),
        ("13栋1单元1801 幺五九 五八零六 七二四一", "15958067241"),
    ],
)
def test_mobile_numbers(text: str, expected: str) -> None:
    assert find_phone(normalize(text).text) == expected


@pytest.mark.parametrize("text", ["0571-88886666", "400-800-1234", "138001380001", "1380013800", "12345678901"])
def test_not_mobile_numbers(text: str) -> None:
    assert find_phone(normalize(text).text) is None


def test_mask() -> None:
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卫生间漏水 3-2-502 13812345678", "卫生间漏水 3-2-502 138****5678"),
        ("电话：138 1234 5678，或者 15900001111", "电话：138****5678，或者 159****1111"),
        ("打１３８１２３４５６７８找我", "打138****5678找我"),
        ("1801 159 5806 7241", "1801 159****7241"),
        ("3-2-502室13812345678", "3-2-502室138****5678"),
        ("没有电话，房号3-2-502，时间14:30", "没有电话，房号3-2-502，时间14:30"),
    ],
)
def test_masking_every_number_in_a_text(text: str, expected: str) -> None:
    assert mask_phones_in(text) == expected


# Landlines (an area code 010, 02x or 0xxx, and a local number of 7-8 digits) are masked in staff chats like mobiles.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0571-88886666", "0571-88886666"),
        ("座机 (010)65529988", "010-65529988"),
        ("家里电话 020 8765 4321", "020-87654321"),
        ("零五七一 八八八八 六六六六", "0571-88886666"),
        ("0755-2345678", "0755-2345678"),
    ],
)
def test_landlines(text: str, expected: str) -> None:
    assert [number for number, _, _ in find_landlines(normalize(text).text)] == [expected]


@pytest.mark.parametrize("text", ["13800138000", "400-800-1234", "0571-1234567", "3-2-502", "2026-11-24", "0571"])
def test_not_landlines(text: str) -> None:
    assert find_landlines(normalize(text).text) == []


def test_landlines_are_masked_too() -> None:
    assert mask_phone("0571-88886666") == "0571-****6666"
    assert mask_phones_in("老人家没手机 座机0571-88886666 3-2-502") == "老人家没手机 座机0571-****6666 3-2-502"
