"""Erasure: requests, the events that carry a participant's data, and the stream entries to delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import asyncpg

PARTICIPANT_LOCKS = 7_340_100  # advisory lock space: one key per participant, hashed


async def lock_participant(conn: asyncpg.Connection, participant_id: uuid.UUID) -> None:
    """A participant's writes and the erasure of their data take turns, until the transaction ends."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))", PARTICIPANT_LOCKS, str(participant_id)
    )


async def carried_by(
    conn: asyncpg.Connection, *, event_id: uuid.UUID, stream: str, participants: Iterable[uuid.UUID]
) -> None:
    """Remember that this event carries these participants' data (its entry id follows by trigger)."""
    await conn.execute(
        "INSERT INTO carried_events (event_id, participant_id, stream)"
        " SELECT $1, p, $3 FROM unnest($2::uuid[]) AS p ON CONFLICT DO NOTHING",
        event_id,
        list(set(participants)),
        stream,
    )


async def open_request(
    conn: asyncpg.Connection, *, participant_digest: str, request_id: uuid.UUID, requested_at: datetime
) -> tuple[uuid.UUID, datetime, bool]:
    """The participant's open erasure request, made now unless one is open: (id, time, new)."""
    row = await conn.fetchrow(
        "INSERT INTO erasure_requests (request_id, participant_digest, requested_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (participant_digest) WHERE erased_at IS NULL DO NOTHING"
        " RETURNING request_id, requested_at",
        request_id,
        participant_digest,
        requested_at,
    )
    if row is not None:
        return row["request_id"], row["requested_at"], True
    row = await conn.fetchrow(
        "SELECT request_id, requested_at FROM erasure_requests"
        " WHERE participant_digest = $1 AND erased_at IS NULL",
        participant_digest,
    )
    return row["request_id"], row["requested_at"], False


async def erasure_asked(conn: asyncpg.Connection, *, participant_digest: str) -> bool:
    """True once the participant has asked for the erasure of their data."""
    return bool(
        await conn.fetchval(
            "SELECT true FROM erasure_requests WHERE participant_digest = $1 LIMIT 1", participant_digest
        )
    )


async def erase_participant(
    conn: asyncpg.Connection,
    *,
    participant_id: uuid.UUID,
    participant_digest: str,
    announcement: uuid.UUID,
    erased_at: datetime,
) -> None:
    """Remove every text, display name, rating and report of a participant; queue their stream entries.

    Comments become tombstones that keep the thread's shape. The statements run in this order
    on purpose: the outbox rows still unpublished are deleted first (waiting for a relay that
    holds one, which then marks it published instead), and only then, in a later statement
    that sees what that relay committed, are the entry ids read. The announcement (the event
    being handled, which carries the id) leaves the outbox now; its entry is queued to go once
    every consumer group has read it.
    """
    await conn.execute(
        "UPDATE comments SET status = 'erased', body = NULL, display_name = NULL, participant_id = NULL,"
        " moderator_note = NULL, reason_code = NULL, idempotency_key = NULL WHERE participant_id = $1",
        participant_id,
    )
    await conn.execute(
        "DELETE FROM outbox o USING carried_events e WHERE e.participant_id = $1 AND o.event_id = e.event_id"
        " AND o.published_at IS NULL",
        participant_id,
    )
    await conn.execute(
        "UPDATE outbox o SET body = '' FROM carried_events e WHERE e.participant_id = $1"
        " AND o.event_id = e.event_id",
        participant_id,
    )
    await conn.execute(
        "INSERT INTO stream_erasures (stream, entry_id) SELECT stream, entry_id FROM carried_events"
        " WHERE participant_id = $1 AND entry_id IS NOT NULL ON CONFLICT DO NOTHING",
        participant_id,
    )
    await conn.execute("DELETE FROM carried_events WHERE participant_id = $1", participant_id)
    await conn.execute("DELETE FROM ratings WHERE participant_id = $1", participant_id)
    await conn.execute("DELETE FROM reports WHERE reporter_id = $1", participant_id)
    await conn.execute(
        "INSERT INTO stream_erasures (stream, entry_id, after_every_group) SELECT stream, entry_id, true"
        " FROM outbox WHERE event_id = $1 AND entry_id IS NOT NULL ON CONFLICT DO NOTHING",
        announcement,
    )
    await conn.execute("DELETE FROM outbox WHERE event_id = $1 AND published_at IS NOT NULL", announcement)
    await conn.execute(
        "UPDATE erasure_requests SET erased_at = $2 WHERE participant_digest = $1 AND erased_at IS NULL",
        participant_digest,
        erased_at,
    )


@dataclass(frozen=True)
class QueuedEntry:
    stream: str
    entry_id: str
    after_every_group: bool  # to be deleted only once every consumer group has read it


async def queued_entries(conn: asyncpg.Connection, *, limit: int) -> list[QueuedEntry]:
    """Stream entries waiting to be deleted, locked for this transaction; those that may wait, last."""
    rows = await conn.fetch(
        "SELECT stream, entry_id, after_every_group FROM stream_erasures"
        " ORDER BY after_every_group, queued_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )
    return [QueuedEntry(r["stream"], r["entry_id"], r["after_every_group"]) for r in rows]


async def forget_entries(conn: asyncpg.Connection, entries: list[QueuedEntry]) -> None:
    """Entries that are gone from their streams."""
    await conn.executemany(
        "DELETE FROM stream_erasures WHERE stream = $1 AND entry_id = $2",
        [(e.stream, e.entry_id) for e in entries],
    )
