"""The calling contract of ../shared/spec/nlu.md and the behaviours the issue names."""

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from nlu import parse
from nlu.entities import find_complaint_target, find_demands

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def test_contract_attributes() -> None:
    result = parse("3栋2单元502 卫生间漏水了 电话13800138000")
    assert (result.room, result.phone, result.type) == ("3-2-502", "13800138000", "repair")
    for name in ("type", "urgency", "category", "tier", "room", "phone"):
        assert hasattr(result, name)
    assert result.tier is None
    assert result.cues_for("type")


@pytest.mark.parametrize(
    "text",
    [
        "救命 我爸在卫生间摔倒了起不来",
        "楼道里好大的煤气味",
        "有人被关在5号楼的电梯里出不来了",
        "厨房插座冒火花了还有焦味",
        "地库着火了好多烟",
        "電梯裡困人了快來",
        "嗯那个我老伴晕倒了叫不醒",
    ],
)
def test_critical_messages_are_critical(text: str) -> None:
    result = parse(text)
    assert result.urgency == "critical", result.cues
    assert any(c.field == "urgency" and c.value == "critical" for c in result.cues)


@pytest.mark.parametrize("text", ["上次着火的事处理得怎么样了", "请问燃气费怎么交", "刚才的焦味是楼下炒辣椒，没事了"])
def test_past_hypothetical_and_withdrawn_danger_is_not_critical(text: str) -> None:
    assert parse(text).urgency != "critical"


def test_negation_and_withdrawal() -> None:
    result = parse("没有漏水了，不用来了")
    assert result.type == "other" and result.withdrawn
    assert "漏水" in result.negated


def test_repair_that_complains_of_delay_is_a_tier_2_complaint() -> None:
    result = parse("报修三天了还没人来修，下水道一直堵着")
    assert (result.type, result.tier) == ("complaint", "2")


@pytest.mark.parametrize("text", ["信报箱有一个门掉了 第一次看到 修一下吧", "楼梯扶手松了 今天第一回注意到 麻烦来修"])
def test_a_first_report_is_not_a_delay(text: str) -> None:
    # 第一次 (the first time) was read as 第N次, a count of reports, and made first reports complaints
    assert parse(text).type == "repair"


@pytest.mark.parametrize("text", ["这是第三次报修了 水管还在漏", "第2回来说了 楼道灯还是不亮"])
def test_a_counted_report_is_a_delay(text: str) -> None:
    assert (parse(text).type, parse(text).tier) == ("complaint", "2")


def test_complaint_details() -> None:
    result = parse("维修工小张态度太差了，还骂人，要求他道歉")
    assert result.type == "complaint"
    assert result.complaint_target == "维修工小张"
    assert "道歉" in result.demands


def test_entities() -> None:
    result = parse("我是李女士，明天下午两点到四点在家，厨房水管漏水", now=NOW)
    assert "李女士" in result.names
    assert [p.name for p in result.places] == ["厨房"]
    assert result.times[0].start == datetime(2026, 11, 24, 14, 0, tzinfo=NOW.tzinfo)


def test_cli_prints_one_json_object() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "nlu", "parse", "B座1203 窗户锁坏了 158-0000-1234"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    assert {k: data[k] for k in ("room", "phone")} == {"room": "B-1203", "phone": "15800001234"}
    assert set(data) >= {"type", "urgency", "category", "tier", "room", "phone"}


def test_evaluate_cli_reads_a_split_or_a_file(tmp_path) -> None:
    dev = subprocess.run([sys.executable, "-m", "nlu.evaluate", "dev"], capture_output=True, text=True, check=True)
    assert "critical recall" in dev.stdout
    sample = tmp_path / "one.tsv"
    sample.write_text("id\ttext\ttype\turgency\tcategory\ttier\troom\tphone\nx1\t3号楼502 马桶堵了\trepair\tnormal\t"
                      "engineering\t\t3-502\t\n", encoding="utf-8")  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "nlu.evaluate", str(sample)], capture_output=True, text=True, check=True
    )
    assert "messages: 1" in out.stdout and "room      100.00 %" in out.stdout


@pytest.mark.parametrize(
    "text",
    [
        "我家小孩刚刚误食了洗衣凝珠 嘴里都是泡沫",
        "宝宝好像吞了一颗纽扣电池 怎么办",
        "楼下那条狗把一个老人按在地上还在咬",
        "七号楼的铁栏杆带电 我儿子摸了一下被弹开",
        "我妈突然冒冷汗 说话含糊 人站不稳 2-1-302",
        "路边躺着一个大爷 怎么推都推不醒",
        "我女儿下午出去玩到现在没回来 电话也打不通",
        "my son went missing near the playground 10 minutes ago",
    ],
)
def test_long_tail_dangers_are_critical(text: str) -> None:
    # hazards told without the textbook words: swallowed poison, a dog still biting, live metal, stroke-like
    # symptoms, a person who cannot be woken, a missing child (cue groups added in session 10)
    assert parse(text).urgency == "critical", parse(text).cues


