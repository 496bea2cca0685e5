"""Queue items, their flags and claims."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg

from radar_moderation.checks import Flag
from radar_moderation.store import Db

ITEM_COLUMNS = "comment_id, measure_id, participant_id, state, claimed_by, claim_expires_at, erased_at"


async def queue_comment(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    measure_id: uuid.UUID,
    participant_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    body: str,
    fingerprint: str,
    submitted_at: datetime,
) -> bool:
    """Put a comment in the queue once; True if it was new."""
    inserted = await conn.fetchval(
        "INSERT INTO queue_items"
        " (comment_id, measure_id, participant_id, parent_id, body, fingerprint, submitted_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (comment_id) DO NOTHING RETURNING true",
        comment_id,
        measure_id,
        participant_id,
        parent_id,
        body,
        fingerprint,
        submitted_at,
    )
    return bool(inserted)


async def count_repeats(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    participant_id: uuid.UUID,
    fingerprint: str,
    since: datetime,
) -> tuple[int, int]:
    """How many other comments with this fingerprint since then: (by this participant, by others)."""
    row = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE participant_id = $2) AS own,"
        " count(*) FILTER (WHERE participant_id IS DISTINCT FROM $2) AS others"
        " FROM queue_items WHERE fingerprint = $3 AND submitted_at >= $4 AND comment_id <> $1",
        comment_id,
        participant_id,
        fingerprint,
        since,
    )
    return int(row["own"]), int(row["others"])


async def add_flags(conn: asyncpg.Connection, comment_id: uuid.UUID, *, flags: Sequence[Flag]) -> None:
    await conn.executemany(
        "INSERT INTO flags (comment_id, code, reason_code, detail) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING",
        [(comment_id, f.code, f.reason_code, f.detail) for f in flags],
    )


async def pending_items(
    db: Db, *, flag: str | None, now: datetime, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """The pending queue, oldest first, with measure and the author's recent activity; and its length."""
    rows = await db.fetch(
        "SELECT q.comment_id, q.measure_id, q.parent_id, q.body, q.submitted_at, q.claimed_by,"
        " q.claim_expires_at, m.title AS measure_title, m.slug AS measure_slug,"
        " recent.last_24h, recent.last_7d"
        " FROM queue_items q LEFT JOIN measures m USING (measure_id)"
        " LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE o.submitted_at > $2) AS last_24h,"
        "   count(*) AS last_7d FROM queue_items o"
        "   WHERE o.participant_id = q.participant_id AND o.submitted_at > $3 AND o.submitted_at <= $4"
        " ) recent ON true"
        " WHERE q.state = 'pending'"
        "  AND ($1::text IS NULL OR EXISTS"
        "   (SELECT 1 FROM flags f WHERE f.comment_id = q.comment_id AND f.code = $1))"
        " ORDER BY q.submitted_at, q.comment_id LIMIT $5 OFFSET $6",
        flag,
        now - timedelta(hours=24),
        now - timedelta(days=7),
        now,
        limit,
        offset,
    )
    total = await db.fetchval(
        "SELECT count(*) FROM queue_items q WHERE q.state = 'pending' AND ($1::text IS NULL OR EXISTS"
        " (SELECT 1 FROM flags f WHERE f.comment_id = q.comment_id AND f.code = $1))",
        flag,
    )
    return list(rows), int(total)


async def flags_of(db: Db, comment_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[asyncpg.Record]]:
    rows = await db.fetch(
        "SELECT comment_id, code, reason_code, detail FROM flags WHERE comment_id = ANY($1::uuid[])"
        " ORDER BY comment_id, code",
        list(comment_ids),
    )
    found: dict[uuid.UUID, list[asyncpg.Record]] = {}
    for row in rows:
        found.setdefault(row["comment_id"], []).append(row)
    return found


async def find_item(db: Db, comment_id: uuid.UUID) -> asyncpg.Record | None:
    """One item with its measure, in any state."""
    return await db.fetchrow(
        "SELECT q.comment_id, q.measure_id, q.parent_id, q.body, q.state, q.submitted_at,"
        " q.claimed_by, q.claim_expires_at, q.erased_at, m.title AS measure_title, m.slug AS measure_slug"
        " FROM queue_items q LEFT JOIN measures m USING (measure_id) WHERE q.comment_id = $1",
        comment_id,
    )


async def lock_item(conn: asyncpg.Connection, comment_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT {ITEM_COLUMNS} FROM queue_items WHERE comment_id = $1 FOR UPDATE", comment_id
    )


async def lock_items(conn: asyncpg.Connection, comment_ids: Sequence[uuid.UUID]) -> list[asyncpg.Record]:
    """These items, locked in one order (no deadlock between two bulk decisions)."""
    return list(
        await conn.fetch(
            f"SELECT {ITEM_COLUMNS} FROM queue_items WHERE comment_id = ANY($1::uuid[])"
            " ORDER BY comment_id FOR UPDATE",
            list(comment_ids),
        )
    )


async def set_claim(
    conn: asyncpg.Connection, comment_id: uuid.UUID, *, moderator_id: uuid.UUID | None, until: datetime | None
) -> None:
    """Give the item's lease to a moderator until then; None and None release it."""
    await conn.execute(
        "UPDATE queue_items SET claimed_by = $2, claim_expires_at = $3 WHERE comment_id = $1",
        comment_id,
        moderator_id,
        until,
    )


async def set_state(conn: asyncpg.Connection, comment_id: uuid.UUID, *, state: str, at: datetime) -> None:
    """Move the item to its new state; it leaves the queue (closed_at) when it was pending."""
    await conn.execute(
        "UPDATE queue_items SET state = $2, claimed_by = NULL, claim_expires_at = NULL,"
        " closed_at = CASE WHEN state = 'pending' THEN $3 ELSE closed_at END WHERE comment_id = $1",
        comment_id,
        state,
        at,
    )


async def withdraw_item(conn: asyncpg.Connection, comment_id: uuid.UUID, *, at: datetime) -> None:
    """The author took the comment back: it leaves the queue, and its text goes."""
    await conn.execute(
        "UPDATE queue_items SET state = 'withdrawn', body = NULL, fingerprint = NULL, claimed_by = NULL,"
        " claim_expires_at = NULL, closed_at = coalesce(closed_at, $2) WHERE comment_id = $1",
        comment_id,
        at,
    )
