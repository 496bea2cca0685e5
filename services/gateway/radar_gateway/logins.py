"""Staff log-in, for the JSON API and the form alike: who may try now, and the log-in itself.

- Failures are counted per address and per (account, address); addresses and e-mails only as
  keyed hashes. Past its allowance each further failure makes that address wait twice as long
  before its next try (2, 4, 8 ... seconds, at most `login_window_seconds`): 429 with
  Retry-After, and no password is checked meanwhile. Failures are forgotten
  `login_window_seconds` after the last one.
- An account attacked from many addresses is only slowed down, never locked: past the
  allowance, every attempt on it waits a little before its password is checked (growing, at
  most `login_slowdown_max_seconds`), its owner's too; the owner, from an address of their
  own, always gets in.
- Password checks run a few at a time per process; past a short queue, 503 with Retry-After.
- An unknown e-mail and a wrong password answer alike and cost the same.
- A session opened while the account changed (disabled, new password or role) is ended at once.
Every outcome goes to the security log.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from asyncio import sleep
from dataclasses import dataclass

from fastapi import Request
from redis.asyncio import Redis

from radar_gateway.accounts import PasswordChecksBusy, authenticate, still_current
from radar_gateway.config import GatewaySettings
from radar_gateway.context import gateway_of
from radar_gateway.limits import client_key
from radar_gateway.security_log import Event, record
from radar_gateway.sessions import Session, close_session, open_session
from radar_lib.text import TextRefused, clean_email
from radar_lib.web import ApiError

FAILURES = "radar:login:fails:"
WAIT = "radar:login:wait:"
FIRST_SLOWDOWN_SECONDS = 0.25
BUSY_RETRY_AFTER_SECONDS = 1


@dataclass(frozen=True)
class Attempt:
    """Whose attempt it is, as keyed hashes: the address it comes from and the account it names."""

    address: str
    account: str

    @property
    def pair(self) -> str:
        return f"{self.account}:{self.address}"


def wait_after(failures: int, *, allowed: int, longest: int) -> int:
    """Seconds to wait after this many failures: none within the allowance, then 2, 4, 8 ... up to longest."""
    if failures < allowed:
        return 0
    return min(2 ** min(failures - allowed + 1, 30), longest)


def slowdown_after(failures: int, *, allowed: int, longest: float) -> float:
    """Seconds an attempt on an account with this many recent failures waits before its check."""
    if failures < allowed:
        return 0.0
    return min(FIRST_SLOWDOWN_SECONDS * 2 ** min(failures - allowed, 30), longest)


def _account_key(email: str, key: bytes) -> str:
    return hmac.new(key, b"login-account|" + email.lower().encode(), hashlib.sha256).hexdigest()[:24]


async def _waiting(redis: Redis, attempt: Attempt) -> int:
    async with redis.pipeline(transaction=False) as pipe:
        pipe.pttl(f"{WAIT}address:{attempt.address}")
        pipe.pttl(f"{WAIT}pair:{attempt.pair}")
        left = max(await pipe.execute())  # negative: no wait
    return math.ceil(left / 1000) if left > 0 else 0


async def _count_failure(redis: Redis, attempt: Attempt, s: GatewaySettings) -> None:
    window = s.login_window_seconds
    keys = (f"address:{attempt.address}", f"pair:{attempt.pair}", f"account:{attempt.account}")
    async with redis.pipeline(transaction=True) as pipe:
        for key in keys:
            pipe.incr(FAILURES + key)
            pipe.expire(FAILURES + key, window)
        by_address, _, by_pair, *_ = await pipe.execute()
    waits = {
        keys[0]: wait_after(by_address, allowed=s.login_address_failures_allowed, longest=window),
        keys[1]: wait_after(by_pair, allowed=s.login_failures_allowed, longest=window),
    }
    async with redis.pipeline(transaction=False) as pipe:
        for key, seconds in waits.items():
            if seconds:
                pipe.set(WAIT + key, 1, ex=seconds)
        await pipe.execute()


async def _forget_failures(redis: Redis, attempt: Attempt) -> None:
    # the address's own count stays: a sprayer who owns one account must not reset it
    await redis.delete(f"{FAILURES}pair:{attempt.pair}", f"{FAILURES}account:{attempt.account}")


async def log_in(request: Request, *, email: str, password: str) -> tuple[str, Session]:
    """Open a staff session for these credentials: (cookie value, session); ApiError if refused."""
    gw = gateway_of(request)
    s = gw.settings
    address = client_key(request, s.address_hash_key)
    try:
        email = clean_email(email)
    except TextRefused as exc:
        record(Event.LOGIN_FAILED, address=address, reason=exc.code)
        raise ApiError(422, "EMAIL_INVALID", exc.message) from None
    attempt = Attempt(address=address, account=_account_key(email, s.address_hash_key))
    if wait := await _waiting(gw.redis, attempt):
        record(Event.LOGIN_THROTTLED, address=address, account=attempt.account, retry_after=wait)
        raise ApiError(
            429, "TOO_MANY_LOGIN_ATTEMPTS", "Too many failed log-ins; try again later.", retry_after=wait
        )
    failures = int(await gw.redis.get(f"{FAILURES}account:{attempt.account}") or 0)
    delay = slowdown_after(failures, allowed=s.login_failures_allowed, longest=s.login_slowdown_max_seconds)
    if delay:
        record(Event.LOGIN_SLOWED, address=address, account=attempt.account, seconds=delay)
        await sleep(delay)  # before the check: slows an attack, costs no CPU, locks nobody out
    try:
        account = await authenticate(gw.pool, email=email, password=password, checks=gw.password_checks)
    except PasswordChecksBusy:
        record(Event.LOGIN_BUSY, address=address)
        raise ApiError(
            503, "LOGIN_BUSY", "Too many log-ins at once; try again in a moment.",
            retry_after=BUSY_RETRY_AFTER_SECONDS,
        ) from None  # fmt: skip
    if account is not None:
        token, session = await open_session(
            gw.redis,
            account,
            key=s.session_id_key,
            hours=s.session_hours,
            idle_minutes=s.session_idle_minutes,
        )
        if await still_current(gw.pool, account):
            await _forget_failures(gw.redis, attempt)
            record(Event.LOGIN_SUCCEEDED, staff_id=str(account.staff_id), address=address)
            return token, session
        await close_session(
            gw.redis, token, key=gw.settings.session_id_key, reason="account_changed"
        )  # disabled or changed meanwhile
    await _count_failure(gw.redis, attempt, s)
    record(Event.LOGIN_FAILED, address=address, account=attempt.account)
    raise ApiError(401, "LOGIN_FAILED", "E-mail or password is wrong.")
