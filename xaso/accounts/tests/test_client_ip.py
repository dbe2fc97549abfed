"""The client address: forwarded headers believed only from a configured proxy, right-most untrusted hop wins."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from xaso.accounts.client_ip import client_ip


def address(rf, remote: str | None = "203.0.113.10", **headers) -> str | None:
    request = rf.get("/", **headers)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return client_ip(request)


def test_without_trusted_proxies_forwarded_headers_are_ignored(rf):
    assert address(rf, HTTP_X_FORWARDED_FOR="192.0.2.1", HTTP_X_REAL_IP="192.0.2.2") == "203.0.113.10"


def test_a_peer_outside_the_trusted_proxies_is_the_client_whatever_it_forwards(rf, settings):
    settings.XASO_TRUSTED_PROXIES = ["10.0.0.5", "10.1.0.0/16"]
    assert address(rf, "10.0.0.6", HTTP_X_FORWARDED_FOR="192.0.2.1") == "10.0.0.6"
    assert address(rf, "10.2.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1") == "10.2.0.1"


def test_from_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(rf, settings):
    settings.XASO_TRUSTED_PROXIES = ["10.0.0.5", "10.1.0.0/16"]
    assert address(rf, "10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7") == "198.51.100.7"
    # the client wrote 192.0.2.1 itself; our proxies appended 198.51.100.7 and then a second proxy's 10.1.2.3
    assert address(rf, "10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7, 10.1.2.3") == "198.51.100.7"
    # unparseable tokens (only the client can have written them) are skipped
    assert address(rf, "10.1.9.9", HTTP_X_FORWARDED_FOR="rác, 198.51.100.7:5555") == "198.51.100.7"
    # every hop ours (a health check from the proxy host): the left-most one
    assert address(rf, "10.0.0.5", HTTP_X_FORWARDED_FOR="10.1.0.1, 10.1.0.2") == "10.1.0.1"
    # no header at all: the proxy itself
    assert address(rf, "10.0.0.5") == "10.0.0.5"


def test_x_real_ip_is_read_only_when_configured_as_the_header(rf, settings):
    settings.XASO_TRUSTED_PROXIES = ["10.0.0.5"]
    assert address(rf, "10.0.0.5", HTTP_X_REAL_IP="198.51.100.7") == "10.0.0.5"
    settings.XASO_CLIENT_IP_HEADER = "X-Real-IP"
    assert address(rf, "10.0.0.5", HTTP_X_REAL_IP="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.1") == "198.51.100.7"


def test_ipv6_clients_are_counted_by_their_64_and_mapped_ipv4_as_ipv4(rf):
    assert address(rf, "2001:db8:1:2::a") == address(rf, "2001:db8:1:2:ffff::b") == "2001:db8:1:2::"
    assert address(rf, "2001:db8:1:3::a") == "2001:db8:1:3::"
    assert address(rf, "::ffff:198.51.100.7") == "198.51.100.7"


def test_no_peer_address_is_none(rf):
    assert address(rf, None) is None
    assert address(rf, "not-an-address") is None


@pytest.mark.parametrize(
    ("name", "value"), [("XASO_TRUSTED_PROXIES", ["10.0.0.5", "proxy.lan"]), ("XASO_CLIENT_IP_HEADER", "Forwarded")]
)
def test_a_mistyped_proxy_setting_fails_the_system_check(settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(SystemCheckError, match="xaso.accounts.E001"):
        call_command("check", tags=["security"])
