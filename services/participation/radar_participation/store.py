"""SQL of the participation service, one function per query."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from radar_participation.domain import MeasureView


def _as_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


async def find_measure(conn: asyncpg.Connection | asyncpg.Pool, ref: str) -> MeasureView | None:
    """A measure of the projection by id or slug."""
    measure_id = _as_uuid(ref)
    row = await conn.fetchrow(
        "SELECT measure_id, slug, title, archived FROM measures WHERE measure_id = $1 OR slug = $2",
        measure_id,
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


async def insert_comment(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    measure_id: object,
    participant_id: uuid.UUID,
    body: str,
    submitted_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO comments (comment_id, measure_id, participant_id, body, submitted_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        comment_id,
        measure_id,
        participant_id,
        body,
        submitted_at,
    )


async def published_comments(
    conn: asyncpg.Connection | asyncpg.Pool, *, measure_id: object, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """One page of a measure's published thread, oldest first, and the thread's size."""
    rows = await conn.fetch(
        "SELECT comment_id, body, published_at, count(*) OVER () AS total FROM comments"
        " WHERE measure_id = $1 AND status = 'published'"
        " ORDER BY published_at, comment_id LIMIT $2 OFFSET $3",
        measure_id,
        limit,
        offset,
    )
    total = rows[0]["total"] if rows else 0
    if not rows and offset:
        total = await conn.fetchval(
            "SELECT count(*) FROM comments WHERE measure_id = $1 AND status = 'published'", measure_id
        )
    return list(rows), int(total)


async def comments_of(
    conn: asyncpg.Connection | asyncpg.Pool, *, participant_id: uuid.UUID
) -> list[asyncpg.Record]:
    """Everything one participant wrote, with its fate, newest first."""
    return list(
        await conn.fetch(
            "SELECT c.comment_id, c.measure_id, m.slug, c.body, c.status, c.reason_code, c.submitted_at,"
            " c.decided_at FROM comments c JOIN measures m USING (measure_id)"
            " WHERE c.participant_id = $1 ORDER BY c.submitted_at DESC LIMIT 500",
            participant_id,
        )
    )


async def lock_comment(conn: asyncpg.Connection, comment_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT comment_id, measure_id, body, status FROM comments WHERE comment_id = $1 FOR UPDATE",
        comment_id,
    )


async def set_comment_status(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    status: str,
    decided_at: datetime,
    reason_code: str | None,
    note: str | None,
) -> None:
    await conn.execute(
        "UPDATE comments SET status = $2, decided_at = $3, reason_code = $4, moderator_note = $5,"
        " published_at = CASE WHEN $2 = 'published' THEN $3 ELSE published_at END"
        " WHERE comment_id = $1",
        comment_id,
        status,
        decided_at,
        reason_code,
        note,
    )
