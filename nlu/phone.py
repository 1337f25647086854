"""Mainland mobile numbers written with spaces, dashes, dots or a +86 prefix (numerals already digits); landlines
with their area code are found too, so that staff never see one in full either."""

from __future__ import annotations

import re

from nlu.lexicon import corrections
from nlu.time_words import CLAUSE_BREAK

# Runs of digit groups separated by one space, dash or dot (138 0013 8000, 138-0013-8000, +86 13800138000).
# Also with a bracketed first group or middle dots ((138)2205-6734, 177·3026·8814).
_GROUPS = re.compile(r"(?<![\d])(?:\+?86[\s\-]?)?\d+(?:(?:[\s\-.·・]|\)\s?)\d+)*")
_GROUP = re.compile(r"\d+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_COUNTRY = re.compile(r"\+?86[\s\-]?")
_NON_DIGIT = re.compile(r"\D")
_DIGIT = re.compile(r"\d")
# A digit group right after these words is part of an address, not the start of a phone number
# (手机号, 电话号, 账号 and the like end in 号 but introduce a number).
_ADDRESS_BEFORE = re.compile(r"(?:单元|栋|幢|座|号楼|室|房|楼|(?<!手机)(?<!电话)(?<!账)号|-)\s*$")


def find_phones(text: str) -> list[tuple[str, int, int]]:
    """Every mobile number in a normalised text as (digits, start, end).

    A number may be split into groups anywhere (159 5806 7241, 13587 209 6314); it starts at a group boundary
    that is not part of an address and covers whole groups.
    """
    found: list[tuple[str, int, int]] = []
    if len(_DIGIT.findall(text)) < 11:  # a mobile number is 11 digits: fewer in the whole text, none to find
        return found
    for run in _GROUPS.finditer(text):
        if run.end() - run.start() < 11:  # fewer than 11 characters hold fewer than 11 digits (a room, a time)
            continue
        body_start = run.start()
        prefix = _COUNTRY.match(run.group())
        if prefix and len(_NON_DIGIT.sub("", run.group())) > 11:
            body_start += prefix.end()
        groups = [m.span() for m in _GROUP.finditer(text, body_start, run.end())]
        # After +86 the first group starts the number whatever stands before the prefix.
        after_address = body_start == run.start() and bool(
            _ADDRESS_BEFORE.search(text[max(0, run.start() - 3) : run.start()])
        )
        candidates = []
        for i, (start, _) in enumerate(groups):
            digits, j = "", i
            while j < len(groups) and len(digits) < 11:
                digits += text[groups[j][0] : groups[j][1]]
                j += 1
            if len(digits) != 11 or not _MOBILE.fullmatch(digits):
                continue
            # A group right after an address word is a room (13栋1单元1801 159 5806 7241), unless the mobile number
            # read from it is all the run holds (7号楼 159 5712 0338, 7号楼 18858027710): a phone before a room.
            if i == 0 and after_address and groups[j - 1][1] != run.end():
                continue
            candidates.append((digits, start, groups[j - 1][1]))
        # Where two readings overlap, the one that uses the groups up to the end of the run wins
        # (1801 159 5806 7241: the room, then the phone).
        for k, candidate in enumerate(candidates):
            if found and candidate[1] < found[-1][2]:
                continue
            later = [c for c in candidates[k + 1 :] if c[1] < candidate[2] and c[2] == run.end()]
            if candidate[2] != run.end() and later:
                continue
            found.append(candidate)
    return found


def find_phone(text: str) -> str | None:
    """The resident's mobile number in a normalised text, digits only, or None (see `own_phone`)."""
    return own_phone(text, find_phones(text))


# Whose number: one introduced as a service worker's, a business's or a stranger's (师傅的电话…, 快递员电话…, 开锁广告
# 电话…, the plumber's number) is no contact for the request; a number the resident calls their own (我的电话是, 打我,
# call me) is theirs. A family member's, a tenant's or a neighbour's number may well be the contact for the job (请跟
# 我父亲约, 有事找租客), so those words are not here.
_OTHERS = (
    "师傅|维修工|工人|装修队|快递员?|快递小哥|外卖员?|骑手|配送员|保安|队长|经理|管家|客服|中介|广告|开锁|骗子|陌生人|商家"
    "|老板|司机"
)
"""People whose number is no contact for the request: service workers, businesses, strangers. Not family, tenants,
neighbours, the landlord, a delivery to let in (送货电话) or the car's owner (车主电话 is how residents give their
own): the corpus takes a number given for them as the contact (有事找他们 电话…)."""
_SOMEONE_ELSES = re.compile(
    rf"(?:(?:{_OTHERS})(?:的|留的|给的|给我的)?(?:电话|手机|号码|联系方式)(?:我有)?"
    r"|(?:plumber|courier|technician|worker|guard|agent|delivery (?:guy|man|driver)|driver|landlord)(?:'s)? "
    r"(?:number|phone)(?: number)?(?: is)?"
    r"|(?:gave me|left) (?:his|her|their) number|(?:got|had) a call from|called me from)(?:号码?|是|为|:|,|，)?\s*$"
)
"""Right before a number: whose it is, said as 师傅的电话, 快递员电话, 开锁广告电话 or the plumber's number (the words
joined, not 换个师傅 电话…, where the resident goes on to give their own)."""
_STAFF_RIGHT_BEFORE = re.compile(r"(?:保安|队长|师傅|管家|客服|司机|广告)\s*$")
"""保安队长 187…, 开锁广告136…: a number right after the worker or advert it belongs to (not 我是值班经理133…: see
`_someone_elses`)."""
_I_AM = re.compile(r"(?:我是|本人是|我系)[^,，。\s]{0,6}$")
_THEIR_PRONOUN = re.compile(r"[他她](?:的)?(?:电话|手机|号码)(?:号码?|是|为|:)?\s*$")
_THEY = re.compile(_OTHERS + "|送水|送货|送外卖|送快递")
"""他电话是… after a worker named just before (送水的说放在门卫了，他电话是…): that person's number."""
_STRANGER_CALLS = re.compile(r"自称|冒充|假冒|骗子|推销|传单|打电话(?:给我|过来|让我|来)|打(?:给|过来)我|打来的?")
"""In a number's clause, or the clause before when the number's own holds only its label (号码是): a caller or a
seller (有人冒充你们打电话过来 号码…, 发传单说找他…)."""
_SELLS_AFTER = re.compile(r"[^,，。!！?？\s]{0,6}(?:推销|骚扰|诈骗)")
_LABEL_ONLY = re.compile(r"\s*(?:号码|电话|手机|联系方式)?(?:号码?)?(?:是|为|:)?\s*")
_OLD_BEFORE = re.compile(r"(?:以前|之前|原来|旧)[^,，。\d]{0,4}$")
_OLD_AFTER = re.compile(r"\s*(?:不用了|停机|停用|作废|注销|不再用)")
"""以前是138…, 之前登记的157…, 158…停机了: an old number, dropped when the resident gives another."""
_NOT_A_PHONE = re.compile(r"(?:QQ|qq|微信号|编号|单号|账号|卡号|订单|快递单|工号|身份证)\s*(?:号码?|是|为|:)?\s*$")
"""Numbers that are codes, not phones (QQ号18956073412, 水表编号13050827641), however much they look like one."""
_OWN_PHONE = re.compile(
    r"(?:(?<![给跟])(?:我的?|本人的?)(?:电话|手机|号码|联系方式)(?:号码?|是|为|:)?|打我|联系我"
    r"|[Mm]y (?:number|phone|mobile)(?: is)?:?|call me(?: first)?(?: at| on)?:?)\s*$"
)
"""A number the resident calls their own, said right before it."""


def own_phone(text: str, phones: list[tuple[str, int, int]]) -> str | None:
    """The resident's contact among the mobile numbers found in `text`: not a code, not someone else's, not one they
    corrected (139…不对是138…); the first they call their own, else the first left; None if none is left."""
    left: list[tuple[str, int, int]] = []
    for phone in phones:
        before = text[max(0, phone[1] - 12) : phone[1]]
        if _NOT_A_PHONE.search(before) or text.startswith("@", phone[2]):  # 138…@163.com: an e-mail address
            continue
        if left and corrections().search(text, left[-1][2], phone[1]):
            left.pop()  # 电话139… 不对 是138…: the correction replaces it
        left.append(phone)
    mine = [p for p in left if _OWN_PHONE.search(text[max(0, p[1] - 10) : p[1]])]
    if mine:
        return mine[0][0]
    rest = [p for p in left if not _someone_elses(text, p)]
    current = [p for p in rest if not _is_old(text, p)]
    rest = current or rest
    return rest[0][0] if rest else None


def _someone_elses(text: str, phone: tuple[str, int, int]) -> bool:
    """Whether the words around a number say it is not the resident's: whose it is right before it, a pronoun for a
    worker or a stranger named just before, a caller or a seller in its sentence, or selling right after it."""
    start, end = phone[1], phone[2]
    if _SOMEONE_ELSES.search(text, max(0, start - 30), start):
        return True
    staff = _STAFF_RIGHT_BEFORE.search(text, max(0, start - 8), start)
    if staff and not _I_AM.search(text, max(0, staff.start() - 10), staff.start()):
        return True
    pronoun = _THEIR_PRONOUN.search(text, max(0, start - 8), start)
    if pronoun and _THEY.search(text, max(0, pronoun.start() - 24), pronoun.start()):
        return True
    if _STRANGER_CALLS.search(text, max(0, start - 40), start) is None:  # none near: no clause to find
        return _SELLS_AFTER.match(text, end) is not None
    breaks = list(CLAUSE_BREAK.finditer(text, max(0, start - 40), start))
    clause_start = breaks[-1].end() if breaks else max(0, start - 40)
    if breaks and _LABEL_ONLY.fullmatch(text, clause_start, start):  # 打电话来，号码是…: the clause before too
        clause_start = breaks[-2].end() if len(breaks) >= 2 else max(0, start - 40)
    if _STRANGER_CALLS.search(text, clause_start, start):
        return True
    return _SELLS_AFTER.match(text, end) is not None


def _is_old(text: str, phone: tuple[str, int, int]) -> bool:
    return bool(_OLD_BEFORE.search(text, max(0, phone[1] - 8), phone[1]) or _OLD_AFTER.match(text, phone[2]))


# A mainland landline: an area code (010, 02x or a four-digit 0xxx), bracketed or not, then a local number of 7 or 8
# digits that does not start with 0 or 1 (0571-8888 6666, (010)65529988, 020 8765 4321).
_LANDLINE = re.compile(
    r"(?<![\d+\-])[(（]?\s*(?P<area>0(?:10|2\d|[3-9]\d{2}))\s*[)）]?[\s\-]?"
    r"(?P<local>[2-9]\d{2,3})[\s\-]?(?P<tail>\d{4})(?![\d\-])"
)


def find_landlines(text: str) -> list[tuple[str, int, int]]:
    """Every landline with an area code in a normalised text as (0571-88886666, start, end)."""
    if "0" not in text:  # every area code starts with 0
        return []
    return [
        (f"{m.group('area')}-{m.group('local')}{m.group('tail')}", m.start(), m.end()) for m in _LANDLINE.finditer(text)
    ]


#: A bare 11-digit mobile number, wherever it stands (masking errs on the side of hiding).
_PLAIN_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
#: Full-width digits to ASCII, one character for one, so positions found in the copy hold in the original.
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def mask_phones_in(text: str) -> str:
    """`text` with every mobile number in it masked (138****5678), for group chats and other staff eyes."""
    ascii_text = text.translate(_ASCII_DIGITS)
    spans = {(start, end): digits for digits, start, end in find_phones(ascii_text)}
    for plain in _PLAIN_MOBILE.finditer(ascii_text):  # when in doubt, mask: also numbers right after an address
        if not any(start <= plain.start() < end for start, end in spans):
            spans[plain.span()] = plain.group()
    for landline, start, end in find_landlines(ascii_text):
        if not any(s < end and start < e for s, e in spans):
            spans[(start, end)] = landline
    for (start, end), digits in sorted(spans.items(), reverse=True):
        text = text[:start] + mask_phone(digits) + text[end:]
    return text


def mask_phone(phone: str) -> str:
    """138****5678, 0571-****6666: what staff in group chats may see."""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    area, dash, local = phone.rpartition("-")
    if local.isdigit() and len(local) in (7, 8):
        return f"{area}{dash}****{local[-4:]}"
    return "****"
