"""Room and phone cases that were read wrong: parking spaces, emergency numbers, phones next to a building, rooms
marked as the resident's own, and the forms around them (contract: ../shared/spec/nlu.md)."""

import pytest

from nlu import parse
from nlu.normalize import normalize
from nlu.phone import find_phone, mask_phones_in


def room_and_phone(text: str) -> tuple[str | None, str | None]:
    result = parse(text)
    return result.room, result.phone


# A parking space (车位, 停车位, a B1/B2 or 负一层 level) is not a room; a building named beside it is no room either.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的车位B1-088被人堆了纸箱 我住五栋", None),
        ("停车位号是B2-213，一直有人乱停，我家在十七号楼", None),
        ("地下车库负二层 车位156 有积水 我是3栋的", None),
        ("车位C区208被占了，我住6幢", None),
        ("b2-031那个车位的灯不亮 我住二十栋", None),
        ("负一层107车位漏水，我家住9号楼", None),
        ("车位是B1-322 我家14栋2单元1503 车被刮了", "14-2-1503"),
        ("3号楼1802 车位在B2-045 被占了", "3-1802"),
        ("车位的事以后再说 3栋2单元502 水管爆了", "3-2-502"),
        ("地下2层 3号楼1801 的车被水泡了", "3-1801"),
        ("没有车位 5-1-702 想租一个", "5-1-702"),
    ],
)
def test_parking_space_is_not_a_room(text: str, expected: str | None) -> None:
    assert room_and_phone(text)[0] == expected


# 110, 119, 120 and 122 after a dialling verb, or standing alone next to a building, are emergency numbers.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5号楼 有人晕倒了 我打了120", None),
        ("二十三栋楼道冒烟 快拨119", None),
        ("有人在8栋门口打架 我已经报110了", None),
        ("小区门口撞车了，12幢前面，打122了没人来", None),
        ("120马上到 麻烦保安开一下东门 我们是16号楼", None),
        ("7号楼二单元 邻居家着火了 打了119 我家702", "7-2-702"),
    ],
)
def test_emergency_number_is_not_a_room(text: str, expected: str | None) -> None:
    assert room_and_phone(text)[0] == expected


def test_a_room_that_happens_to_be_120_is_still_a_room() -> None:
    assert room_and_phone("3号楼120室 门锁坏了")[0] == "3-120"


# An 11-digit 1[3-9] number, in one group or split by spaces, after a building or 手机号 is a phone, not a room.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("停电了 12号楼 一三六 五七零八 二二九一", (None, "13657082291")),
        ("楼道灯坏了 4栋 139 0571 6622", (None, "13905716622")),
        ("热水器不出热水 9号楼 15068021734", (None, "15068021734")),
        ("门禁坏了 B座 18767120045", (None, "18767120045")),
        ("马桶堵了 F座1102 手机号 13757193320", ("F-1102", "13757193320")),
        ("家里跳闸了 2栋1单元602 手机号15167081992", ("2-1-602", "15167081992")),
        ("电话号码 一八六 五七一二 零零四三 我家12栋801", ("12-801", "18657120043")),
        ("水管爆了 6幢1203 电话 +86-135-8820-4417", ("6-1203", "13588204417")),
        ("空调滴水 20栋3单元1701 联系 +86 158 6702 1133", ("20-3-1701", "15867021133")),
    ],
)
def test_phone_after_building_or_number_word(text: str, expected: tuple[str | None, str | None]) -> None:
    assert room_and_phone(text) == expected


def test_a_room_then_a_split_phone_still_reads_both() -> None:
    assert room_and_phone("5栋2单元1301 幺三九 五七二八 六六一零") == ("5-2-1301", "13957286610")


def test_masking_still_hides_a_phone_after_a_building() -> None:
    assert mask_phones_in("7号楼 13957286610") == "7号楼 139****6610"
    assert find_phone(normalize("手机号 13757193320").text) == "13757193320"


