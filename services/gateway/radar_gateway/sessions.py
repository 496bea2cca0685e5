"""Staff sessions in Redis: each ends at its absolute lifetime, after its idle time, or with its account.

- Only a hash of the cookie value is stored, so a Redis dump yields no usable session.
- The absolute lifetime is the key's expiry, set when the session opens; using the session
  never extends it.
- A session unused for longer than its idle time ends at its next use (and is logged so).
- Every session is listed in its account's index (a Redis set of its session keys, kept as
  long as the account's newest session), so `end_account_sessions` ends all of them at once
  when the account is disabled or its password or roles change.
Each session carries its own CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from radar_gateway.accounts import StaffAccount
from radar_gateway.security_log import Event, record

SESSION_COOKIE = "radar_session"
CSRF_COOKIE = "radar_csrf"
CSRF_HEADER = "X-CSRF-Token"
TOUCH_AFTER_SECONDS = 60  # a session's last use is written at most once a minute


@dataclass(frozen=True)
class Session:
    staff_id: uuid.UUID
    email: str
    roles: frozenset[str]
    csrf: str


def _key(token: str, key: bytes) -> str:
    # keyed: a writer of Redis cannot make up the entry for a cookie value of its choosing
    return "radar:session:" + hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _index(staff_id: uuid.UUID | str) -> str:
    return f"radar:staff-sessions:{staff_id}"


async def open_session(
    redis: Redis, account: StaffAccount, *, key: bytes, hours: int, idle_minutes: int
) -> tuple[str, Session]:
    """A new session for this account: (cookie value, session)."""
    token = secrets.token_urlsafe(32)
    session = Session(account.staff_id, account.email, account.roles, secrets.token_urlsafe(24))
    value = {
        "staff_id": str(session.staff_id),
        "email": session.email,
        "roles": sorted(session.roles),
        "csrf": session.csrf,
        "idle": idle_minutes * 60,
        "seen": time.time(),
    }
    entry, lifetime = _key(token, key), hours * 3600
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(entry, json.dumps(value), ex=lifetime)
        pipe.sadd(_index(session.staff_id), entry)
        pipe.expire(_index(session.staff_id), lifetime)  # the newest session is the last to end
        await pipe.execute()
    return token, session


async def load_session(redis: Redis, token: str | None, *, key: bytes) -> Session | None:
    """The session behind a cookie value, if it is still open; an idle one ends here."""
    if not token or len(token) > 128:
        return None
    entry = _key(token, key)
    raw = await redis.get(entry)
    if raw is None:
        return None
    data = json.loads(raw)
    now = time.time()
    # a session from before the idle timeout has neither field: it ends as idle
    if now - data.get("seen", 0) > data.get("idle", 0):
        await _end(redis, data["staff_id"], [entry], reason="idle")
        return None
    if now - data["seen"] > TOUCH_AFTER_SECONDS:
        # xx: a session ended meanwhile stays ended; keepttl: use never extends the lifetime
        await redis.set(entry, json.dumps({**data, "seen": now}), xx=True, keepttl=True)
    return Session(uuid.UUID(data["staff_id"]), data["email"], frozenset(data["roles"]), data["csrf"])


async def close_session(redis: Redis, token: str | None, *, key: bytes, reason: str = "logout") -> None:
    """End the session behind a cookie value."""
    if not token:
        return
    entry = _key(token, key)
    raw = await redis.get(entry)
    if raw is not None:
        await _end(redis, json.loads(raw)["staff_id"], [entry], reason=reason)


async def end_account_sessions(redis: Redis, staff_id: uuid.UUID, *, reason: str) -> int:
    """End every open session of the account at once; the number ended."""
    keys = await redis.smembers(_index(staff_id))
    return await _end(redis, str(staff_id), list(keys), reason=reason) if keys else 0


async def _end(redis: Redis, staff_id: str, keys: list[str | bytes], *, reason: str) -> int:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(*keys)
        pipe.srem(_index(staff_id), *keys)
        ended, _ = await pipe.execute()
    if ended:  # two requests may both find a session idle: only the one that ended it tells
        record(Event.SESSION_ENDED, staff_id=staff_id, reason=reason, sessions=int(ended))
    return int(ended)
