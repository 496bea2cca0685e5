"""Decisions and the audit log: who decided what, when and why."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from radar_moderation.store import Db


async def insert_decision(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    decision: str,
    reason_code: str | None,
    note: str | None,
    actor_kind: str,
    moderator_id: uuid.UUID | None,
    decided_at: datetime,
) -> uuid.UUID:
    decision_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO decisions"
        " (decision_id, comment_id, decision, reason_code, note, actor_kind, moderator_id, decided_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        decision_id,
        comment_id,
        decision,
        reason_code,
        note,
        actor_kind,
        moderator_id,
        decided_at,
    )
    return decision_id


async def decisions_on(db: Db, comment_id: uuid.UUID) -> list[asyncpg.Record]:
    return list(
        await db.fetch(
            "SELECT decision, reason_code, note, actor_kind, moderator_id, decided_at FROM decisions"
            " WHERE comment_id = $1 ORDER BY decided_at, decision_id",
            comment_id,
        )
    )


async def append_audit(
    conn: asyncpg.Connection,
    *,
    actor_kind: str,
    actor_id: uuid.UUID | None,
    action: str,
    comment_id: uuid.UUID,
    details: dict[str, Any],
    at: datetime | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (actor_kind, actor_id, action, comment_id, details, at)"
        " VALUES ($1, $2, $3, $4, $5::jsonb, coalesce($6, now()))",
        actor_kind,
        actor_id,
        action,
        comment_id,
        json.dumps(details, default=str),
        at,
    )


async def audit_entries(
    db: Db, *, comment_id: uuid.UUID | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """The audit log, newest first, of one comment or of all; and its length."""
    rows = await db.fetch(
        "SELECT seq, at, actor_kind, actor_id, action, comment_id, details FROM audit_log"
        " WHERE $1::uuid IS NULL OR comment_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3",
        comment_id,
        limit,
        offset,
    )
    total = await db.fetchval(
        "SELECT count(*) FROM audit_log WHERE $1::uuid IS NULL OR comment_id = $1", comment_id
    )
    return list(rows), int(total)
