"""Reports of published comments: one per participant and comment."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg


async def insert_report(
    conn: asyncpg.Connection,
    *,
    report_id: uuid.UUID,
    comment_id: uuid.UUID,
    reporter_id: uuid.UUID,
    reason: str,
    reported_at: datetime,
) -> bool:
    """Record a report; False when this participant reported this comment before."""
    inserted = await conn.fetchval(
        "INSERT INTO reports (report_id, comment_id, reporter_id, reason, reported_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (comment_id, reporter_id) DO NOTHING RETURNING true",
        report_id,
        comment_id,
        reporter_id,
        reason,
        reported_at,
    )
    return bool(inserted)
