"""Small defects once found in the parser, each pinned by a test so it does not come back."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from nlu import parse
from nlu.analysis import count_problems, split_problems
from nlu.lexicon import find_cues
from nlu.normalize import normalize
from nlu.time_expr import find_times

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CST)  # a Monday morning


@pytest.mark.parametrize(
    ("text", "day"),
    [("上周三报的", 18), ("上个星期五来过", 20), ("上礼拜天", 22), ("上上周一", 9), ("下周三", 30 + 2)],
)
def test_last_week_days_are_in_the_past(text: str, day: int) -> None:
    start = find_times(normalize(text).text, NOW)[0].start
    expected = datetime(2026, 11, 1, tzinfo=CST) + timedelta(days=day - 1)
    assert start == expected, (text, start)


@pytest.mark.parametrize("text", ["水管爆了", "厨房的软管爆开了，水喷了一地", "暖气片爆裂"])
def test_burst_is_a_fault(text: str) -> None:
    body = normalize(text).text
    assert any(c.group == "fault" for c in find_cues(body)), text
    assert split_problems(body)


def test_burst_counts_as_a_separate_problem() -> None:
    assert count_problems("卫生间水管爆了，另外楼道灯不亮") == 2


_CONFIDENCE_SCRIPT = (
    "import json; from nlu import parse; "
    "print(json.dumps([parse(t).confidence for t in "
    "['楼道灯坏了好几天了没人修', '请问物业费怎么交', '我家卫生间漏水 3-2-502 快来', '保安态度太差了']]))"
)


def test_confidences_do_not_depend_on_the_process_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", _CONFIDENCE_SCRIPT], capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr
        outputs.add(run.stdout.strip())
    assert len(outputs) == 1, outputs
    assert json.loads(outputs.pop())[0]["type"] > 0


def test_day_count_cue_on_a_long_digit_run_finishes_and_reads_only_short_counts() -> None:
    # A long digit run before 天了 used to cost quadratic time in `\d+天了`; a count of days has a few digits.
    assert not [c for c in find_cues("1" * 50_000 + "天了") if c.group == "repeat"]
    # 报修3天 (a counted report, a delay) overlaps 3天了 (a count of days, how long a fault has lasted): both are read
    cues = find_cues("报修3天了")
    assert sorted((c.group, c.term) for c in cues if c.group in {"delay", "repeat"}) == [
        ("delay", "报修3天"),
        ("repeat", "3天了"),
    ]


@pytest.mark.parametrize(
    ("text", "term"),
    [("热水器旁边有声音 是不是漏气了", "漏气"), ("看看有没有漏水", "漏水"), ("不知道是不是着火了", "着火")],
)
def test_asking_whether_is_not_negation(text: str, term: str) -> None:
    cues = [c for c in find_cues(normalize(text).text) if c.term == term]
    assert cues and not any(c.negated for c in cues), cues


@pytest.mark.parametrize(("text", "term"), [("不是漏水", "漏水"), ("没有着火", "着火"), ("已经没有煤气味了", "煤气味")])
def test_plain_negation_still_negates(text: str, term: str) -> None:
    cues = [c for c in find_cues(normalize(text).text) if c.term == term]
    assert cues and all(c.negated for c in cues), cues


def test_asking_whether_there_is_gas_is_still_critical() -> None:
    assert parse("厨房有点味道 是不是漏气了").urgency == "critical"


@pytest.mark.parametrize("text", ["卫生间漏水", "下水道堵了", "家门打不开", "墙上裂了一条缝", "电梯又坏了"])
def test_a_fault_inside_a_longer_urgent_term_still_counts_as_a_fault(text: str) -> None:
    assert any(c.group == "fault" for c in find_cues(normalize(text).text)), text


@pytest.mark.parametrize(
    "text",
    ["救命 电梯停了 门打不开 我在里面", "锅里着火了 我盖住了 还在冒烟 怎么办", "燃气灶一直有味 不是很浓 快来看看"],
)
def test_voice_input_phrases_and_pleas_do_not_call_off_a_danger(text: str) -> None:
    assert parse(text).urgency == "critical", parse(text).cues
