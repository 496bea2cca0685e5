"""A participant's erasure: their texts and reports go, the counts of decisions stay."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg


async def hold_participant(conn: asyncpg.Connection, participant_id: uuid.UUID) -> None:
    """Serialise, until commit, the transactions about this participant (a comment and its erasure)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 8))", str(participant_id))


async def is_erased(conn: asyncpg.Connection, participant_id: uuid.UUID) -> bool:
    return bool(
        await conn.fetchval("SELECT true FROM erased_participants WHERE participant_id = $1", participant_id)
    )


async def erase_participant(conn: asyncpg.Connection, participant_id: uuid.UUID, *, at: datetime) -> int:
    """Remove the participant's comment texts, notes about them, reports they made; how many comments."""
    await conn.execute(
        "INSERT INTO erased_participants (participant_id, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        participant_id,
        at,
    )
    comment_ids = [
        r["comment_id"]
        for r in await conn.fetch(
            "SELECT comment_id FROM queue_items WHERE participant_id = $1 FOR UPDATE", participant_id
        )
    ]
    await conn.execute(
        "UPDATE queue_items SET body = NULL, fingerprint = NULL, participant_id = NULL, erased_at = $2,"
        " claimed_by = NULL, claim_expires_at = NULL,"
        " closed_at = CASE WHEN state = 'pending' THEN $2 ELSE closed_at END,"
        " state = CASE WHEN state = 'pending' THEN 'withdrawn' ELSE state END"
        " WHERE comment_id = ANY($1::uuid[])",
        comment_ids,
        at,
    )
    await conn.execute("DELETE FROM flags WHERE comment_id = ANY($1::uuid[])", comment_ids)
    await conn.execute("UPDATE decisions SET note = NULL WHERE comment_id = ANY($1::uuid[])", comment_ids)
    await conn.execute(
        "UPDATE audit_log SET details = details - 'note' WHERE comment_id = ANY($1::uuid[])", comment_ids
    )
    await conn.execute(  # the notes in the decisions' events waiting in (or kept by) the outbox
        "UPDATE outbox SET body = ((body::jsonb) #- '{payload,note}')::text"
        " WHERE (body::jsonb -> 'payload' ->> 'comment_id')::uuid = ANY($1::uuid[])",
        comment_ids,
    )
    await conn.execute(
        "UPDATE reports SET state = 'void', resolved_at = $2"
        " WHERE comment_id = ANY($1::uuid[]) AND state = 'open'",
        comment_ids,
        at,
    )
    await conn.execute("DELETE FROM reports WHERE reporter_id = $1", participant_id)
    return len(comment_ids)
