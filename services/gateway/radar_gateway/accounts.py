"""Staff accounts: argon2 password hashes, log-in checks, and the commands that create accounts."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from radar_lib.db import migrate

MIGRATIONS = Path(__file__).parent / "migrations"
ROLES = ("editor", "moderator", "admin")
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# verified against when the e-mail is unknown, so both cases cost the same time
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


class AccountError(ValueError):
    """An account cannot be created as asked."""


@dataclass(frozen=True)
class StaffAccount:
    staff_id: uuid.UUID
    email: str
    roles: frozenset[str]


def check_new_account(*, email: str, password: str, role: str) -> None:
    """Refuse an e-mail without @, an unknown role or a short password."""
    if "@" not in email or email.strip() != email or len(email) > 254:
        raise AccountError(f"not an e-mail address: {email!r}")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def authenticate(
    conn: asyncpg.Connection | asyncpg.Pool, *, email: str, password: str
) -> StaffAccount | None:
    """The account if the e-mail and password match an active account."""
    row = await conn.fetchrow(
        "SELECT staff_id, email, password_hash, roles FROM staff_accounts"
        " WHERE lower(email) = lower($1) AND NOT disabled",
        email,
    )
    # argon2 is meant to be slow: verify off the event loop
    if not await asyncio.to_thread(_matches, row["password_hash"] if row else _DUMMY_HASH, password):
        return None
    if row is None:
        return None
    return StaffAccount(staff_id=row["staff_id"], email=row["email"], roles=frozenset(row["roles"]))


async def _upsert(conn: asyncpg.Connection, *, email: str, password: str, role: str) -> bool:
    created = await conn.fetchval(
        "INSERT INTO staff_accounts (staff_id, email, password_hash, roles) VALUES ($1, $2, $3, ARRAY[$4])"
        " ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash,"
        "  roles = (SELECT array_agg(DISTINCT r) FROM unnest(staff_accounts.roles || EXCLUDED.roles) r)"
        " RETURNING (xmax = 0)",
        uuid.uuid4(),
        email,
        _hasher.hash(password),
        role,
    )
    return bool(created)


async def add_staff(dsn: str, *, email: str, password: str, role: str) -> bool:
    """Create a staff account, or give an existing one this role and password; True if created."""
    check_new_account(email=email, password=password, role=role)
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        return await _upsert(conn, email=email, password=password, role=role)
    finally:
        await conn.close()


async def ensure_admin(dsn: str, *, email: str, password: str, reset: bool = False) -> bool:
    """Create the admin account with this password if it is missing (with reset, set it anyway).

    True if it was created.
    """
    check_new_account(email=email, password=password, role="admin")
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        exists = await conn.fetchval("SELECT true FROM staff_accounts WHERE lower(email) = lower($1)", email)
        if exists and not reset:
            return False
        return await _upsert(conn, email=email, password=password, role="admin")
    finally:
        await conn.close()
