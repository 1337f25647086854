"""What a request says about its client when the service runs behind a TLS-terminating reverse proxy.

`X-Forwarded-Proto` and `X-Forwarded-For` are believed only when the connection comes from an address in the
`trusted_proxies` setting (WUYE_TRUSTED_PROXIES); from anyone else they are ignored, since any client can send
them. The console and the web chat both use these for the Secure cookie flag and the sign-in rate limit.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from aiohttp import web

from bot.http import keys

__all__ = ["client_address", "cookie_secure", "from_trusted_proxy"]

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _parsed(networks: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def _trusted(address: str | None, networks: tuple[str, ...]) -> bool:
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in _parsed(networks))


def from_trusted_proxy(request: web.Request) -> bool:
    """True when the connection's peer is one of the configured trusted proxies."""
    return _trusted(request.remote, request.app[keys.SETTINGS].trusted_proxies)


def cookie_secure(request: web.Request) -> bool:
    """Whether cookies set on this response get the Secure flag (setting cookie_secure = auto | true | false).

    `auto`: Secure when this request came over TLS, or a trusted proxy says the client used https
    (`X-Forwarded-Proto: https`, the first value when a chain of proxies lists several).
    """
    mode = request.app[keys.SETTINGS].cookie_secure
    if mode == "true":
        return True
    if mode == "false":
        return False
    if request.secure:
        return True
    if from_trusted_proxy(request):
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return forwarded == "https"
    return False


def client_address(request: web.Request) -> str | None:
    """The client's IP: the connection's peer, or behind trusted proxies the nearest untrusted `X-Forwarded-For`
    entry (read from the right, skipping the proxies themselves, so a client cannot forge its own address)."""
    remote = request.remote
    networks = request.app[keys.SETTINGS].trusted_proxies
    if not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for value in request.headers.getall("X-Forwarded-For", []) for hop in value.split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # garbage after the last proxy: count it against the proxy's own address
    return remote
