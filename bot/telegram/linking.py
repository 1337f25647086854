"""One-time staff link codes: `wuye telegram link-code STAFF` prints one, the staff member sends `/link CODE`.

A code is `<staff id>-<expiry, hex unix time>-<HMAC>` keyed by the bot token, so nothing is stored until
it is used; the inbound log then records it, which makes it single-use.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from typing import Final

#: How long a printed code stays valid unless `--minutes` says otherwise.
DEFAULT_VALID_MINUTES: Final = 60
_CODE: Final = re.compile(r"^(\d{1,12})-([0-9a-f]{1,12})-([0-9a-f]{16})$")


def link_key(token: str) -> bytes:
    """The HMAC key of link codes, derived from the bot token (a new token voids every open code)."""
    return hashlib.sha256(b"wuye-staff-link\0" + token.encode()).digest()


def make_code(key: bytes, staff_id: int, *, now: datetime, minutes: int = DEFAULT_VALID_MINUTES) -> str:
    """A code that links a Telegram account to staff `staff_id` until `minutes` from `now`."""
    body = f"{staff_id}-{int((now + timedelta(minutes=minutes)).timestamp()):x}"
    return f"{body}-{_mac(key, body)}"


def looks_like_code(text: str) -> bool:
    """True when `text` has the shape of a link code (a deep link's /start argument may be one)."""
    return _CODE.match(text.strip()) is not None


def check_code(key: bytes, code: str, *, now: datetime) -> int | None:
    """The staff id of a genuine, unexpired code; None otherwise."""
    found = _CODE.match(code.strip())
    if found is None:
        return None
    staff_id, expiry, mac = found.groups()
    if not hmac.compare_digest(mac, _mac(key, f"{staff_id}-{expiry}")):
        return None
    if int(expiry, 16) < now.timestamp():
        return None
    return int(staff_id)


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:16]
