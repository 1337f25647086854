"""Chinese numerals to digits where they are numbers (rooms, phones, times, counts), not inside words."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import cn2an

DIGITS: Final[dict[str, str]] = {
    "零": "0", "〇": "0", "○": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}  # fmt: skip
"""Spoken digit characters. 幺 (yao) is how 1 is read out in phone and room numbers; 洞 (dong) is 0 in radio speech."""

_POSITIONAL = "十百千万"
_POSITIONAL_CHARS: Final[frozenset[str]] = frozenset(_POSITIONAL)
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_RUN = re.compile(r"[零〇○一幺二两三四五六七八九十百千万]+")

# Measure words and units after which a numeral is a number, not part of a word (一直, 一下, 十分).
_UNIT = re.compile(
    r"(?:号楼|单元|分钟|小时|个月|星期|礼拜|栋|幢|座|号|楼|层|室|户|房|点|刻|个|次|天|周|月|日|年|台|辆|位|元|块|毛|岁|"
    r"趟|遍|间|把|盏|条|根|只|人|口|多|米|平|度|斤|箱|袋|件|扇|套|部|樘|格|瓶|桶|w|W|#|-|/|杠)"
)
# After these words a digit run is a number even with nothing after it (电话一三八…, 房号五零二).
_NUMBER_CONTEXT = re.compile(
    r"(?:电话|手机|号码|联系|房号|门牌|单元|栋|幢|座|号楼|打|拨|是|到|至|:|：|-|/|杠|第|共|约)$"
)
# A building word before a lone numeral and 门 or 梯 after it: the unit of a regional address (3号楼二门502 in
# Beijing, 12栋二梯1003 in Guangdong), where a Chinese character after the numeral would otherwise keep it a word.
_BUILDING_BEFORE = re.compile(r"(?:号楼|栋|幢|座|#楼)\s*$")
_UNIT_AFTER = ("门", "梯")
# Approximate pairs like 三五天, 七八个: a range in words, not a number.
_APPROX_PAIRS: Final[frozenset[str]] = frozenset(
    {"一两", "两三", "三四", "四五", "五六", "六七", "七八", "八九", "三五", "一二", "二三"}
)
# Runs that are names of days or words in their own right.
_WORDS_BEFORE: Final[tuple[tuple[str, str], ...]] = (
    ("五一", "假节长期"),
    ("十一", "假节长期黄"),
    ("三八", "节妇"),
    ("一一", "回对核"),
)
_FOLLOWERS: Final[dict[str, str]] = dict(_WORDS_BEFORE)


@lru_cache(maxsize=4096)
def _positional_value(run: str) -> str | None:
    """The digits of a positional numeral (十二, 三百零五), or None. cn2an takes ~80 us a call; the numerals residents
    write are few (35 distinct among the corpus's 159), so the results are kept."""
    run = run.replace("幺", "一")
    try:
        return str(int(cn2an.cn2an(run, "smart")))
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    # 十二零一 (a room read as "twelve-oh-one"): the positional head, then digits read one by one.
    head, zero, tail = run.partition("零")
    if zero and head and all(ch in DIGITS for ch in tail):
        try:
            return str(int(cn2an.cn2an(head, "smart"))) + "0" + "".join(DIGITS[ch] for ch in tail)
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    return None


def _convert(run: str, before: str, after: str) -> str:
    followers = _FOLLOWERS.get(run)
    if followers is not None and after[:1] and after[:1] in followers:
        return run
    if run.startswith("万") or run in {"万", "千", "百"}:
        return run
    has_positional = not _POSITIONAL_CHARS.isdisjoint(run)
    followed_by_unit = bool(_UNIT.match(after))
    if has_positional:
        if "万" in run and not followed_by_unit:
            return run  # 千万别, 万一
        if run == "十" and after.startswith("分") and not after.startswith("分钟"):
            return run  # 十分 = very
        # 一十, 两百 etc. A positional run inside a longer word (十足, 百货) has no unit after it.
        if not followed_by_unit and not _NUMBER_CONTEXT.search(before) and not _ends_number(after):
            return run
        value = _positional_value(run)
        return value if value is not None else run
    if len(run) == 1:
        if run == "两" and not followed_by_unit:
            return run
        if after.startswith("点") and run == "一" and not _time_context(before, after):
            return run  # 快一点, 好一点
        # After 电话, 打, 是 or 第 a lone digit is a number only where no word goes on from it (房号五, but
        # 电话一直没人接, 打一下, 第一时间): a Chinese character right after it makes a word with it, unless a unit.
        if (
            followed_by_unit
            or (_NUMBER_CONTEXT.search(before) and not _CJK_CHAR.match(after))
            or (after.startswith(_UNIT_AFTER) and _BUILDING_BEFORE.search(before))
        ):
            if run == "一" and after.startswith(("楼", "层")) and before.endswith(("统", "唯", "同")):
                return run
            return DIGITS[run]
        return run
    if len(run) == 2 and run in _APPROX_PAIRS:
        return run
    if len(run) == 2 and not followed_by_unit and not _NUMBER_CONTEXT.search(before):
        return run  # 一一, 三三两两 style word pairs: leave them
    return "".join(DIGITS.get(ch, ch) for ch in run)


def _ends_number(after: str) -> bool:
    return bool(after[:1]) and (after[:1].isdigit() or after[:1] in DIGITS)


_TIME_BEFORE_ONE: Final[tuple[str, ...]] = (
    "上午", "下午", "中午", "晚上", "凌晨", "早上", "早晨", "清晨", "傍晚", "夜里", "半夜", "深夜", "午夜", "夜间",
    "今天", "明天", "后天", "昨天", "今晚", "明晚", "昨晚",
)  # fmt: skip
"""Words after which 一点 is one o'clock (半夜一点多), not "a little" (快一点)."""


def _time_context(before: str, after: str) -> bool:
    return before.endswith(_TIME_BEFORE_ONE) or after[1:2] in ("半", "钟", "到", "至", "前", "后", "左", "-", "~")


# A phone number read out digit by digit, in groups (幺五七 两四六八 洞九三幺): within such a long run 洞 is 0 (radio
# speech) and 么 is 幺 as input methods give it. Only there: 打洞 and 什么 stay words.
_READ_OUT = re.compile(rf"[{''.join(DIGITS)}么\d](?:\s?[{''.join(DIGITS)}么\d])+")
_READ_OUT_LENGTH: Final[int] = 7
"""Digits a run must hold for 洞 and 么 in it to be read as digits (a local number has 7, a mobile 11)."""
_ADDRESS_BEFORE = re.compile(r"(?:号楼|栋|幢|座|单元|房号|门牌号?)\s*$")
"""A building or unit word right before a short run (6号楼 幺洞洞八): the run is a room read out, 洞 in it 0."""
_ME_WORDS = "什怎这那多要干为"
"""Characters before 么 that make a word with it (什么, 怎么, 那么): a run cannot start with such a 么."""
_GROUP_AFTER_DIGITS = re.compile(r"\d[\s-]?$")
"""A short group (二一, 三) right after a group of digits (139 876 543 二一): the rest of a number read out."""
_NO_WORD_AFTER = re.compile(r"(?:[\s\d,，。!！?？、;；]|$)")
_LONG_NUMBER_BEFORE = re.compile(r"(?:\d[\s-]?){7,}$")
"""Seven digits or more just before a short group: the group ends a number read out, even with a word right after it
(voice input drops the space: …93 五八门口灯坏了)."""


def _read_out_digits(text: str) -> str:
    """`text` with 洞 and 么 inside long runs of read-out digits turned into 零 and 幺."""

    def digits(match: re.Match[str]) -> str:
        run = match.group()
        if "洞" not in run and "么" not in run:
            return run
        if len(run.replace(" ", "")) < _READ_OUT_LENGTH and not (
            len(run) >= 3 and _ADDRESS_BEFORE.search(text, max(0, match.start() - 4), match.start())
        ):
            return run
        if run[0] == "么" and match.start() > 0 and text[match.start() - 1] in _ME_WORDS:
            return run
        return run.replace("洞", "零").replace("么", "幺")

    return _READ_OUT.sub(digits, text)


def chinese_numerals_to_digits(text: str) -> str:
    """Replace numerals that denote numbers by digits: 三号楼二单元五零二 → 3号楼2单元502, keep 一直 and 十分."""
    if not _RUN.search(text):
        return text
    if "洞" in text or "么" in text:
        text = _read_out_digits(text)
    out: list[str] = []
    tail = ""  # the last characters written, numerals already turned into digits
    last = 0
    for match in _RUN.finditer(text):
        start, end = match.span()
        run, after = match.group(), text[end : end + 4]
        tail = (tail + text[last:start])[-16:]
        if (
            len(run) <= 2
            and _GROUP_AFTER_DIGITS.search(tail)
            and (_NO_WORD_AFTER.match(after) or _LONG_NUMBER_BEFORE.search(tail))
            and all(ch in DIGITS for ch in run)
        ):
            converted = "".join(DIGITS[ch] for ch in run)
        else:
            converted = _convert(run, text[max(0, start - 4) : start], after)
        out.append(text[last:start])
        out.append(converted)
        tail = (tail + converted)[-16:]
        last = end
    out.append(text[last:])
    return "".join(out)
