"""The signed internal token the gateway sends with every forwarded request.

A token is good for one request only: for the service it names (`aud`), the HTTP method
(`m`) and the path as sent on the wire without its query (`p`), for LIFETIME_SECONDS. A
token minted for moderation is refused by catalog, one for GET /x by POST /x and GET /y.
It carries the principal (a participant, a staff member with roles, or nobody).
Format: base64url(JSON claims) "." base64url(HMAC-SHA256), keyed with the internal-token
key derived from the configured secret (keys.py), never with the secret itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from radar_lib.keys import Purpose, derive_key

HEADER = "X-Radar-Token"
LIFETIME_SECONDS = 30


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or meant for another request."""


@dataclass(frozen=True)
class Principal:
    kind: str  # "participant", "staff" or "anonymous"
    id: uuid.UUID | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, role: str) -> bool:
        return self.kind == "staff" and (role in self.roles or "admin" in self.roles)


ANONYMOUS = Principal(kind="anonymous")


@dataclass(frozen=True)
class Target:
    """The one request a token is good for: the service, the method and the path on the wire."""

    audience: str
    method: str
    path: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, body: str) -> bytes:
    return hmac.new(derive_key(secret, Purpose.INTERNAL_TOKEN), body.encode(), hashlib.sha256).digest()


def sign(principal: Principal, *, secret: str, target: Target, now: float | None = None) -> str:
    """A token for this principal and this request, valid for LIFETIME_SECONDS."""
    claims = {
        "k": principal.kind,
        "sub": str(principal.id) if principal.id else None,
        "roles": sorted(principal.roles),
        "aud": target.audience,
        "m": target.method.upper(),
        "p": target.path,
        "exp": int((now or time.time()) + LIFETIME_SECONDS),
    }
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{body}.{_b64(_mac(secret, body))}"


def verify(token: str | None, *, secret: str, target: Target, now: float | None = None) -> Principal:
    """The principal a valid token for this request carries; InvalidToken otherwise."""
    if not token or token.count(".") != 1:
        raise InvalidToken("missing or malformed token")
    body, mac = token.split(".")
    try:
        given = _unb64(mac)
    except ValueError as exc:
        raise InvalidToken("malformed token") from exc
    if not hmac.compare_digest(_mac(secret, body), given):
        raise InvalidToken("bad signature")
    try:
        claims = json.loads(_unb64(body))
    except ValueError as exc:
        raise InvalidToken("malformed token") from exc
    if not isinstance(claims, dict):
        raise InvalidToken("malformed claims")
    _check_target(claims, target, now=now or time.time())
    try:
        return Principal(
            kind=str(claims["k"]),
            id=uuid.UUID(claims["sub"]) if claims.get("sub") else None,
            roles=frozenset(claims.get("roles", [])),
        )
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise InvalidToken("malformed claims") from exc


def _check_target(claims: dict[str, Any], target: Target, *, now: float) -> None:
    expires = claims.get("exp")
    if not isinstance(expires, int) or isinstance(expires, bool):
        raise InvalidToken("malformed expiry")
    if expires < now:
        raise InvalidToken("expired token")
    if claims.get("aud") != target.audience:
        raise InvalidToken("token meant for another service")
    if claims.get("m") != target.method.upper() or claims.get("p") != target.path:
        raise InvalidToken("token meant for another request")
