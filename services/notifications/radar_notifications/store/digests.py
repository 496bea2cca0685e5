"""The daily digest: waiting deliveries become one digest delivery per subscriber."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import asyncpg


async def claim_run(conn: asyncpg.Connection, run_date: date) -> bool:
    """True for the one transaction that may run the digest of this day."""
    return bool(
        await conn.fetchval(
            "INSERT INTO digest_runs (run_date) VALUES ($1) ON CONFLICT DO NOTHING RETURNING true", run_date
        )
    )


async def waiting(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every delivery that waits for a digest, by subscriber and oldest first, locked."""
    return await conn.fetch(
        "SELECT delivery_id, subscriber_id, kind, payload, language, occurred_at FROM deliveries"
        " WHERE state = 'waiting' AND subscriber_id IS NOT NULL"
        " ORDER BY subscriber_id, occurred_at, delivery_id FOR UPDATE SKIP LOCKED"
    )


async def add_digest(
    conn: asyncpg.Connection,
    *,
    run_date: date,
    subscriber_id: uuid.UUID,
    items: list[dict[str, Any]],
    included: list[uuid.UUID],
    language: str,
) -> None:
    """One digest delivery for a subscriber, carrying these items; the included deliveries are digested."""
    digest_id = await conn.fetchval(
        "INSERT INTO deliveries (delivery_id, event_id, subscriber_id, kind, payload, language, state,"
        " occurred_at)"
        " SELECT md5(e.id::text || ':' || $2::uuid::text)::uuid, e.id, $2::uuid, 'digest', $3::jsonb, $4,"
        "  'pending',"
        "  (SELECT min(occurred_at) FROM deliveries WHERE delivery_id = ANY($5::uuid[]))"
        " FROM (SELECT md5('digest:' || $1::date::text)::uuid AS id) e"
        " ON CONFLICT (event_id, subscriber_id) DO NOTHING RETURNING delivery_id",
        run_date,
        subscriber_id,
        json.dumps({"items": items}),
        language,
        included,
    )
    if digest_id is not None:
        await conn.execute(
            "UPDATE deliveries SET state = 'digested', digest_id = $2 WHERE delivery_id = ANY($1::uuid[])",
            included,
            digest_id,
        )
