"""Subscribers and their subscriptions."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from radar_notifications.domain.rules import Preferences


async def email_subscriber(conn: asyncpg.Connection, email: str) -> uuid.UUID:
    """The subscriber of this mailbox, created if new, and locked for the rest of the transaction."""
    subscriber_id: uuid.UUID = await conn.fetchval(
        "INSERT INTO subscribers AS s (subscriber_id, channel, email) VALUES ($1, 'email', $2)"
        " ON CONFLICT ((lower(email))) WHERE email IS NOT NULL DO UPDATE SET email = s.email"
        " RETURNING subscriber_id",
        uuid.uuid4(),
        email,
    )
    return subscriber_id


async def webhook_subscriber(conn: asyncpg.Connection, *, url: str, secret: str) -> uuid.UUID:
    """A new subscriber for this webhook registration."""
    subscriber_id: uuid.UUID = await conn.fetchval(
        "INSERT INTO subscribers (subscriber_id, channel, webhook_url, webhook_secret)"
        " VALUES ($1, 'webhook', $2, $3) RETURNING subscriber_id",
        uuid.uuid4(),
        url,
        secret,
    )
    return subscriber_id


async def unconfirmed_count(conn: asyncpg.Connection, subscriber_id: uuid.UUID) -> int:
    """How many confirmations this subscriber was sent that are neither confirmed nor expired."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM subscriptions"
            " WHERE subscriber_id = $1 AND confirmed_at IS NULL AND expires_at > now()",
            subscriber_id,
        )
    )


async def add_subscription(
    conn: asyncpg.Connection,
    *,
    subscriber_id: uuid.UUID,
    scope_type: str,
    scope_key: str,
    preferences: Preferences,
    participant_id: uuid.UUID | None,
    expires_at: datetime,
) -> uuid.UUID:
    """An unconfirmed subscription; it becomes one only when its link is opened."""
    subscription_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO subscriptions (subscription_id, subscriber_id, scope_type, scope_key, new_comments,"
        " language, mode, participant_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        subscription_id,
        subscriber_id,
        scope_type,
        scope_key,
        preferences.new_comments,
        preferences.language,
        preferences.mode,
        participant_id,
        expires_at,
    )
    return subscription_id


async def lock_subscription(conn: asyncpg.Connection, subscription_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT s.*, (s.expires_at <= now()) AS expired FROM subscriptions s"
        " WHERE subscription_id = $1 FOR UPDATE",
        subscription_id,
    )


async def confirm_subscription(conn: asyncpg.Connection, row: asyncpg.Record) -> None:
    """Confirm it; it replaces the subscriber's confirmed subscription of the same scope, if any."""
    await conn.execute(
        "DELETE FROM subscriptions WHERE subscriber_id = $1 AND scope_type = $2 AND scope_key = $3"
        " AND confirmed_at IS NOT NULL",
        row["subscriber_id"],
        row["scope_type"],
        row["scope_key"],
    )
    await conn.execute(
        "UPDATE subscriptions SET confirmed_at = now() WHERE subscription_id = $1", row["subscription_id"]
    )


async def subscriber(
    conn: asyncpg.Connection | asyncpg.Pool, subscriber_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT subscriber_id, channel, email, webhook_url, paused_at, bounces FROM subscribers"
        " WHERE subscriber_id = $1",
        subscriber_id,
    )


async def subscriptions_of(
    conn: asyncpg.Connection | asyncpg.Pool, subscriber_id: uuid.UUID
) -> list[asyncpg.Record]:
    """A subscriber's subscriptions, confirmed first, each with its measure's title and slug if any."""
    return await conn.fetch(
        "SELECT s.subscription_id, s.scope_type, s.scope_key, s.new_comments, s.language, s.mode,"
        " s.confirmed_at, s.created_at, m.slug AS measure_slug, m.title AS measure_title"
        " FROM subscriptions s LEFT JOIN measures m"
        "  ON s.scope_type = 'measure' AND m.measure_id::text = s.scope_key"
        " WHERE s.subscriber_id = $1"
        " ORDER BY s.confirmed_at IS NULL, s.created_at, s.subscription_id",
        subscriber_id,
    )


async def scope_of(
    conn: asyncpg.Connection | asyncpg.Pool, subscription_id: uuid.UUID
) -> asyncpg.Record | None:
    """A subscription's scope, with its measure's title if it follows one."""
    return await conn.fetchrow(
        "SELECT s.scope_type, s.scope_key, m.title FROM subscriptions s LEFT JOIN measures m"
        " ON s.scope_type = 'measure' AND m.measure_id::text = s.scope_key WHERE s.subscription_id = $1",
        subscription_id,
    )


async def change_subscription(
    conn: asyncpg.Connection, *, subscription_id: uuid.UUID, new_comments: bool, language: str, mode: str
) -> None:
    await conn.execute(
        "UPDATE subscriptions SET new_comments = $2, language = $3, mode = $4 WHERE subscription_id = $1",
        subscription_id,
        new_comments,
        language,
        mode,
    )


async def set_paused(conn: asyncpg.Connection, subscriber_id: uuid.UUID, *, paused: bool) -> None:
    """Pause or resume; resuming starts the count of bounces afresh."""
    await conn.execute(
        "UPDATE subscribers SET paused_at = CASE WHEN $2 THEN coalesce(paused_at, now()) END,"
        " bounces = CASE WHEN $2 THEN bounces ELSE 0 END WHERE subscriber_id = $1",
        subscriber_id,
        paused,
    )


async def remember_decision(
    conn: asyncpg.Connection, *, comment_id: uuid.UUID, decision: dict[str, Any]
) -> None:
    """Keep a watched comment's decision on its unconfirmed watches: confirming them sends it."""
    await conn.execute(
        "UPDATE subscriptions SET decision = $2::jsonb"
        " WHERE scope_type = 'comment' AND scope_key = $1 AND confirmed_at IS NULL AND decision IS NULL",
        str(comment_id),
        json.dumps(decision),
    )


async def watched(conn: asyncpg.Connection, comment_id: uuid.UUID) -> bool:
    """True when someone watches this comment's decision (confirmed or not)."""
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE scope_type = 'comment' AND scope_key = $1)",
            str(comment_id),
        )
    )


async def delete_subscriptions(
    conn: asyncpg.Connection, subscription_ids: list[uuid.UUID]
) -> list[uuid.UUID]:
    """Delete these subscriptions; return the subscribers they belonged to."""
    rows = await conn.fetch(
        "DELETE FROM subscriptions WHERE subscription_id = ANY($1::uuid[]) RETURNING subscriber_id",
        subscription_ids,
    )
    return sorted({r["subscriber_id"] for r in rows})
