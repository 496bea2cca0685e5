"""The projection of the catalog's measures, and what participation counts per measure."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeAlias

import asyncpg

from radar_participation.domain import MeasureView

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool


def as_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


async def find_measure(conn: Conn, ref: str) -> MeasureView | None:
    """A measure of the projection by id or slug."""
    row = await conn.fetchrow(
        "SELECT measure_id, slug, title, archived FROM measures WHERE measure_id = $1 OR slug = $2",
        as_uuid(ref),
        ref,
    )
    return MeasureView(**dict(row)) if row else None


async def upsert_measure(
    conn: asyncpg.Connection,
    *,
    measure_id: uuid.UUID,
    version: int,
    slug: str,
    title: str,
    status: str,
    archived: bool,
) -> bool:
    """Keep the newest version of a measure; an older version changes nothing. True if applied."""
    applied = await conn.fetchval(
        "INSERT INTO measures AS m (measure_id, version, slug, title, status, archived)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (measure_id) DO UPDATE SET version = EXCLUDED.version, slug = EXCLUDED.slug,"
        "  title = EXCLUDED.title, status = EXCLUDED.status, archived = EXCLUDED.archived, updated_at = now()"
        "  WHERE m.version < EXCLUDED.version"
        " RETURNING true",
        measure_id,
        version,
        slug,
        title,
        status,
        archived,
    )
    return bool(applied)


async def participation_counts(conn: Conn, *, refs: Sequence[str] | None) -> list[asyncpg.Record]:
    """Published comments and ratings (count, mean) of the named measures (ids or slugs), or of all."""
    return list(
        await conn.fetch(
            "SELECT m.measure_id, m.slug, coalesce(c.n, 0) AS comments, coalesce(r.n, 0) AS ratings,"
            " r.mean FROM measures m"
            " LEFT JOIN (SELECT measure_id, count(*) AS n FROM comments WHERE status = 'published'"
            "  GROUP BY measure_id) c USING (measure_id)"
            " LEFT JOIN (SELECT measure_id, count(*) AS n, round(avg(stars), 2)::float AS mean FROM ratings"
            "  GROUP BY measure_id) r USING (measure_id)"
            " WHERE $1::text[] IS NULL OR m.slug = ANY($1) OR m.measure_id = ANY($2::uuid[])"
            " ORDER BY m.slug",
            None if refs is None else list(refs),
            [u for u in map(as_uuid, refs or ()) if u is not None],
        )
    )
