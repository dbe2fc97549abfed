"""The address a request really comes from, for counting failed logins and throttling.

Forwarded headers (X-Forwarded-For, X-Real-IP) are written by whoever sends the request, so they are read only
when the direct peer (REMOTE_ADDR) is one of the reverse proxies named in `XASO_TRUSTED_PROXIES`; otherwise a
client could claim a new address on every try and never be counted. Behind trusted proxies the client is the
right-most address of the chain that is not itself a trusted proxy: each proxy appends the address it saw, so
everything left of that was written by the client.

Header parsing (ports, brackets, IPv4-mapped IPv6, RFC 7239 tokens) is python-ipware's, the engine django-ipware
wraps; django-ipware's own `get_client_ip` is not used because it reads forwarded headers from any peer.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from python_ipware.modern.parsers import IpAddressType, parse_ip, split_proxy_chain

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: the headers a trusted proxy may be configured to set (`XASO_CLIENT_IP_HEADER`)
FORWARDED_HEADERS = {"X-Forwarded-For": "HTTP_X_FORWARDED_FOR", "X-Real-IP": "HTTP_X_REAL_IP"}

#: an IPv6 client is counted by its /64: one line (a household, an office) gets a whole /64 and can rotate in it
IPV6_PREFIX = 64


@cache
def _networks(entries: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"XASO_TRUSTED_PROXIES: {entry!r} không phải địa chỉ IP hay dải CIDR (not an IP address or CIDR)."
            ) from exc
    return tuple(networks)


def trusted_proxies() -> tuple[IpNetwork, ...]:
    """The configured reverse proxies as networks; an invalid entry stops the server at start-up (system check)."""
    return _networks(tuple(getattr(settings, "XASO_TRUSTED_PROXIES", ())))


def forwarded_header() -> str:
    name = getattr(settings, "XASO_CLIENT_IP_HEADER", "X-Forwarded-For")
    if name not in FORWARDED_HEADERS:
        raise ImproperlyConfigured(f"XASO_CLIENT_IP_HEADER must be one of {sorted(FORWARDED_HEADERS)}, not {name!r}.")
    return FORWARDED_HEADERS[name]


def _is_trusted(ip: IpAddressType, networks: tuple[IpNetwork, ...]) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def _counted(ip: IpAddressType) -> str:
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def client_address(request: HttpRequest) -> IpAddressType | None:
    """The client's address: REMOTE_ADDR, or the forwarded one when REMOTE_ADDR is a trusted proxy.

    None when REMOTE_ADDR is missing or not an address (a Unix socket without a proxy in front).
    """
    peer = parse_ip(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    networks = trusted_proxies()
    if not _is_trusted(peer, networks):
        return peer
    # unparseable hops are skipped: they can only stand left of what our proxies appended, where the client writes
    chain = split_proxy_chain(request.META.get(forwarded_header())) or []
    for hop in reversed(chain):
        if not _is_trusted(hop, networks):
            return hop
    # every hop is one of ours (or there is no header): the left-most hop is the best we know
    return chain[0] if chain else peer


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as counted (`client_address`, an IPv6 address by its /64)."""
    address = client_address(request)
    return None if address is None else _counted(address)
