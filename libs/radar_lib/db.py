"""Connection pools and numbered plain-SQL migrations, applied at start and recorded."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)

MIGRATIONS_LOCK = 7_340_001  # advisory lock id: one migrator at a time per database


async def create_pool(dsn: str, *, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose JSON columns arrive as str and go out as str."""
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=max_size)
    assert pool is not None
    return pool


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
