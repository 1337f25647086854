"""Mainland mobile numbers written with spaces, dashes, dots or a +86 prefix (numerals already digits); landlines
with their area code are found too, so that staff never see one in full either."""

from __future__ import annotations

import re

from nlu.lexicon import corrections

# Runs of digit groups separated by one space, dash or dot (138 0013 8000, 138-0013-8000, +86 13800138000).
_GROUPS = re.compile(r"(?<![\d])(?:\+?86[\s\-]?)?\d+(?:[\s\-.]\d+)*")
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
_SOMEONE_ELSES = re.compile(
    r"(?:(?:师傅|维修工|工人|装修队|快递员?|外卖员?|骑手|保安|队长|经理|管家|客服|中介|广告|开锁|骗子|陌生人|商家|老板|司机)"
    r"(?:的|留的|给的|给我的)?(?:电话|手机|号码|联系方式)"
    r"|(?:plumber|courier|technician|worker|guard|agent)(?:'s)? (?:number|phone)"
    r"|(?:gave me|left) (?:his|her|their) number)(?:号码?|是|为|:)?\s*$"
)
"""Right before a number: whose it is, said as 师傅的电话, 快递员电话, 开锁广告电话 or the plumber's number (the words
joined, not 换个师傅 电话…, where the resident goes on to give their own)."""
_NOT_A_PHONE = re.compile(r"(?:QQ|qq|微信号|编号|单号|账号|卡号|订单|快递单|工号|身份证)\s*(?:号码?|是|为|:)?\s*$")
"""Numbers that are codes, not phones (QQ号18956073412, 水表编号13050827641), however much they look like one."""
_OWN_PHONE = re.compile(
    r"(?:(?<![给跟])(?:我的?|本人的?)(?:电话|手机|号码|联系方式)(?:号码?|是|为|:)?|打我|联系我"
    r"|[Mm]y (?:number|phone|mobile)(?: is)?:?|call me(?: at| on)?)\s*$"
)
"""A number the resident calls their own, said right before it."""


def own_phone(text: str, phones: list[tuple[str, int, int]]) -> str | None:
    """The resident's contact among the mobile numbers found in `text`: not a code, not someone else's, not one they
    corrected (139…不对是138…); the first they call their own, else the first left; None if none is left."""
    left: list[tuple[str, int, int]] = []
    for phone in phones:
        before = text[max(0, phone[1] - 12) : phone[1]]
        if _NOT_A_PHONE.search(before):
            continue
        if left and corrections().search(text, left[-1][2], phone[1]):
            left.pop()  # 电话139… 不对 是138…: the correction replaces it
        left.append(phone)
    mine = [p for p in left if _OWN_PHONE.search(text[max(0, p[1] - 10) : p[1]])]
    if mine:
        return mine[0][0]
    rest = [p for p in left if not _SOMEONE_ELSES.search(text, max(0, p[1] - 24), p[1])]
    return rest[0][0] if rest else None


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
