import pytest

from nlu.normalize import normalize
from nlu.numerals import chinese_numerals_to_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三号楼二单元五零二", "3号楼2单元502"),
        ("幺号楼二单元幺零零三", "1号楼2单元1003"),
        ("电话一五九八八八八六六六六", "电话15988886666"),
        ("十二栋一单元六零一", "12栋1单元601"),
        ("住三栋一单元十二零一", "住3栋1单元1201"),
        ("两点到四点", "2点到4点"),
        ("等了一个多小时", "等了1个多小时"),
        ("一百二十块", "120块"),
        ("十分钟", "10分钟"),
        ("第三次了", "第3次了"),
        # a lone digit after a word that leads a number, at the end or before a space or a digit
        ("房号五 谢谢", "房号5 谢谢"),
        ("我家是三 楼下是二", "我家是3 楼下是2"),
        # 一点 after a time of day is one o'clock
        ("昨天半夜一点多有人喊", "昨天半夜1点多有人喊"),
        ("今晚一点前能来吗", "今晚1点前能来吗"),
    ],
)
def test_numbers_become_digits(text: str, expected: str) -> None:
    assert chinese_numerals_to_digits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "一直漏水",
        "来一下",
        "十分着急",
        "快一点",
        "晚上能不能安静一点",
        "一样",
        "统一",
        "一些",
        "千万别",
        "万一着火",
        "七八个人",
        "五一假期",
        # a word after a word that often leads a number (电话, 打, 是, 第): still a word
        "打值班电话一直没人接",
        "你们帮忙打一下",
        "我不是一直住这里",
        "第一时间赶到",
    ],
)
def test_numerals_inside_words_stay(text: str) -> None:
    assert chinese_numerals_to_digits(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3号楼二门五零二", "3号楼2门502"),  # 门 is the unit in Beijing addresses
        ("十二栋二梯一零零三", "12栋2梯1003"),  # 梯 in Guangdong ones
        ("二门", "二门"),  # with no building before it, a word
        ("一梯两户", "一梯2户"),  # 一 stays a word; 两户 counts homes
    ],
)
def test_a_unit_written_men_or_ti_after_a_building(text: str, expected: str) -> None:
    assert chinese_numerals_to_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("我家二十六杠二六零一", "我家26-2601"), ("三杠五零二", "3-502"), ("别抬杠", "别抬杠")],
)
def test_a_dash_read_out_as_gang(text: str, expected: str) -> None:
    assert normalize(text).text == expected
