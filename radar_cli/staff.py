"""Staff accounts from the command line: the admin log-in at start-up and `radar staff add`."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping

ADMIN_EMAIL = "admin@example.org"


class StaffError(Exception):
    """The account cannot be made as asked; the message says why."""


def ensure_admin_login(dsn: str, env: Mapping[str, str]) -> str:
    """Make sure the admin account exists; return the line that tells the user how to log in."""
    from radar_gateway.accounts import AccountError, ensure_admin

    given = env.get("RADAR_ADMIN_PASSWORD")
    password = given or secrets.token_urlsafe(15)
    try:
        created = asyncio.run(ensure_admin(dsn, email=ADMIN_EMAIL, password=password, reset=bool(given)))
    except AccountError as exc:
        raise StaffError(f"RADAR_ADMIN_PASSWORD: {exc}") from None
    if given:
        return f"staff log-in: {ADMIN_EMAIL} with the password in RADAR_ADMIN_PASSWORD"
    if created:
        return f"staff log-in: {ADMIN_EMAIL} with the password {password} (shown only this once)"
    return (
        f"staff log-in: {ADMIN_EMAIL} with the password printed at its first start "
        "(set RADAR_ADMIN_PASSWORD to reset it)"
    )


def add_staff_account(dsn: str, *, email: str, password: str, role: str) -> bool:
    """Create the account, or give an existing one this role and password; True if created."""
    from radar_gateway.accounts import AccountError, add_staff

    try:
        return asyncio.run(add_staff(dsn, email=email, password=password, role=role))
    except AccountError as exc:
        raise StaffError(str(exc)) from None


def check_staff_account(*, email: str, password: str, role: str) -> None:
    """Refuse what the gateway would refuse, before any server is started."""
    from radar_gateway.accounts import AccountError, check_new_account

    try:
        check_new_account(email=email, password=password, role=role)
    except AccountError as exc:
        raise StaffError(str(exc)) from None
