"""Webhook targets: a private, loopback or link-local address is refused however the URL spells it."""

from __future__ import annotations

import ipaddress

import pytest

from radar_notifications.domain.addresses import embedded_ipv4, is_public, parse_ipv4, target_of
from radar_notifications.domain.rules import NotificationsError

pytestmark = pytest.mark.unit

LOCAL_URLS = [
    "http://127.0.0.1/hook",
    "http://127.1/hook",
    "http://2130706433/hook",  # 127.0.0.1 as one decimal number
    "http://0x7f000001/hook",
    "http://0x7f.1/hook",
    "http://0177.0.0.1/hook",  # octal
    "http://0177.0.0.01/hook",
    "http://017700000001/hook",
    "http://127.0.0.1./hook",
    "http://0/hook",  # 0.0.0.0
    "http://0.0.0.0:8080/hook",
    "http://10.0.0.1/hook",
    "http://172.16.5.4/hook",
    "http://192.168.1.1/hook",
    "http://3232235777/hook",  # 192.168.1.1
    "http://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
    "http://100.64.0.1/hook",  # shared address space
    "http://224.0.0.1/hook",  # multicast
    "http://255.255.255.255/hook",
    "http://[::1]/hook",
    "http://[0:0:0:0:0:0:0:1]/hook",
    "http://[::]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[::127.0.0.1]/hook",  # IPv4-compatible
    "http://[64:ff9b::7f00:1]/hook",  # NAT64
    "http://[2002:7f00:1::]/hook",  # 6to4 around 127.0.0.1
    "http://[fe80::1]/hook",  # link-local
    "http://[fe80::1%25eth0]/hook",
    "http://[fc00::1]/hook",  # unique local
    "http://[fd12:3456::1]/hook",
    "http://[fec0::1]/hook",  # site-local
    "http://[ff02::1]/hook",  # multicast
    "https://localhost/hook",
    "https://LOCALHOST/hook",
    "https://localhost./hook",
    "https://api.localhost/hook",
    "https://printer.local/hook",
    "https://intranet/hook",  # a single label resolves through search domains
]


@pytest.mark.parametrize("url", LOCAL_URLS)
def test_local_targets_are_refused_in_every_spelling(url: str) -> None:
    with pytest.raises(NotificationsError) as refused:
        target_of(url)
    assert refused.value.code == "WEBHOOK_URL_REFUSED"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "http://user:pass@example.org/hook",
        "http://1.2.3.4.5/hook",  # looks like IPv4, is not
        "http://256.1.1.1/hook",
        "http://1.2.3.08/hook",  # 08 is no octal number
        "http://[::1/hook",
        "http://exa mple.org/hook",
        "http://example.org:99999/hook",
        "javascript:alert(1)",
        "",
    ],
)
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(NotificationsError) as refused:
        target_of(url)
    assert refused.value.code == "WEBHOOK_URL_REFUSED"


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://93.184.215.14/hook", "93.184.215.14"),
        ("http://1572394766/hook", "93.184.215.14"),  # the same as one number: allowed, it is public
        ("http://0x5d.0xb8.0xd7.0x0e/hook", "93.184.215.14"),
        ("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    ],
)
def test_public_addresses_are_read_in_their_plain_spelling(url: str, address: str) -> None:
    target = target_of(url)
    assert str(target.address) == address


def test_public_names_pass_the_spelling_check_and_are_resolved_later() -> None:
    target = target_of("https://hooks.example.org:8443/radar?x=1")
    assert (target.host, target.port, target.address) == ("hooks.example.org", 8443, None)


def test_allow_private_lets_local_targets_through() -> None:
    assert str(target_of("http://127.0.0.1:9000/hook", allow_private=True).address) == "127.0.0.1"
    assert target_of("http://localhost:9000/hook", allow_private=True).host == "localhost"


@pytest.mark.parametrize(
    ("spelling", "address"),
    [("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("10.1.2", "10.1.0.2")],
)
def test_ipv4_is_read_as_browsers_read_it(spelling: str, address: str) -> None:
    assert str(parse_ipv4(spelling)) == address


def test_names_are_no_ipv4_addresses() -> None:
    assert parse_ipv4("example.org") is None
    assert parse_ipv4("1.example") is None


def test_ipv4_hidden_in_ipv6_is_found() -> None:
    assert str(embedded_ipv4(ipaddress.IPv6Address("::ffff:10.0.0.1"))) == "10.0.0.1"
    assert str(embedded_ipv4(ipaddress.IPv6Address("64:ff9b::a00:1"))) == "10.0.0.1"
    assert str(embedded_ipv4(ipaddress.IPv6Address("2002:a00:1::"))) == "10.0.0.1"
    assert embedded_ipv4(ipaddress.IPv6Address("2606:2800::1")) is None


def test_only_global_unicast_addresses_are_public() -> None:
    assert is_public(ipaddress.ip_address("8.8.8.8"))
    assert is_public(ipaddress.ip_address("2001:4860:4860::8888"))
    assert not is_public(ipaddress.ip_address("224.0.0.251"))
    assert not is_public(ipaddress.ip_address("2002:c0a8:101::"))  # 6to4 around 192.168.1.1
