"""Staff sessions in Redis, each with its own CSRF token; failed log-ins counted per e-mail."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from radar_gateway.accounts import StaffAccount

SESSION_COOKIE = "radar_session"
CSRF_COOKIE = "radar_csrf"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Session:
    staff_id: uuid.UUID
    email: str
    roles: frozenset[str]
    csrf: str


def _key(token: str) -> str:
    # only a hash of the cookie is stored, so a Redis dump yields no usable session
    return "radar:session:" + hashlib.sha256(token.encode()).hexdigest()


async def open_session(redis: Redis, account: StaffAccount, *, hours: int) -> tuple[str, Session]:
    """A new session for this account: (cookie value, session)."""
    token = secrets.token_urlsafe(32)
    session = Session(account.staff_id, account.email, account.roles, secrets.token_urlsafe(24))
    value = {"staff_id": str(session.staff_id), "email": session.email, "roles": sorted(session.roles)}
    await redis.set(_key(token), json.dumps({**value, "csrf": session.csrf}), ex=hours * 3600)
    return token, session


async def load_session(redis: Redis, token: str | None) -> Session | None:
    """The session behind a cookie value, if it is still open."""
    if not token or len(token) > 128:
        return None
    raw = await redis.get(_key(token))
    if raw is None:
        return None
    data = json.loads(raw)
    return Session(uuid.UUID(data["staff_id"]), data["email"], frozenset(data["roles"]), data["csrf"])


async def close_session(redis: Redis, token: str | None) -> None:
    if token:
        await redis.delete(_key(token))


def _failures_key(email: str) -> str:
    return "radar:login-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


async def login_blocked_for(redis: Redis, email: str, *, allowed: int) -> int:
    """Seconds until this e-mail may try again; 0 if it may now."""
    key = _failures_key(email)
    failures = int(await redis.get(key) or 0)
    if failures < allowed:
        return 0
    return max(int(await redis.ttl(key)), 1)


async def record_login_failure(redis: Redis, email: str, *, window_seconds: int) -> None:
    key = _failures_key(email)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_seconds, nx=True)
        await pipe.execute()


async def clear_login_failures(redis: Redis, email: str) -> None:
    await redis.delete(_failures_key(email))
