"""Citizens' reports on published comments."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from radar_moderation.store import Db


async def insert_report(
    conn: asyncpg.Connection,
    *,
    report_id: uuid.UUID,
    comment_id: uuid.UUID,
    reporter_id: uuid.UUID,
    reason: str,
    reported_at: datetime,
    state: str,
) -> bool:
    """Record a report once; True if it was new."""
    inserted = await conn.fetchval(
        "INSERT INTO reports (report_id, comment_id, reporter_id, reason, reported_at, state, resolved_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 = 'open' THEN NULL ELSE now() END)"
        " ON CONFLICT (report_id) DO NOTHING RETURNING true",
        report_id,
        comment_id,
        reporter_id,
        reason,
        reported_at,
        state,
    )
    return bool(inserted)


async def close_reports(conn: asyncpg.Connection, comment_id: uuid.UUID, *, state: str, at: datetime) -> int:
    """Close the comment's open reports with this outcome; how many there were."""
    closed = await conn.execute(
        "UPDATE reports SET state = $2, resolved_at = $3 WHERE comment_id = $1 AND state = 'open'",
        comment_id,
        state,
        at,
    )
    return int(closed.split()[-1])


async def reported_comments(db: Db, *, limit: int, offset: int) -> tuple[list[asyncpg.Record], int]:
    """Comments with open reports, the longest-reported first, with their count and reasons."""
    rows = await db.fetch(
        "SELECT q.comment_id, q.measure_id, q.body, q.submitted_at, m.title AS measure_title,"
        " m.slug AS measure_slug, r.reports, r.reasons, r.first_reported_at, r.last_reported_at"
        " FROM (SELECT comment_id, sum(n)::int AS reports, min(first_at) AS first_reported_at,"
        "   max(last_at) AS last_reported_at, jsonb_object_agg(reason, n)::text AS reasons"
        "  FROM (SELECT comment_id, reason, count(*) AS n, min(reported_at) AS first_at,"
        "     max(reported_at) AS last_at FROM reports WHERE state = 'open' GROUP BY comment_id, reason"
        "  ) by_reason GROUP BY comment_id) r"
        " JOIN queue_items q USING (comment_id) LEFT JOIN measures m ON m.measure_id = q.measure_id"
        " ORDER BY r.first_reported_at, q.comment_id LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    total = await db.fetchval("SELECT count(DISTINCT comment_id) FROM reports WHERE state = 'open'")
    return list(rows), int(total)


async def count_open(conn: asyncpg.Connection, comment_id: uuid.UUID) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM reports WHERE comment_id = $1 AND state = 'open'", comment_id
        )
    )