# The room the resident calls their own (我是…的, 我家…) beats one mentioned for a neighbour, and shares its building.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对门一直传来怪味 十号楼三单元1102 我是1101的", "10-3-1101"),
        ("楼下那户天天半夜装修 就是5栋2单元602 我家是702", "5-2-702"),
    ],
)
def test_own_room_marked_by_the_resident(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# A unit named with the room keeps its place when the building is named apart.
def test_unit_kept_when_the_building_is_named_apart() -> None:
    assert room_and_phone("我是二十一栋的 厨房水管漏了 我家是三单元一零零二")[0] == "21-3-1002"


# Punctuation around a room: a colon before it, a full stop after it.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地址：8幢2单元1201，下水道堵了", "8-2-1201"),
        ("住户：C座903 门铃坏了", "C-903"),
        ("This is the owner of D座1508. 厨房漏水", "D-1508"),
        ("时间10:30 地址3栋2单元502", "3-2-502"),
    ],
)
def test_punctuation_around_a_room(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


def test_a_measure_after_the_building_leaves_it_a_building() -> None:
    assert room_and_phone("五号楼三部电梯全停了 我住二十楼 2003")[0] == "5-2003"


# With no building anywhere, one bare room-shaped number where residents put their room is the room.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1503卫生间下水道反味", "1503"),
        ("客厅吊顶掉了一块 吓死人了 九零二", "902"),
        ("顶楼2602，下雨墙面渗水", "2602"),
        ("热水器打不着火 我1108", "1108"),
        ("我家的灯全灭了 Rm 2305, Block C", "C-2305"),
        ("Room 808 的窗户关不上", "808"),
    ],
)
def test_a_lone_room_number(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "物业费怎么比去年多了 1520",
        "我的快递到了吗 尾号1203",
        "这个月水费300多 是不是算错了",
        "空调清洗1001台 包括外机吗",
        "刚才说错了 是1602不是1502",
        "楼下1102天天半夜剁肉",
    ],
)
def test_numbers_that_are_no_lone_room(text: str) -> None:
    assert room_and_phone(text)[0] is None


# English addresses name the unit too, and a sentence may end right after the room.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Building 7 Unit 3 Room 1201, the heating is off", "7-3-1201"),
        ("building 6 unit 2 room 301 no water", "6-2-301"),
        ("Gas smell in the stairwell of Block 12. I live in room 502, unit 1.", "12-1-502"),
        ("The drain is backing up into the bedroom. Tower A 1502.", "A-1502"),
        ("Lift broken again. Block C 808.", "C-808"),
    ],
)
def test_english_addresses(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


def test_a_cantonese_classifier_after_the_room_leaves_it_a_room() -> None:
    # 我係1座2601 個電錶箱…: 個 opens the next phrase (the meter box), it does not count 2601 of something
    assert room_and_phone("我係1座2601 個電錶箱有吱吱聲 仲有陣燶味")[0] == "1-2601"
    assert room_and_phone("3栋2单元502 个人觉得电梯太慢")[0] == "3-2-502"


# Regional forms of a unit: 门 (Beijing, 3号楼2门502) and 梯 (Guangdong, 12栋2梯1003), written or spoken.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7号楼3门502 楼道灯不亮", "7-3-502"),
        ("7号楼三门五零二 楼道灯不亮", "7-3-502"),
        ("3号楼 1 门 402 暖气不热", "3-1-402"),
        ("锦绣苑12栋2梯1003室 电梯坏了", "12-2-1003"),
        ("十二栋二梯一零零三 没水了", "12-2-1003"),
    ],
)
def test_unit_written_as_men_or_ti(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


@pytest.mark.parametrize("text", ["5号楼门口有人吵架", "3号楼一梯两户 电梯什么时候修", "12栋2号梯坏了"])
def test_men_and_ti_without_a_room_are_no_room(text: str) -> None:
    assert room_and_phone(text)[0] is None


# A building written 32#楼 (the # before 楼 too).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("家住32#楼1单元802 马桶堵了", "32-1-802"),
        ("我是5#楼2单元601的住户", "5-2-601"),
        ("5#楼1203 漏水", "5-1203"),
    ],
)
def test_building_written_with_hash_and_lou(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# A bare pair of building and room joined by a dash (9-603, 我家26-2601, spoken 二十六杠二六零一); with the building
# named apart, the pair is the unit and the room (住27号楼，房号2-1101).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mailbox key lost, can you open it for me? 9-603", "9-603"),
        ("两部电梯都坏了 我家26-2601", "26-2601"),
        ("5-502 卫生间漏水", "5-502"),
        ("我家二十六杠二六零一 停电了", "26-2601"),
        ("住27号楼，房号2-1101", "27-2-1101"),
        ("我是5号楼的 5-502", "5-502"),
    ],
)
def test_bare_building_room_pair(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "预算500-1000 能不能装",
        "保洁一般1-100平米怎么收费",
        "客服热线400-820-8820打不通",
        "2024-11-1203那天的账单",
        "第3-105页的规定",
    ],
)
def test_dash_pairs_that_are_no_room(text: str) -> None:
    assert room_and_phone(text)[0] is None


