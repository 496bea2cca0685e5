"""The signed internal token the gateway sends with every forwarded request.

It carries the principal (a participant, a staff member with roles, or nobody) and is
valid for a short time. Format: base64url(JSON claims) "." base64url(HMAC-SHA256).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field

HEADER = "X-Radar-Token"
LIFETIME_SECONDS = 60


class InvalidToken(Exception):
    """The token is missing, malformed, forged or expired."""


@dataclass(frozen=True)
class Principal:
    kind: str  # "participant", "staff" or "anonymous"
    id: uuid.UUID | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, role: str) -> bool:
        return self.kind == "staff" and (role in self.roles or "admin" in self.roles)


ANONYMOUS = Principal(kind="anonymous")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(principal: Principal, *, secret: str, now: float | None = None) -> str:
    """A token for this principal, valid for LIFETIME_SECONDS."""
    claims = {
        "k": principal.kind,
        "sub": str(principal.id) if principal.id else None,
        "roles": sorted(principal.roles),
        "exp": int((now or time.time()) + LIFETIME_SECONDS),
    }
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(token: str | None, *, secret: str, now: float | None = None) -> Principal:
    """The principal a valid token carries; InvalidToken otherwise."""
    if not token or token.count(".") != 1:
        raise InvalidToken("missing or malformed token")
    body, mac = token.split(".")
    expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
        claims = json.loads(_unb64(body))
    except ValueError as exc:
        raise InvalidToken("malformed token") from exc
    if not hmac.compare_digest(expected, given):
        raise InvalidToken("bad signature")
    if not isinstance(claims, dict) or claims.get("exp", 0) < (now or time.time()):
        raise InvalidToken("expired token")
    try:
        return Principal(
            kind=str(claims["k"]),
            id=uuid.UUID(claims["sub"]) if claims.get("sub") else None,
            roles=frozenset(claims.get("roles", [])),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidToken("malformed claims") from exc
