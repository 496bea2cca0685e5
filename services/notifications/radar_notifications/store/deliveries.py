"""The outbox of deliveries: written with the event's handling, claimed and marked by the sender.

A delivery's id is md5(event id ":" subscription id) read as a UUID: the same event for the same
subscription always makes the same id, and that id is the mail's Message-ID. At most one
delivery exists per event and subscriber (deliveries_once).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from radar_notifications.domain.deliveries import Delivery

DELIVERY_ID = "md5($1::uuid::text || ':' || s.subscription_id::text)::uuid"
SPECIFIC_FIRST = "CASE s.scope_type WHEN 'measure' THEN 0 WHEN 'field' THEN 1 ELSE 2 END"
ANALYZE_AFTER = 1000  # deliveries written by one event from which the table's statistics are renewed


async def add_confirmation(
    conn: asyncpg.Connection,
    *,
    subscription_id: uuid.UUID,
    subscriber_id: uuid.UUID,
    payload: dict[str, Any],
    language: str,
) -> None:
    """The confirmation mail (or webhook call) of a new subscription; its event is the subscription."""
    await conn.execute(
        "INSERT INTO deliveries (delivery_id, event_id, subscriber_id, subscription_id, kind, payload,"
        " language, state, occurred_at)"
        " VALUES (md5($1::uuid::text || ':' || $1::uuid::text)::uuid, $1::uuid, $2, $1::uuid, 'confirm',"
        "  $3::jsonb, $4, 'pending',"
        "  now())"
        " ON CONFLICT (event_id, subscriber_id) DO NOTHING",
        subscription_id,
        subscriber_id,
        json.dumps(payload),
        language,
    )


async def notify_followers(
    conn: asyncpg.Connection,
    *,
    event_id: uuid.UUID,
    occurred_at: datetime,
    kind: str,
    payload: dict[str, Any],
    measure_id: uuid.UUID,
    fields: list[str],
    comments_only: bool = False,
) -> int:
    """One delivery per confirmed, unpaused subscriber whose scope covers the measure; how many are new.

    A subscriber who follows the measure, its field and everything hears once, through the most
    specific subscription; with `comments_only`, only through subscriptions that asked for new
    comments. Digest subscriptions' deliveries wait for the digest.
    """
    status = await conn.execute(
        "INSERT INTO deliveries (delivery_id, event_id, subscriber_id, subscription_id, kind, payload,"
        " language, state, occurred_at)"
        f" SELECT {DELIVERY_ID}, $1::uuid, s.subscriber_id, s.subscription_id, $2, $3::jsonb, s.language,"
        "  CASE WHEN s.mode = 'digest' THEN 'waiting' ELSE 'pending' END, $4"
        " FROM (SELECT DISTINCT ON (s.subscriber_id) s.* FROM subscriptions s"
        "  JOIN subscribers r ON r.subscriber_id = s.subscriber_id"
        "  WHERE s.confirmed_at IS NOT NULL AND r.paused_at IS NULL AND (s.new_comments OR NOT $7)"
        "   AND ((s.scope_type = 'measure' AND s.scope_key = $5::text)"
        "    OR (s.scope_type = 'field' AND s.scope_key = ANY($6::text[])) OR s.scope_type = 'all')"
        f"  ORDER BY s.subscriber_id, {SPECIFIC_FIRST}) s"
        " ON CONFLICT (event_id, subscriber_id) DO NOTHING",
        event_id,
        kind,
        json.dumps(payload),
        occurred_at,
        str(measure_id),
        fields,
        comments_only,
    )
    added = int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>": 100,000 ids need not travel back
    if added >= ANALYZE_AFTER:
        # the planner's figures still say "a few pending": the senders' claims would join every one
        # of them before taking the first batch, until autovacuum came by (here it sees our rows)
        await conn.execute("ANALYZE deliveries")
    return added


async def notify_watchers(
    conn: asyncpg.Connection,
    *,
    event_id: uuid.UUID,
    occurred_at: datetime,
    comment_id: uuid.UUID,
    payload: dict[str, Any],
) -> list[uuid.UUID]:
    """The decision for each confirmed watch of a comment; returns the watches, which are now done."""
    rows = await conn.fetch(
        "INSERT INTO deliveries (delivery_id, event_id, subscriber_id, subscription_id, kind, payload,"
        " language, state, occurred_at)"
        f" SELECT {DELIVERY_ID}, $1::uuid, s.subscriber_id, s.subscription_id, 'decision', $2::jsonb,"
        "  s.language, 'pending', $3"
        " FROM subscriptions s JOIN subscribers r ON r.subscriber_id = s.subscriber_id"
        " WHERE s.scope_type = 'comment' AND s.scope_key = $4 AND s.confirmed_at IS NOT NULL"
        "  AND r.paused_at IS NULL"
        " ON CONFLICT (event_id, subscriber_id) DO NOTHING RETURNING subscription_id",
        event_id,
        json.dumps(payload),
        occurred_at,
        str(comment_id),
    )
    return [r["subscription_id"] for r in rows]


def _delivery(row: asyncpg.Record) -> Delivery:
    return Delivery(
        delivery_id=row["delivery_id"],
        event_id=row["event_id"],
        subscriber_id=row["subscriber_id"],
        subscription_id=row["subscription_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        language=row["language"],
        attempts=row["attempts"],
        occurred_at=row["occurred_at"],
        channel=row["channel"],
        email=row["email"],
        webhook_url=row["webhook_url"],
        webhook_secret=row["webhook_secret"],
    )


async def claim_due(conn: asyncpg.Connection, *, limit: int) -> list[Delivery]:
    """Up to `limit` deliveries, due longest first, locked for this transaction; others skip them."""
    rows = await conn.fetch(
        "SELECT d.*, r.channel, r.email, r.webhook_url, r.webhook_secret"
        " FROM deliveries d JOIN subscribers r ON r.subscriber_id = d.subscriber_id"
        " WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND r.paused_at IS NULL"
        " ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED",
        limit,
    )
    return [_delivery(row) for row in rows]


async def mark_sent(conn: asyncpg.Connection, sent: list[Delivery]) -> dict[uuid.UUID, float]:
    """Sent: their subscribers' bounces start again from zero. The seconds from event to delivery of each."""
    rows = await conn.fetch(
        "UPDATE deliveries SET state = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL"
        " WHERE delivery_id = ANY($1::uuid[])"
        " RETURNING delivery_id, extract(epoch FROM now() - occurred_at)::float8 AS lag",
        [d.delivery_id for d in sent],
    )
    await conn.execute(
        "UPDATE subscribers SET bounces = 0 WHERE subscriber_id = ANY($1::uuid[]) AND bounces <> 0",
        list({d.subscriber_id for d in sent}),
    )
    return {r["delivery_id"]: float(r["lag"] or 0.0) for r in rows}