# 我家在 2201: where the home is, said with 在.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("物业你好，我家在2201，明天下午两点到五点装修公司来量尺寸，需要给他们办出入证吗", "2201"),
        ("我家在1902，我要出差两周，麻烦保安巡逻的时候多留意一下我家门口", "1902"),
        ("我们家在 803 厨房水管漏了", "803"),
    ],
)
def test_home_said_with_zai(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# A room corrected in the same message: the correction counts, keeping the building and unit said before it.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5栋1单元803，不对，是903，客厅灯不亮", "5-1-903"),
        ("12号楼1501 打错了 应该是1502 马桶漏水", "12-1502"),
        ("房号是2-1-601，说错了，是701", "2-1-701"),
        ("我家1203，更正一下是1302，水表坏了", "1302"),
        ("6栋702，哦写错了是702没错，门锁坏了", "6-702"),
    ],
)
def test_a_corrected_room(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# The building and unit named apart from the room and in any order, as people say them one by one.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我住1101，2单元，7号楼，楼道灯坏了", "7-2-1101"),
        ("703，1单元，20栋，有人在楼道抽烟", "20-1-703"),
        ("15栋的，3单元，602，垃圾没人收", "15-3-602"),
        ("3单元 902 6号楼 下水道堵了", "6-3-902"),
    ],
)
def test_building_unit_and_room_said_apart(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# Homophones that input methods and speech give for 栋, 楼 and 单元 inside an address.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4动2单元1102 没热水", "4-2-1102"),
        ("11冻1单元301 暖气片漏水", "11-1-301"),
        ("7洞603 门铃坏了", "7-603"),
        ("13顿1502 楼上漏水", "13-1502"),
        ("5号搂2单元801 电梯不动", "5-2-801"),
        ("2栋3单玄402 下水道反味", "2-3-402"),
        ("9栋1单圆1201 窗户关不上", "9-1-1201"),
    ],
)
def test_homophones_of_the_address_words(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


@pytest.mark.parametrize("text", ["墙上3洞 很难看", "电梯2动不动就停", "水管冻住了 3天了"])
def test_homophone_words_without_an_address_are_no_room(text: str) -> None:
    assert room_and_phone(text)[0] is None


# The resident's own room said with 楼上/楼下 (我是楼下602的), or with 我住 after a neighbour's room.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8号楼1单元1202往下漏水，我是楼下1102的", "8-1-1102"),
        ("投诉3栋2单元501养狗扰民，我住601", "3-2-601"),
        ("我住楼上1302 楼下1202说我家漏水 我家根本没水", "1302"),
    ],
)
def test_own_room_beside_a_neighbours(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# A floor and then a room on that floor (16楼1603, 9层 902): the room; the floor tells nothing more.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("楼道有人堆东西，16楼，我住16楼1603", "1603"),
        ("6楼602 门口漏水", "602"),
        ("9层 902 电表跳闸", "902"),
    ],
)
def test_floor_then_a_room_on_it(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# Building names of a letter and a digit (B2栋, G3座), as estates with several phases name them.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B2栋1608 窗户漏风", "B2-1608"),
        ("g3座2单元1801 燃气味", "G3-2-1801"),
        ("A1栋 3单元 702 门禁坏了", "A1-3-702"),
    ],
)
def test_letter_and_digit_buildings(text: str, expected: str) -> None:
    assert room_and_phone(text)[0] == expected


# Numbers shaped like an address that are not one: pickup codes, bus routes, dates written with dashes.
@pytest.mark.parametrize(
    "text",
    [
        "取件码3-1-1204 柜子打不开",
        "快递提货码 6-2-803 放哪了",
        "门口102路公交站牌倒了",
        "305路公交车站的灯坏了",
        "2025-6-18那天交的物业费 发票呢",
        "2024/11/20 的停水通知看到了",
    ],
)
def test_address_shaped_numbers_that_are_no_room(text: str) -> None:
    assert room_and_phone(text)[0] is None