@pytest.mark.parametrize(
    "text",
    [
        "上个月我被隔壁的狗咬过一次 现在看到就怕 能不能让他们遛狗牵绳",
        "明天停电几点到几点 我家有个制氧机",
        "扶手有点松 晃得厉害 麻烦来紧一下",
    ],
)
def test_the_same_words_without_a_present_danger_are_not_critical(text: str) -> None:
    assert parse(text).urgency != "critical", parse(text).cues


@pytest.mark.parametrize(
    ("text", "demand"),
    [
        ("物业经理一直不回电话 要求退物业费", "退费"),
        ("服务这么差 把这个月的停车费退给我", "退费"),
        ("停了三天水 这个月物业费减半才合理", "减免"),
        ("电梯坏了一个月 这个月物业费免了吧", "减免"),
    ],
)
def test_a_fee_named_in_a_demand(text: str, demand: str) -> None:
    assert demand in parse(text).demands


# Estate facilities residents name: gates, rubbish rooms, plant rooms, the property office, sports grounds.
@pytest.mark.parametrize(
    ("text", "place", "kind"),
    [
        ("小区南门的道闸坏了", "南门", "public"),
        ("垃圾房很臭", "垃圾房", "public"),
        ("物业办公室没人", "物业办公室", "public"),
        ("健身房跑步机坏了", "健身房", "public"),
        ("2号楼电表箱冒烟", "电表箱", "public"),
        ("车棚的灯一直不亮", "车棚", "public"),
        ("主卫马桶堵了", "主卫", "home"),
        ("露台的排水口堵了", "露台", "home"),
    ],
)
def test_estate_places(text: str, place: str, kind: str) -> None:
    assert (place, kind) in [(p.name, p.kind) for p in parse(text).places]


# Whom a complaint is about: the staff member as named (no stray 的), else the company or the neighbour.
@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("投诉一下你们的保洁，楼道一个月没拖了", "保洁"),
        ("巡逻的保安晚上根本不巡逻", "保安"),
        ("你们的管家小李从来不回消息", "管家小李"),
        ("王师傅的态度太差了", "王师傅"),
        ("绿化师傅把我家门口的花剪了，我要投诉", "绿化师傅"),
        ("秩序维护员在岗亭睡觉，投诉", "秩序维护员"),
        ("工程部的人把我家地板刮花了", "工程部"),
        ("物业公司不作为，我要投诉", "物业公司"),
        ("投诉楼上天天半夜装修", "楼上"),
    ],
)
def test_complaint_targets(text: str, target: str) -> None:
    assert find_complaint_target(parse(text).normalized) == target


# Staff named with a compound title and a name after it, and words that only look like a surname and a title.
@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("保安队长老王把我的车锁了，必须道歉", "保安队长老王"),
        ("客服主管张姐处理投诉一直和稀泥", "客服主管张姐"),
        ("项目经理刘某某态度恶劣，我要投诉", "项目经理刘某某"),
        ("值班的保安根本不巡逻，车被偷了", "值班的保安"),
        ("园林师傅把我家门口的桂花树剪秃了", "园林师傅"),
        ("你们的员工不戴工牌，分不清谁是谁", None),
        ("你们物业到底是干什么吃的 电梯坏了没人修", "物业"),
        ("对门邻居天天在楼道里抽烟，投诉", "对门邻居"),
        ("投诉物业管理处，门禁坏了一个月", "物业管理处"),
        ("The security guard was rude to me, I want to complain", "security guard"),
    ],
)
def test_complaint_targets_named_in_full(text: str, target: str | None) -> None:
    assert find_complaint_target(parse(text).normalized) == target


@pytest.mark.parametrize(
    ("text", "demands"),
    [
        ("保洁把我的鞋扔了，你们得赔", ["赔偿"]),
        ("请贵处于七日内整改并书面答复", ["整改", "给说法"]),
        ("这种乱收费必须给全体业主一个交代", ["给说法"]),
        ("多收的停车费，把多收的钱退给我", ["退费"]),
        ("恳请贵司对其进行严肃处理", ["处分"]),
        ("Please explain and refund the extra charge", ["退费", "给说法"]),
        ("he never apologized, I want an apology", ["道歉"]),
        ("割草机太吵了，能不能换个时间", []),
        ("我不要你们道歉，我只要修好", []),
    ],
)
def test_demands_worded_every_way(text: str, demands: list[str]) -> None:
    assert sorted(find_demands(parse(text).normalized)) == sorted(demands)


@pytest.mark.parametrize(
    ("text", "demands"),
    [
        ("医药费你们要负责", ["赔偿"]),
        ("这种师傅别再派来了", ["处分"]),
        ("麻烦尽快维修", ["整改"]),
        ("请给我回电话", ["给说法"]),
        ("道歉就不必了，赔偿也不用，把电梯修好就行", []),
        ("退费就算了，我就想知道为什么没人管", []),
        ("我不是要求减免物业费，我要你们解释清楚", ["给说法"]),
    ],
)
def test_demands_asked_and_waived(text: str, demands: list[str]) -> None:
    assert sorted(find_demands(parse(text).normalized)) == sorted(demands)
