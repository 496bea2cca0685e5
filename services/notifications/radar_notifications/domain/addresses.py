"""Which webhook targets may be called: only public addresses, however a URL spells its host.

A URL's host can name a loopback or private address in many spellings: IPv4 as one decimal
number (http://2130706433/), in octal or hex parts (0177.0.0.1, 0x7f.1), shortened (127.1),
IPv6 (::1), IPv4 mapped or embedded in IPv6 (::ffff:127.0.0.1, 64:ff9b::7f00:1, 2002:7f00:1::),
or a name (localhost, *.localhost, a name whose DNS answer is private). `target_of` reads the
host as a browser does (the WHATWG URL rules: a host whose last label is a number is an IPv4
address in these spellings) and refuses local names; `is_public` decides for every address
that a name resolves to, at registration and again when a payload is sent.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from radar_notifications.domain.rules import NotificationsError

URL_MAX = 2000
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".localdomain")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NUMBER = re.compile(r"(0[xX][0-9a-fA-F]*|[0-9]+)")


@dataclass(frozen=True)
class Target:
    """A webhook URL as it will be called: its host is a name, or the address it spells."""

    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress | None  # set when the host is an address literal in any spelling


def refused(message: str) -> NotificationsError:
    return NotificationsError("WEBHOOK_URL_REFUSED", message)


def _ipv4_part(text: str) -> int | None:
    if not _NUMBER.fullmatch(text):
        return None
    if text[:2] in ("0x", "0X"):
        return int(text[2:] or "0", 16)
    if len(text) > 1 and text.startswith("0"):
        return int(text, 8) if set(text) <= set("01234567") else None
    return int(text)


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address a host spells in any IPv4 form (WHATWG URL); None when it is a name.

    A host whose last label is a number must be an IPv4 address: anything else there is refused.
    """
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    if not _NUMBER.fullmatch(labels[-1]):
        return None
    numbers = [_ipv4_part(label) for label in labels]
    if len(numbers) > 4 or any(n is None for n in numbers):
        raise refused("The host looks like an IPv4 address but is not one.")
    parts = [n for n in numbers if n is not None]
    if any(n > 255 for n in parts[:-1]) or parts[-1] >= 256 ** (5 - len(parts)):
        raise refused("The host looks like an IPv4 address but is not one.")
    value = parts[-1]
    for i, n in enumerate(parts[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: mapped, compatible, NAT64, 6to4 or Teredo."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or address in _NAT64_LOCAL or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """True for a globally reachable unicast address, and for nothing an IPv6 form hides a local one in."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id or address.is_site_local:
            return False
        inner = embedded_ipv4(address)
        if inner is not None and not is_public(inner):
            return False
    return address.is_global and not (
        address.is_multicast or address.is_unspecified or address.is_reserved or address.is_link_local
    )


def target_of(url: str, *, allow_private: bool = False) -> Target:
    """A webhook URL's scheme, host and port, its address if it spells one; WEBHOOK_URL_REFUSED else.

    An address literal that is not public, and a local name, are refused unless `allow_private`.
    """
    if (
        not isinstance(url, str)
        or not url
        or len(url) > URL_MAX
        or not url.isascii()
        or not url.isprintable()
    ):
        raise refused("The URL is not a printable ASCII http(s) URL.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refused("The URL cannot be read.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise refused("Only http and https URLs with a host can be called.")
    if parts.username is not None or parts.password is not None:
        raise refused("A webhook URL carries no user name or password.")
    host = parts.hostname.rstrip(".") if parts.hostname != "." else ""
    if not host or any(ch in host for ch in " %\\"):
        raise refused("The URL's host cannot be read.")
    address: IPAddress | None
    if ":" in host:
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError:
            raise refused("The host is not a valid IPv6 address.") from None
    else:
        address = parse_ipv4(host)
    if not allow_private:
        if address is not None and not is_public(address):
            raise refused("The URL names a private, loopback, link-local or otherwise local address.")
        if address is None and (host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or "." not in host):
            raise refused("The host is a local name.")
    default_port = 443 if parts.scheme == "https" else 80
    return Target(url=url, scheme=parts.scheme, host=host, port=port or default_port, address=address)
