"""Mainland China mobile numbers: the only phone a ticket contact may have (§1)."""

from __future__ import annotations

import re

from storage.errors import InvalidInput

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(phone: str, field: str = "phone") -> str:
    """`phone` as 11 digits (spaces, dashes and a +86 prefix removed); raises InvalidInput."""
    digits = re.sub(r"[\s\-()（）]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise InvalidInput(field, f"{phone!r} is not a valid mobile number")
    return digits
