"""The projection of the catalog's measures: enough to name each queue item's measure."""

from __future__ import annotations

import uuid

import asyncpg


async def upsert_measure(
    conn: asyncpg.Connection, *, measure_id: uuid.UUID, version: int, slug: str, title: str, archived: bool
) -> bool:
    """Keep the newest version of a measure; an older version changes nothing. True if applied."""
    applied = await conn.fetchval(
        "INSERT INTO measures AS m (measure_id, version, slug, title, archived) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (measure_id) DO UPDATE SET version = EXCLUDED.version, slug = EXCLUDED.slug,"
        "  title = EXCLUDED.title, archived = EXCLUDED.archived, updated_at = now()"
        "  WHERE m.version < EXCLUDED.version"
        " RETURNING true",
        measure_id,
        version,
        slug,
        title,
        archived,
    )
    return bool(applied)
