"""A participant's erasure: their texts and reports go, the counts of decisions stay."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg


async def hold_participant(conn: asyncpg.Connection, participant_id: uuid.UUID) -> None:
    """Serialise, until commit, the transactions about this participant (a comment and its erasure)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 8))", str(participant_id))


async def is_erased(conn: asyncpg.Connection, participant_digest: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT true FROM erased_participants WHERE participant_digest = $1", participant_digest
        )
    )


async def erase_participant(
    conn: asyncpg.Connection, participant_id: uuid.UUID, *, participant_digest: str, at: datetime
) -> int:
    """Remove the participant's comment texts, notes about them, reports they made; how many comments.

    The notes also leave the decisions' events: from the outbox rows first (waiting for a relay
    that holds one), then, in a later statement that sees what that relay committed, the
    entries of the events already sent are queued for deletion (stream_erasure.py deletes them).
    """
    await conn.execute(
        "INSERT INTO erased_participants (participant_digest, erased_at) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING",
        participant_digest,
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
        "INSERT INTO stream_erasures (stream, entry_id) SELECT stream, entry_id FROM noted_events"
        " WHERE comment_id = ANY($1::uuid[]) AND entry_id IS NOT NULL ON CONFLICT DO NOTHING",
        comment_ids,
    )
    await conn.execute("DELETE FROM noted_events WHERE comment_id = ANY($1::uuid[])", comment_ids)
    await conn.execute(
        "UPDATE reports SET state = 'void', resolved_at = $2"
        " WHERE comment_id = ANY($1::uuid[]) AND state = 'open'",
        comment_ids,
        at,
    )
    await conn.execute("DELETE FROM reports WHERE reporter_id = $1", participant_id)
    return len(comment_ids)


async def noted(conn: asyncpg.Connection, *, event_id: uuid.UUID, comment_id: uuid.UUID, stream: str) -> None:
    """Remember a decision event that carries a note about this comment (its entry id follows by trigger)."""
    await conn.execute(
        "INSERT INTO noted_events (event_id, comment_id, stream) VALUES ($1, $2, $3)",
        event_id,
        comment_id,
        stream,
    )


async def queued_entries(conn: asyncpg.Connection, *, limit: int) -> list[tuple[str, str]]:
    """Stream entries waiting to be deleted, locked for this transaction: (stream, entry id)."""
    rows = await conn.fetch(
        "SELECT stream, entry_id FROM stream_erasures ORDER BY queued_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )
    return [(r["stream"], r["entry_id"]) for r in rows]


async def forget_entries(conn: asyncpg.Connection, entries: list[tuple[str, str]]) -> None:
    """Entries that are gone from their streams."""
    await conn.executemany("DELETE FROM stream_erasures WHERE stream = $1 AND entry_id = $2", entries)
