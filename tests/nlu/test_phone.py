import pytest

from nlu import parse
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


# Digits read out in groups, the way voice input and elderly residents give them, with 洞 (0) and 么 (typed for 幺).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话是一三九 八七六 五四三 二一", "13987654321"),
        ("我电话一五八 零六二 四七 三九 一", "15806247391"),
        ("我 电话 186 二七 零四 九三 五八 门口灯坏了", "18627049358"),
        ("手机幺三六洞四八二七五幺九", "13604827519"),
        ("电话么八六 二四七九 洞三五么", "18624790351"),
        ("幺五七 两四六八 洞九三幺 楼道灯不亮", "15724680931"),
    ],
)
def test_spoken_groups(text: str, expected: str) -> None:
    assert parse(text).phone == expected


@pytest.mark.parametrize(
    "text",
    ["墙上打了个洞 三天了没人补", "为什么一三八号的快递还没到", "楼上打洞 吵死了 3栋502", "这么七八个人都没人管"],
)
def test_dong_and_me_in_words_stay_words(text: str) -> None:
    assert "0" not in normalize(text).text.replace("502", "") and parse(text).phone is None


# A number corrected in the same message: the correction is the contact.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话15912345678 不对 是15912345687 卫生间漏水", "15912345687"),
        ("我手机13611112222，说错了，应该是13611112223", "13611112223"),
        ("手机號 139 2222 3333，寫錯了，是139 2222 3334", "13922223334"),
        ("电话一三九一二三四五六七八 哦不 一三九一二三四五六七九 马桶堵了", "13912345679"),
    ],
)
def test_a_corrected_number(text: str, expected: str) -> None:
    assert parse(text).phone == expected


# A service worker's, a business's or an advert's number is no contact for the request; a family member's, a
# tenant's or a neighbour's given for the job is (the corpus labels them so: 有事找他们 电话…).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("维修师傅的电话13712345678一直打不通，说好今天来的", None),
        ("快递员电话18812345678打不通 包裹在哪", None),
        ("楼上邻居漏水 他电话15012345678 你们联系他吧", "15012345678"),
        ("师傅来之前先打个电话 136 5708 4492", "13657084492"),
        ("手机号18969017735 打不通就打我老婆的 15024617709", "18969017735"),
        ("电梯里贴的开锁广告电话17712345678是你们认可的吗", None),
        ("The plumber gave me his number 13512345678 but never came", None),
        ("我QQ号18912345678 楼道灯坏了", None),
        ("中介给我的电话是15012345670 说是业主的 这房子欠物业费吗", None),
        ("水表编号13012345678是我家的吗", None),
        ("师傅电话13712345678打不通，我的电话是15912345670", "15912345670"),
        ("快递员电话18812345678，我是5栋的，手机13512340000", "13512340000"),
        ("我儿子不在家，有事打他电话13612345678，门锁坏了", "13612345678"),
        ("厨房漏水，电话13812345678", "13812345678"),
        ("call me at 139 1234 5678, the lift is stuck", "13912345678"),
    ],
)
def test_whose_number(text: str, expected: str | None) -> None:
    assert parse(text).phone == expected


# Numbers that called the resident, or that a stranger, a seller, a courier or a driver left: no contact; an old
# number given with the new one: the new one.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚才有个人说他是物业的，打电话让我交钱，号码是17312345678，是骗子吗", None),
        ("有人冒充你们打电话过来 号码19912345670 要我扫码交费", None),
        ("门口有人发传单说装净水器找他15612345678 你们知道吗", None),
        ("最近老有人打18612345670推销装修，我的信息是不是你们泄露的", None),
        ("送水的说放在门卫了，他电话是13412345678，帮我看一下在不在", None),
        ("The delivery guy's number is 13512345670 and he never picked up", None),
        ("I got a call from 13712345670 asking me to pay a deposit, is that you?", None),
        ("我手机换了 以前是13612345670 现在是18812345671 麻烦更新", "18812345671"),
        ("之前登记的15712345670不用了，新的号码是13312345671", "13312345671"),
        ("开锁师傅的电话我有，13212345670，你们别管了", None),
        ("楼道里贴的通下水道广告15512345670能打吗", None),
        ("有事发邮件 13712345670@qq.com 白天不方便接电话", None),
        ("你们那个保安队长 187 1234 5670 说话太冲了 我是7栋的 电话 159 1234 5671", "15912345671"),
        ("The landlord's number is 13912345670 but call me first: 18912345671", "18912345671"),
        # the resident's own, however close to these words: 车主电话 (the car's owner writes), 我是值班经理 …
        ("我的车被划了 车主电话13812345670", "13812345670"),
        ("我是值班经理133 1234 5670 楼道有人打架", "13312345670"),
        ("我是房东 人在外地 房东电话 13612345670", "13612345670"),
        ("下周的防诈骗讲座我报名 七号楼 电话13712345671", "13712345671"),
        ("天天有人打电话推销，我家B座1108，手机13812345672", "13812345672"),
    ],
)  # fmt: skip
def test_numbers_of_strangers_sellers_and_old_numbers(text: str, expected: str | None) -> None:
    assert parse(text).phone == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机号码：(138)2205-6734 门口灯坏了", "13822056734"),
        ("电话（139）1234 5678", "13912345678"),
        ("电话 一七七·三零二六·八八一四", "17730268814"),
        ("联系我 186·1234·5678", "18612345678"),
    ],
)
def test_numbers_with_brackets_or_middle_dots(text: str, expected: str) -> None:
    assert parse(text).phone == expected
