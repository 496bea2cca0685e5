"""Forgetting addresses: unsubscribe-all, erasure, expiry of unconfirmed subscriptions, retention.

A forgotten subscriber's row (the address, the webhook URL and secret) is deleted; what it was
still owed is deleted; the deliveries already sent or failed keep only what the figures need
(kind, state, times), without payload, error text or any link to the subscriber.
"""

from __future__ import annotations

import uuid

import asyncpg


async def forget_subscribers(conn: asyncpg.Connection, subscriber_ids: list[uuid.UUID]) -> int:
    """Delete these subscribers and every personal datum of their deliveries; how many were deleted."""
    if not subscriber_ids:
        return 0
    await conn.execute(
        "DELETE FROM deliveries WHERE subscriber_id = ANY($1::uuid[]) AND state IN ('pending', 'waiting')",
        subscriber_ids,
    )
    await conn.execute(
        "UPDATE deliveries SET payload = '{}'::jsonb, last_error = NULL, subscriber_id = NULL,"
        " subscription_id = NULL WHERE subscriber_id = ANY($1::uuid[])",
        subscriber_ids,
    )
    deleted = await conn.fetch(
        "DELETE FROM subscribers WHERE subscriber_id = ANY($1::uuid[]) RETURNING subscriber_id",
        subscriber_ids,
    )
    return len(deleted)


IDLE = (
    "NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.subscriber_id = r.subscriber_id)"
    " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = r.subscriber_id"
    "  AND d.state IN ('pending', 'waiting'))"
)


async def forget_if_unsubscribed(conn: asyncpg.Connection, subscriber_ids: list[uuid.UUID]) -> int:
    """Forget those of these subscribers that follow nothing any more and are owed nothing.

    The rows are locked first (a new subscription or delivery for them must wait, as its
    foreign key needs a share lock), then looked at afresh: what committed before is seen.
    """
    if not subscriber_ids:
        return 0
    await conn.execute(
        "SELECT 1 FROM subscribers WHERE subscriber_id = ANY($1::uuid[]) FOR UPDATE", subscriber_ids
    )
    idle = await conn.fetch(
        f"SELECT subscriber_id FROM subscribers r WHERE subscriber_id = ANY($1::uuid[]) AND {IDLE}",
        subscriber_ids,
    )
    return await forget_subscribers(conn, [r["subscriber_id"] for r in idle])


async def subscriptions_of_participant(
    conn: asyncpg.Connection, participant_id: uuid.UUID
) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT subscription_id FROM subscriptions WHERE participant_id = $1 FOR UPDATE", participant_id
    )
    return [r["subscription_id"] for r in rows]


async def scrub_deliveries_of(conn: asyncpg.Connection, subscription_ids: list[uuid.UUID]) -> None:
    """Blank what deliveries of these subscriptions said (a watched comment's note is personal)."""
    await conn.execute(
        "UPDATE deliveries SET payload = '{}'::jsonb, last_error = NULL"
        " WHERE subscription_id = ANY($1::uuid[])",
        subscription_ids,
    )


async def expire_unconfirmed(conn: asyncpg.Connection) -> list[uuid.UUID]:
    """Delete unconfirmed subscriptions past their expiry; return their subscribers."""
    rows = await conn.fetch(
        "DELETE FROM subscriptions WHERE confirmed_at IS NULL AND expires_at <= now() RETURNING subscriber_id"
    )
    return sorted({r["subscriber_id"] for r in rows})


async def idle_subscribers(conn: asyncpg.Connection, *, limit: int = 500) -> list[uuid.UUID]:
    """Subscribers that seem to follow nothing and be owed nothing, for forget_if_unsubscribed."""
    rows = await conn.fetch(f"SELECT subscriber_id FROM subscribers r WHERE {IDLE} LIMIT $1", limit)
    return [r["subscriber_id"] for r in rows]


async def delete_old_deliveries(conn: asyncpg.Connection, *, older_than_days: float) -> int:
    """Delete sent, failed and digested deliveries older than this."""
    done = await conn.fetch(
        "DELETE FROM deliveries WHERE state IN ('sent', 'failed', 'digested')"
        " AND created_at < now() - make_interval(secs => $1) RETURNING 1",
        older_than_days * 86400.0,
    )
    return len(done)
