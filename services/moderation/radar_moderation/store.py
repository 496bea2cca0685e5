"""SQL of the moderation service, one function per query."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg


async def queue_comment(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    measure_id: uuid.UUID,
    participant_id: uuid.UUID,
    body: str,
    submitted_at: datetime,
) -> bool:
    """Put a comment in the queue once; True if it was new."""
    inserted = await conn.fetchval(
        "INSERT INTO queue_items (comment_id, measure_id, participant_id, body, submitted_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (comment_id) DO NOTHING RETURNING true",
        comment_id,
        measure_id,
        participant_id,
        body,
        submitted_at,
    )
    return bool(inserted)


async def pending_items(
    conn: asyncpg.Connection | asyncpg.Pool, *, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """The pending queue, oldest first, and its length."""
    rows = await conn.fetch(
        "SELECT comment_id, measure_id, body, submitted_at, queued_at, count(*) OVER () AS total"
        " FROM queue_items WHERE state = 'pending' ORDER BY submitted_at, comment_id LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    total = (
        rows[0]["total"]
        if rows
        else await conn.fetchval("SELECT count(*) FROM queue_items WHERE state = 'pending'")
    )
    return list(rows), int(total)


async def lock_item(conn: asyncpg.Connection, comment_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT comment_id, measure_id, state FROM queue_items WHERE comment_id = $1 FOR UPDATE", comment_id
    )


async def record_decision(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    decision: str,
    reason_code: str | None,
    note: str | None,
    moderator_id: uuid.UUID | None,
    decided_at: datetime,
) -> uuid.UUID:
    decision_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO decisions"
        " (decision_id, comment_id, decision, reason_code, note, moderator_id, decided_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        decision_id,
        comment_id,
        decision,
        reason_code,
        note,
        moderator_id,
        decided_at,
    )
    await conn.execute(
        "UPDATE queue_items SET state = 'decided', decided_at = $2 WHERE comment_id = $1",
        comment_id,
        decided_at,
    )
    return decision_id


async def append_audit(
    conn: asyncpg.Connection,
    *,
    actor_id: uuid.UUID | None,
    action: str,
    comment_id: uuid.UUID,
    details: dict[str, Any],
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (actor_id, action, comment_id, details) VALUES ($1, $2, $3, $4::jsonb)",
        actor_id,
        action,
        comment_id,
        json.dumps(details, default=str),
    )
