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


# published comments and ratings (count, mean) of every measure: each table aggregated once
ALL_COUNTS = """
SELECT m.measure_id, m.slug, coalesce(c.n, 0) AS comments, coalesce(r.n, 0) AS ratings, r.mean
  FROM measures m
  LEFT JOIN (SELECT measure_id, count(*) AS n FROM comments WHERE status = 'published'
              GROUP BY measure_id) c USING (measure_id)
  LEFT JOIN (SELECT measure_id, count(*) AS n, round(avg(stars), 2)::float AS mean FROM ratings
              GROUP BY measure_id) r USING (measure_id)
 ORDER BY m.slug
"""
# the same for named measures (slugs $1 or ids $2): each counted through its own index entries,
# so the answer does not grow with the comments of the others
NAMED_COUNTS = """
SELECT m.measure_id, m.slug,
       (SELECT count(*) FROM comments c
         WHERE c.measure_id = m.measure_id AND c.status = 'published') AS comments,
       r.n AS ratings, r.mean
  FROM measures m,
       LATERAL (SELECT count(*) AS n, round(avg(stars), 2)::float AS mean FROM ratings
                 WHERE measure_id = m.measure_id) r
 WHERE m.slug = ANY ($1) OR m.measure_id = ANY ($2::uuid[])
 ORDER BY m.slug
"""


async def participation_counts(conn: Conn, *, refs: Sequence[str] | None) -> list[asyncpg.Record]:
    """Published comments and ratings (count, mean) of the named measures (ids or slugs), or of all."""
    if refs is None:
        return list(await conn.fetch(ALL_COUNTS))
    ids = [u for u in map(as_uuid, refs) if u is not None]
    return list(await conn.fetch(NAMED_COUNTS, list(refs), ids))
