"""Names and forms of address: 老王, 李女士, a compound surname (欧阳娜娜), a contact named after 联系人."""

import pytest

from nlu.entities import find_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我是3栋的老王 家里水管漏了", ["老王"]),
        ("李女士您好，我是物业小陈", ["李女士", "小陈"]),
        ("你好我是张建国，5栋502业主", ["张建国"]),
        ("我叫欧阳娜娜，住7栋", ["欧阳娜娜"]),
        ("欧阳先生您好 师傅下午到", ["欧阳先生"]),
        ("联系人：刘敏 电话13812345678", ["刘敏"]),
        ("联系人 司马婷", ["司马婷"]),
    ],
)
def test_names(text: str, expected: list[str]) -> None:
    assert find_names(text) == expected


@pytest.mark.parametrize("text", ["小区东门", "老人摔倒了", "上官网查一下", "联系人没有回复"])
def test_no_names(text: str) -> None:
    assert find_names(text) == []
