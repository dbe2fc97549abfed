"""Sending a batch over HTTP(S) to a partner: signed, bounded in time and size, and never to a private address.

SSRF guard: the host is resolved once, every address it resolves to must be public (not loopback, private,
link-local, multicast, reserved or unspecified) unless `XASO_EXCHANGE_ALLOW_PRIVATE_ADDRESSES`, and the connection
goes to the address that was checked (no second lookup an attacker's DNS could answer differently). Redirects are
not followed. HTTPS is required unless `XASO_EXCHANGE_REQUIRE_HTTPS` is off (a test's local receiver).

Signature: `X-Xaso-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`; the receiver recomputes it
and refuses a time too far from its clock (replay). docs/decisions/0029-exchange.md.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "xaso-exchange/1"
#: most bytes of a receiver's answer kept (for the attempt log)
MAX_RESPONSE_BYTES = 64 * 1024


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_valid(secret: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = 300) -> bool:
    """What a receiver does with `X-Xaso-Signature` (used by xaso's tests and documented for partners)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    stamp = parts.get("t", "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12) or "v1" not in parts:
        return False  # "²" or "١٢٣" pass isdigit() but not int(); 400 digits overflow the float comparison
    timestamp = int(parts["t"])
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected, given = sign(secret, timestamp, body), f"t={timestamp},v1={parts['v1']}"
    return hmac.compare_digest(expected.encode(), given.encode())  # bytes: a non-ASCII str would raise TypeError


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


def url_refusal(url: str, *, resolve: bool) -> str | None:
    """Why xaso will not send to this address (Vietnamese), or None. `resolve`: also look the host up."""
    parts = urlsplit(url or "")
    schemes = ("https",) if settings.XASO_EXCHANGE_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in schemes:
        return _("Địa chỉ nhận phải bắt đầu bằng %(s)s.") % {"s": " hoặc ".join(f"{s}://" for s in schemes)}
    if not parts.hostname or parts.username or parts.password:
        return _("Địa chỉ nhận phải có tên máy chủ và không chứa tên đăng nhập hay mật khẩu.")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        return _("Cổng của địa chỉ nhận không hợp lệ.")
    if not resolve:
        return None
    try:
        _addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as exc:
        return str(exc)
    return None


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OSError(_("Không tìm thấy máy chủ “%(h)s”.") % {"h": host}) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.XASO_EXCHANGE_ALLOW_PRIVATE_ADDRESSES and not all(_public(a) for a in addresses):
        raise OSError(
            _("“%(h)s” trỏ tới địa chỉ nội bộ (%(a)s): xaso không gửi số liệu tới mạng nội bộ.")
            % {"h": host, "a": ", ".join(addresses)}
        )
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Delivery:
    status_code: int | None
    duration_ms: int
    error: str
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def deliver(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Delivery:
    """POST `body` to `url` through the SSRF guard; never raises for a network problem, it is in the result."""
    started = time.monotonic()

    def done(status: int | None, error: str, retry_after: int | None = None) -> Delivery:
        return Delivery(status, int((time.monotonic() - started) * 1000), error[:500], retry_after)

    refusal = url_refusal(url, resolve=False)
    if refusal:
        return done(None, refusal)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = _addresses(parts.hostname, port)[0]
    except OSError as exc:
        return done(None, str(exc))
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, port, address, timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        connection.request("POST", target, body=body, headers={"User-Agent": USER_AGENT, **headers})
        response = connection.getresponse()
        answer = response.read(MAX_RESPONSE_BYTES)
        retry = response.getheader("Retry-After", "")
        # seconds only ("²" and "١٢٠" pass isdigit() but are not seconds; an HTTP date falls back to the backoff)
        retry_after = min(int(retry), 10**9) if retry.isascii() and retry.isdigit() else None
        if 200 <= response.status < 300:
            return done(response.status, "")
        text = answer.decode("utf-8", "replace").strip()
        return done(response.status, f"HTTP {response.status} {response.reason}: {text[:300]}", retry_after)
    except (OSError, http.client.HTTPException, ValueError) as exc:  # ValueError: a header http.client refuses
        return done(None, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
