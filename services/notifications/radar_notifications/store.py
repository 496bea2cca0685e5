"""SQL of the notifications service, one function per query."""

from __future__ import annotations

import asyncpg

from radar_lib.events import MeasureSnapshot


async def upsert_measure(conn: asyncpg.Connection, snap: MeasureSnapshot) -> bool:
    """Keep the newest version of a measure; an older version changes nothing. True if applied."""
    applied = await conn.fetchval(
        "INSERT INTO measures AS m (measure_id, version, slug, title, field_slug, status, archived)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (measure_id) DO UPDATE SET version = EXCLUDED.version, slug = EXCLUDED.slug,"
        "  title = EXCLUDED.title, field_slug = EXCLUDED.field_slug, status = EXCLUDED.status,"
        "  archived = EXCLUDED.archived, updated_at = now()"
        "  WHERE m.version < EXCLUDED.version"
        " RETURNING true",
        snap.measure_id,
        snap.version,
        snap.slug,
        snap.title,
        snap.field_slug,
        snap.status,
        snap.archived,
    )
    return bool(applied)