async def mark_retry(conn: asyncpg.Connection, delivery: Delivery, *, error: str, delay: float) -> None:
    await conn.execute(
        "UPDATE deliveries SET attempts = attempts + 1, last_error = $2,"
        " next_attempt_at = now() + make_interval(secs => $3) WHERE delivery_id = $1",
        delivery.delivery_id,
        error[:1000],
        delay,
    )


async def mark_failed(conn: asyncpg.Connection, delivery: Delivery, *, error: str, bounce: bool) -> int:
    """Failed for good, recorded; a bounce counts toward pausing its subscriber. The bounces in a row."""
    await conn.execute(
        "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $2"
        " WHERE delivery_id = $1",
        delivery.delivery_id,
        error[:1000],
    )
    bounces: int = await conn.fetchval(
        "UPDATE subscribers SET bounces = bounces + $2 WHERE subscriber_id = $1 RETURNING bounces",
        delivery.subscriber_id,
        1 if bounce else 0,
    )
    return bounces


async def pause_subscriber(conn: asyncpg.Connection, subscriber_id: uuid.UUID) -> None:
    """Pause a subscriber that keeps bouncing; what was still owed to it fails."""
    await conn.execute("UPDATE subscribers SET paused_at = now() WHERE subscriber_id = $1", subscriber_id)
    await conn.execute(
        "UPDATE deliveries SET state = 'failed', last_error = 'subscriber paused after repeated bounces'"
        " WHERE subscriber_id = $1 AND state IN ('pending', 'waiting')",
        subscriber_id,
    )


async def cancel_unsent(conn: asyncpg.Connection, subscription_ids: list[uuid.UUID]) -> None:
    """What these subscriptions still owed is not sent any more."""
    await conn.execute(
        "DELETE FROM deliveries WHERE subscription_id = ANY($1::uuid[]) AND state IN ('pending', 'waiting')",
        subscription_ids,
    )
