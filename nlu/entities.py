"""Names and forms of address, complaint targets, demands and places in a normalised text."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from nlu.lexicon import alternation, lexicon
from nlu.request import Place

SURNAMES: Final[str] = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易"
    "乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
)
"""Common Chinese surnames (single character), for forms of address like 老王, 李女士."""

COMPOUND_SURNAMES: Final[tuple[str, ...]] = (
    "欧阳", "司马", "诸葛", "上官", "东方", "慕容", "令狐", "皇甫", "尉迟", "公孙", "长孙", "宇文", "夏侯", "司徒",
    "端木", "南宫", "独孤", "呼延", "轩辕", "澹台", "百里", "东郭", "西门", "申屠", "太史", "濮阳",
)  # fmt: skip
"""Two-character surnames (欧阳娜娜, 司马先生)."""

_TITLES = "女士|先生|小姐|阿姨|大爷|大妈|大姐|大哥|奶奶|爷爷|叔叔|师傅|经理|主管|老师|工|姐|哥|总"
_SURNAME = rf"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])"
_NAME = re.compile(
    rf"(?:(?:老|小)[{SURNAMES}](?![{SURNAMES}]?[区楼栋])|{_SURNAME}(?:{_TITLES}))"
    rf"|(?:我叫|我是|本人|业主|联系人\s*[:：]?\s*)({_SURNAME}[\u4e00-\u9fff]{{1,2}})(?=[,，。\s]|$)"
)
_NOT_NAMES: Final[frozenset[str]] = frozenset({"小区", "老人", "小孩", "老公", "小时", "老是", "小心", "老年", "小朋"})


@cache
def _places() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = lexicon().raw["places"]
    kinds = {word: kind for kind in ("home", "public") for word in raw[kind]}
    return alternation(list(kinds)), kinds


@cache
def _targets() -> re.Pattern[str]:
    staff = lexicon().raw["targets"]["staff"]
    words = alternation(staff).pattern
    # a name: 老王, 王师傅, or after a title 张姐, 刘某某, 林小姐 (not 工 of 工牌 or 工作: 戴工牌 is no 戴工)
    name = rf"(?:[老小][{SURNAMES}]|[{SURNAMES}](?:师傅|经理|主管|工(?![牌作资厂地程具人])))"
    after = rf"(?:{name}|[{SURNAMES}](?:姐|哥|女士|先生|小姐|某某|某))"
    return re.compile(rf"(?:{name}的?)?(?:{words})(?:{after})?|{name}")


@cache
def _other_targets() -> re.Pattern[str]:
    return alternation(lexicon().raw["targets"]["others"])


@cache
def _demands() -> list[tuple[str, re.Pattern[str]]]:
    return [(label, alternation(words)) for label, words in lexicon().raw["demands"].items()]


def find_names(text: str) -> list[str]:
    """Names and forms of address: 老王, 李女士, 张师傅, 欧阳先生, or the name after 我叫 or 联系人."""
    names: list[str] = []
    if not _NAME.search(text):  # most messages name nobody; a search is cheaper than setting up a finditer
        return names
    for match in _NAME.finditer(text):
        name = match.group(1) or match.group()
        if name not in _NOT_NAMES and name not in names:
            names.append(name)
    return names


def find_complaint_target(text: str) -> str | None:
    """Whom a complaint is about: the first staff term with its name if any (维修工小张, 保安, 前台), else the first
    word for the company or a neighbour (物业公司, 楼上)."""
    match = _targets().search(text) or _other_targets().search(text)
    if match is None:
        return None
    target = match.group()
    return target[2:] if target.startswith("你们") else target  # 你们物业: the company, as 物业


_DEMAND_REFUSED = re.compile(
    r"(?:不要|不用|不需要|不求|不必|用不着|没要求|不是要求|don't need|don't want)[^,，。!！?？]{0,4}$"
)
_DEMAND_WAIVED = re.compile(r"[^,，。!！?？]{0,3}(?:就不必了|就不用了|也不用|不必了|不用了|就算了|我不管|不需要)")
"""A demand the resident says they do not make, before it (我不要你们道歉, 我不是要求减免) or after it (道歉就不必了,
退费就算了, 开除谁我不管)."""


def find_demands(text: str) -> list[str]:
    """What the resident wants done about a complaint: 道歉, 赔偿, 退费, 整改, ... (not one they say they do not
    want: 我不要你们道歉)."""
    found = []
    for label, pattern in _demands():
        if any(
            not _DEMAND_REFUSED.search(text, max(0, m.start() - 10), m.start())
            and not _DEMAND_WAIVED.match(text, m.end())
            for m in pattern.finditer(text)
        ):
            found.append(label)
    return found


def find_places(text: str) -> list[Place]:
    """Where the problem is: places in the home and public areas, in order of mention, each once."""
    pattern, kinds = _places()
    seen: dict[str, Place] = {}
    if not pattern.search(text):
        return []
    for match in pattern.finditer(text):
        seen.setdefault(match.group(), Place(kinds[match.group()], match.group()))
    return list(seen.values())
