"""What notifications knows of the catalog's measures: titles, slugs and fields for messages."""

from __future__ import annotations

import uuid

import asyncpg

from radar_lib.events import MeasureSnapshot


async def upsert_measure(conn: asyncpg.Connection, snap: MeasureSnapshot) -> bool:
    """Keep the newest version of a measure; an older or the same version changes nothing. True if applied."""
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


async def find_measure(conn: asyncpg.Connection | asyncpg.Pool, ref: str) -> asyncpg.Record | None:
    """A measure by its id or its slug."""
    try:
        measure_id: uuid.UUID | None = uuid.UUID(ref)
    except ValueError:
        measure_id = None
    return await conn.fetchrow(
        "SELECT measure_id, slug, title, field_slug, archived FROM measures"
        " WHERE measure_id = $1 OR ($1 IS NULL AND slug = $2)",
        measure_id,
        ref,
    )


async def measure_by_id(conn: asyncpg.Connection, measure_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT measure_id, slug, title, field_slug FROM measures WHERE measure_id = $1", measure_id
    )


async def field_known(conn: asyncpg.Connection | asyncpg.Pool, slug: str) -> bool:
    """True when some measure belongs to this field (notifications knows fields through measures)."""
    return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM measures WHERE field_slug = $1)", slug))
