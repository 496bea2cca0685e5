"""Connection pools that hand out live connections, and numbered plain-SQL migrations.

A pooled connection that the server ended while it sat idle (a restart, a failover,
pg_terminate_backend) is found out when it is handed out again, not by the request that
gets it: a connection idle longer than CHECK_AFTER_IDLE_SECONDS is checked with one round
trip, and a dead one is replaced before the caller sees it. Busy connections are not checked.
"""

from __future__ import annotations

import logging
import time
import weakref
from importlib import resources
from pathlib import Path
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

MIGRATIONS_LOCK = 7_340_001  # advisory lock id: one migrator at a time per database


CHECK_AFTER_IDLE_SECONDS = 1.0
_handed_out: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


async def _check_if_idle(proxy: Any) -> None:
    """Raises when a connection that sat idle has been ended by the server meanwhile."""
    raw = proxy._con  # the connection behind the pool's proxy
    now = time.monotonic()
    idle_since = _handed_out.get(raw)
    _handed_out[raw] = now
    if idle_since is not None and now - idle_since > CHECK_AFTER_IDLE_SECONDS:
        await raw.execute("SELECT 1")


DEAD_CONNECTION = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # "terminating connection due to administrator command"
    asyncpg.exceptions.InternalClientError,  # a protocol left mid-operation by the server's goodbye
    OSError,
)


class LivePool(asyncpg.Pool):
    """An asyncpg pool whose acquire replaces a connection found dead by the idle check, once."""

    async def _acquire(self, timeout: float | None) -> Any:
        try:
            return await super()._acquire(timeout)
        except DEAD_CONNECTION:
            log.info("a pooled connection was found dead; taking a new one")
            return await super()._acquire(timeout)  # its holder closed it: this one connects afresh


async def create_pool(dsn: str, *, max_size: int = 10) -> asyncpg.Pool:
    """A pool of live connections (see the module docstring), at most `max_size`."""
    return await LivePool(
        dsn,
        min_size=1,
        max_size=max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        connect=None,
        setup=_check_if_idle,
        init=None,
        reset=None,
        loop=None,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
    )


def _migration_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".sql")


def lib_migrations() -> Path:
    """The migrations every service database carries (outbox, processed events)."""
    return Path(str(resources.files("radar_lib") / "migrations"))


async def apply_migrations(conn: asyncpg.Connection, *, directories: dict[str, Path]) -> list[str]:
    """Apply every not yet applied file, in order, each in its own transaction; return their names."""
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATIONS_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for prefix, directory in directories.items():
            for path in _migration_files(directory):
                name = f"{prefix}:{path.name}"
                if name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(path.read_text(encoding="utf-8"))
                    await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                log.info("applied migration %s", name)
                applied_now.append(name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATIONS_LOCK)
    return applied_now


async def migrate(dsn: str, *, service_migrations: Path) -> list[str]:
    """Bring a service database up to date: the shared tables first, then the service's own."""
    conn = await asyncpg.connect(dsn)
    try:
        return await apply_migrations(
            conn, directories={"lib": lib_migrations(), "service": service_migrations}
        )
    finally:
        await conn.close()
