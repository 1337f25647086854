import pytest

from nlu.normalize import normalize
from nlu.phone import find_phone, mask_phone, mask_phones_in


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
