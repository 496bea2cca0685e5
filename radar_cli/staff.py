"""Staff accounts from the command line: the admin log-in at start-up, `radar staff add|password|disable`.

A change that must end the account's open sessions (a new password, a new role, disabling)
ends them in the same command, after the change is stored, in the Redis that holds the
gateway's sessions: the running system's, RADAR_REDIS_URL, or else the data directory's
embedded Valkey, started for a moment (sessions kept in its append-only file would otherwise
come back at the next start).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from radar_gateway.accounts import AccountChange

ADMIN_EMAIL = "admin@example.org"


class StaffError(Exception):
    """The account cannot be made or changed as asked; the message says why."""


def ensure_admin_login(dsn: str, env: Mapping[str, str], *, redis_url: str | None = None) -> str:
    """Make sure the admin account exists; return the line that tells the user how to log in.

    A password newly set from RADAR_ADMIN_PASSWORD ends the admin's open sessions in `redis_url`.
    """
    from radar_gateway.accounts import AccountError, ensure_admin

    given = env.get("RADAR_ADMIN_PASSWORD")
    password = given or secrets.token_urlsafe(15)
    try:
        change = asyncio.run(ensure_admin(dsn, email=ADMIN_EMAIL, password=password, reset=bool(given)))
    except AccountError as exc:
        raise StaffError(f"RADAR_ADMIN_PASSWORD: {exc}") from None
    if change.ends_sessions and redis_url:
        asyncio.run(_end_sessions(redis_url, change))
    if given:
        return f"staff log-in: {ADMIN_EMAIL} with the password in RADAR_ADMIN_PASSWORD"
    if change.created:
        return f"staff log-in: {ADMIN_EMAIL} with the password {password} (shown only this once)"
    return (
        f"staff log-in: {ADMIN_EMAIL} with the password printed at its first start "
        "(set RADAR_ADMIN_PASSWORD to reset it)"
    )


def add_staff_account(dsn: str, *, email: str, password: str, role: str) -> AccountChange:
    """Create the account, or give an existing one this role and password."""
    from radar_gateway.accounts import AccountError, add_staff

    try:
        return asyncio.run(add_staff(dsn, email=email, password=password, role=role))
    except AccountError as exc:
        raise StaffError(str(exc)) from None


def change_password(dsn: str, *, email: str, password: str) -> AccountChange:
    """Give an existing account a new password."""
    from radar_gateway.accounts import AccountError, set_password

    try:
        change = asyncio.run(set_password(dsn, email=email, password=password))
    except AccountError as exc:
        raise StaffError(str(exc)) from None
    if change is None:
        raise StaffError(f"there is no staff account {email}")
    return change


def disable_account(dsn: str, *, email: str) -> AccountChange:
    """Disable an existing account: it can no longer log in."""
    from radar_gateway.accounts import disable_staff

    change = asyncio.run(disable_staff(dsn, email=email))
    if change is None:
        raise StaffError(f"there is no staff account {email}")
    return change


def check_staff_account(*, email: str, password: str, role: str) -> None:
    """Refuse what the gateway would refuse, before any server is started."""
    from radar_gateway.accounts import AccountError, check_new_account

    try:
        check_new_account(email=email, password=password, role=role)
    except AccountError as exc:
        raise StaffError(str(exc)) from None


def apply_change(
    change_account: Callable[[str], AccountChange],
    *,
    data_dir: Path,
    env: Mapping[str, str],
    redis_url: str | None,
) -> tuple[AccountChange, int]:
    """Store a change in the gateway's database, then end the sessions it ends: (change, sessions ended)."""
    from radar_cli.databases import service_database

    with service_database(data_dir, env, "gateway") as dsn:
        change = change_account(dsn)
    return change, end_sessions(change, data_dir=data_dir, redis_url=redis_url)


def end_sessions(change: AccountChange, *, data_dir: Path, redis_url: str | None) -> int:
    """End the account's open sessions if the change asks for it; the number ended."""
    from redis.exceptions import RedisError

    if change.ends_sessions is None:
        return 0
    with session_redis(data_dir, redis_url) as url:
        if url is None:
            return 0
        try:
            return asyncio.run(_end_sessions(url, change))
        except RedisError as exc:
            raise StaffError(
                f"the account is changed, but its open sessions could not be ended: {exc}"
            ) from None


async def _end_sessions(url: str, change: AccountChange) -> int:
    from redis.asyncio import Redis

    from radar_gateway.sessions import end_account_sessions

    assert change.ends_sessions is not None
    async with Redis.from_url(url) as redis:
        return await end_account_sessions(redis, change.staff_id, reason=change.ends_sessions)


@contextmanager
def session_redis(data_dir: Path, redis_url: str | None) -> Iterator[str | None]:
    """The URL of the Redis with the gateway's sessions; None where no Redis ever ran (no sessions).

    `redis_url` is the running system's or RADAR_REDIS_URL; without it, the data directory's
    embedded Valkey is started for the moment, under the launcher's lock.
    """
    if redis_url or not (data_dir / "valkey").is_dir():
        yield redis_url
        return
    from radar_cli import acl
    from radar_cli.embedded import stored_secret
    from radar_cli.runfile import AlreadyRunning, acquire_lock
    from radar_cli.valkey import EmbeddedValkey

    try:
        lock = acquire_lock(data_dir)
    except AlreadyRunning:
        raise StaffError(f"radar is starting on {data_dir}; try again in a moment") from None
    try:
        acl_file = data_dir / "valkey" / "users.acl"
        password = (
            stored_secret(data_dir / "secrets.json", f"valkey_{acl.ADMIN}") if acl_file.exists() else None
        )
        valkey = EmbeddedValkey(data_dir, acl_file=acl_file if password else None, password=password)
        valkey.start()
        try:
            yield valkey.url_for(acl.ADMIN, password) if password else valkey.url
        finally:
            valkey.stop()
    finally:
        lock.close()
