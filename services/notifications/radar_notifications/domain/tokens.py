"""Signed tokens in the links of mails: confirm, manage, unsubscribe, without an account.

A token names what it is for (`k`: confirm, manage, unsubscribe, leave), one id (a
subscription's, or a subscriber's for manage and leave) and, for a confirmation, when it
expires. Format: base64url(JSON claims) "." base64url(HMAC-SHA256), keyed with a key derived
from the subscription-link secret for this purpose alone (as radar_lib.keys derives its keys).
A token stops working when what it names is gone: an unsubscribed address cannot be managed
with an old link, and a subscription confirmed once cannot be confirmed into being again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache

from radar_notifications.domain.rules import NotificationsError

CONFIRM, MANAGE, UNSUBSCRIBE, LEAVE = "confirm", "manage", "unsubscribe", "leave"
KINDS = (CONFIRM, MANAGE, UNSUBSCRIBE, LEAVE)
TOKEN_MAX = 400


@dataclass(frozen=True)
class LinkToken:
    kind: str
    id: uuid.UUID
    expires: int | None = None  # Unix time; None: good while what it names exists


@lru_cache(maxsize=8)
def link_key(secret: str) -> bytes:
    """The key for link tokens under this secret (the derivation of radar_lib.keys, its own label)."""
    return hmac.new(secret.encode(), b"radar/subscription-link/v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, body.encode(), hashlib.sha256).digest()


def sign_link(token: LinkToken, *, key: bytes) -> str:
    """The token as it goes into a link."""
    claims: dict[str, object] = {"k": token.kind, "id": str(token.id)}
    if token.expires is not None:
        claims["exp"] = token.expires
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{body}.{_b64(_mac(key, body))}"


def _invalid() -> NotificationsError:
    return NotificationsError("TOKEN_INVALID", "This link is not valid (any more).", 400)


def read_link(
    token: str | None, *, key: bytes, kinds: tuple[str, ...], now: float | None = None
) -> LinkToken:
    """The token's claims if it is genuine and of one of these kinds; TOKEN_INVALID or TOKEN_EXPIRED."""
    if not token or len(token) > TOKEN_MAX or token.count(".") != 1 or not token.isascii():
        raise _invalid()
    body, mac = token.split(".")
    try:
        if not hmac.compare_digest(_mac(key, body), _unb64(mac)):
            raise _invalid()
        claims = json.loads(_unb64(body))
        parsed = LinkToken(kind=claims["k"], id=uuid.UUID(claims["id"]), expires=claims.get("exp"))
    except (ValueError, TypeError, KeyError, AttributeError):
        raise _invalid() from None
    if parsed.kind not in kinds or not (parsed.expires is None or isinstance(parsed.expires, int)):
        raise _invalid()
    if parsed.expires is not None and parsed.expires < (now or time.time()):
        raise NotificationsError("TOKEN_EXPIRED", "This link has expired.", 410)
    return parsed
