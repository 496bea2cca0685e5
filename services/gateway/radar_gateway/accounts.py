"""Staff accounts: argon2 password hashes, log-in checks, and the commands that change accounts.

An unknown e-mail, a disabled account and a wrong password look alike to whoever logs in, and
cost the same (a dummy hash is checked when there is no account). Every change that must end
an account's open sessions (a new password, a new role, disabling) says so in the
AccountChange it returns, and counts up the account's access_version, which a log-in re-reads
after it opened its session (`still_current`). Password checks run a few at a time in each
process (`PasswordChecks`): argon2 is meant to be slow, and a flood of log-ins must not take
every core.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from radar_lib.db import migrate
from radar_lib.text import TextRefused, clean_email

MIGRATIONS = Path(__file__).parent / "migrations"
ROLES = ("editor", "moderator", "admin")
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# verified against when the e-mail is unknown, so both cases cost the same time
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


class PasswordChecksBusy(Exception):
    """More password checks wait in this process than it queues."""


@dataclass(frozen=True)
class StaffAccount:
    staff_id: uuid.UUID
    email: str
    roles: frozenset[str]
    access_version: int


@dataclass(frozen=True)
class AccountChange:
    """What a command did to an account; `ends_sessions` names why its open sessions end, if they do."""

    staff_id: uuid.UUID
    created: bool
    ends_sessions: str | None  # "password_changed", "role_changed", "disabled" or None


class PasswordChecks:
    """At most `at_once` argon2 checks run in this process; at most `waiting` more wait for their turn."""

    def __init__(self, *, at_once: int, waiting: int) -> None:
        self._turns = asyncio.Semaphore(at_once)
        self._max_waiting = waiting
        self._waiting = 0

    async def matches(self, password_hash: str, password: str) -> bool:
        """True if the password matches the hash; PasswordChecksBusy if the queue is full."""
        if self._turns.locked() and self._waiting >= self._max_waiting:
            raise PasswordChecksBusy
        self._waiting += 1
        try:
            await self._turns.acquire()
        finally:
            self._waiting -= 1
        try:
            return await asyncio.to_thread(_matches, password_hash, password)  # off the event loop
        finally:
            self._turns.release()


def check_new_account(*, email: str, password: str, role: str) -> str:
    """The e-mail address as stored; AccountError for a bad address, an unknown role or a short password."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_new_password(password)
    return checked_email(email)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def checked_email(email: str) -> str:
    """The e-mail address as the text policy stores it; AccountError if it is none."""
    try:
        return clean_email(email)
    except TextRefused as exc:
        raise AccountError(exc.message) from None


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def authenticate(
    pool: asyncpg.Pool, *, email: str, password: str, checks: PasswordChecks
) -> StaffAccount | None:
    """The account if the e-mail and password match an active account."""
    row = await pool.fetchrow(
        "SELECT staff_id, email, password_hash, roles, access_version FROM staff_accounts"
        " WHERE lower(email) = lower($1) AND disabled_at IS NULL",
        email,
    )
    if not await checks.matches(row["password_hash"] if row else _DUMMY_HASH, password) or row is None:
        return None
    return StaffAccount(row["staff_id"], row["email"], frozenset(row["roles"]), row["access_version"])


async def still_current(pool: asyncpg.Pool, account: StaffAccount) -> bool:
    """True if the account is active and unchanged since it was read (its sessions stand)."""
    version = await pool.fetchval(
        "SELECT access_version FROM staff_accounts WHERE staff_id = $1 AND disabled_at IS NULL",
        account.staff_id,
    )
    return bool(version == account.access_version)


async def staff_emails(pool: asyncpg.Pool, ids: list[uuid.UUID]) -> dict[str, str]:
    """The e-mail address of each of these staff accounts, by id (as text); unknown ids are left out."""
    rows = await pool.fetch(
        "SELECT staff_id, email FROM staff_accounts WHERE staff_id = ANY($1::uuid[])", ids
    )
    return {str(r["staff_id"]): r["email"] for r in rows}


async def _upsert(conn: asyncpg.Connection, *, email: str, password: str, role: str) -> AccountChange:
    async with conn.transaction():
        roles = await conn.fetchval(
            "SELECT roles FROM staff_accounts WHERE lower(email) = lower($1) FOR UPDATE", email
        )
        row = await conn.fetchrow(
            "INSERT INTO staff_accounts (staff_id, email, password_hash, roles)"
            " VALUES ($1, $2, $3, ARRAY[$4])"
            " ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash,"
            "  roles = (SELECT array_agg(DISTINCT r) FROM unnest(staff_accounts.roles || EXCLUDED.roles) r),"
            "  access_version = staff_accounts.access_version + 1"
            " RETURNING staff_id, (xmax = 0) AS created",
            uuid.uuid4(),
            email,
            _hasher.hash(password),
            role,
        )
    if row["created"]:
        return AccountChange(row["staff_id"], created=True, ends_sessions=None)
    reason = "password_changed" if roles is not None and role in roles else "role_changed"
    return AccountChange(row["staff_id"], created=False, ends_sessions=reason)


async def _connected(dsn: str) -> asyncpg.Connection:
    await migrate(dsn, service_migrations=MIGRATIONS)
    return await asyncpg.connect(dsn)


async def add_staff(dsn: str, *, email: str, password: str, role: str) -> AccountChange:
    """Create a staff account, or give an existing one this role and password."""
    email = check_new_account(email=email, password=password, role=role)
    conn = await _connected(dsn)
    try:
        return await _upsert(conn, email=email, password=password, role=role)
    finally:
        await conn.close()


async def set_password(dsn: str, *, email: str, password: str) -> AccountChange | None:
    """Give an existing account a new password; None if there is no such account."""
    check_new_password(password)
    conn = await _connected(dsn)
    try:
        staff_id = await conn.fetchval(
            "UPDATE staff_accounts SET password_hash = $2, access_version = access_version + 1"
            " WHERE lower(email) = lower($1) RETURNING staff_id",
            email,
            _hasher.hash(password),
        )
    finally:
        await conn.close()
    return AccountChange(staff_id, created=False, ends_sessions="password_changed") if staff_id else None


async def disable_staff(dsn: str, *, email: str) -> AccountChange | None:
    """Disable an account (it can no longer log in); None if there is no such account."""
    conn = await _connected(dsn)
    try:
        staff_id = await conn.fetchval(
            "UPDATE staff_accounts SET disabled_at = coalesce(disabled_at, now()),"
            " access_version = access_version + 1 WHERE lower(email) = lower($1) RETURNING staff_id",
            email,
        )
    finally:
        await conn.close()
    return AccountChange(staff_id, created=False, ends_sessions="disabled") if staff_id else None


async def ensure_admin(dsn: str, *, email: str, password: str, reset: bool = False) -> AccountChange:
    """Create the admin account with this password if it is missing; with reset, give it this password.

    A reset with the password the account has already changes nothing.
    """
    email = check_new_account(email=email, password=password, role="admin")
    conn = await _connected(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT staff_id, password_hash, roles FROM staff_accounts WHERE lower(email) = lower($1)", email
        )
        unchanged = row is not None and "admin" in row["roles"] and _matches(row["password_hash"], password)
        if row is not None and (not reset or unchanged):
            return AccountChange(row["staff_id"], created=False, ends_sessions=None)
        return await _upsert(conn, email=email, password=password, role="admin")
    finally:
        await conn.close()
