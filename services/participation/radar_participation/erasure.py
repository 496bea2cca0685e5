"""Erasure of a participant: afterwards no table, outbox row or stream entry of this service holds
their comment texts, display names, ratings or reports.

Guarantees:
- Every event this service writes that carries a participant's data is written with
  `add_event_carrying`, which records, in the same transaction, whose data it carries. When
  the relay marks the row published, a trigger copies the entry id next to that record
  (migrations/0004), so the entry can be found after the outbox row itself is deleted.
- From the request on, the participant's id is dead: every write under it takes the
  participant's lock and is refused (PARTICIPANT_ERASED), so the erasure covers everything ever
  stored under the id. The request names the participant by a digest, not by the id.
- The consumer of participant.erasure_requested turns the participant's comments into
  tombstones, deletes their ratings and reports, deletes the outbox rows not yet published
  (their text never reaches a stream), blanks the bodies of the published ones, and queues
  their entries in stream_erasures, all in the transaction that records the event as
  processed. The announcement itself carries the id: its outbox row goes then, its entry
  once every consumer group on its stream has read it (the other services erase on it).
- Redis is touched only after that transaction committed (a deletion made inside it would
  stand even if it rolled back, and a handler holds only its connection): the supervised task
  `keep_deleting_erased_entries` deletes each queued entry (XDEL; an entry already gone is no
  error) and its copies in the stream's dead-letter stream, and forgets it only after Redis
  took the deletion. Several replicas share the queue through FOR UPDATE SKIP LOCKED.
Limit: an entry added by a relay that died between its XADD and marking its row is not
known by id; the row is sent again, and that first copy stays until the stream is trimmed.
An announcement consumed more than `outbox_keep_seconds` after it was sent has lost its
outbox row, and with it its entry id: that entry, too, stays until the stream is trimmed.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

import asyncpg
from redis.asyncio import Redis

from radar_lib.events import (
    ErasureRequestedPayload,
    Event,
    ParticipantErasureRequested,
    utcnow,
)
from radar_lib.outbox import add_event
from radar_lib.service import Runtime
from radar_lib.stream_erasure import BATCH, delete_entries, keep_deleting, participant_digest
from radar_lib.trimmer import acknowledged_floor, parse_id
from radar_participation.config import ParticipationSettings
from radar_participation.domain import ensure_not_erased
from radar_participation.store import erasure as store

log = logging.getLogger(__name__)


async def add_event_carrying(
    conn: asyncpg.Connection, event: Event, *, participants: Iterable[uuid.UUID | None]
) -> None:
    """Write an event through the outbox and remember whose data it carries, so erasure finds it."""
    await add_event(conn, event)
    carriers = [p for p in participants if p is not None]
    await store.carried_by(conn, event_id=event.event_id, stream=event.stream(), participants=carriers)


async def lock_live_participant(conn: asyncpg.Connection, participant_id: uuid.UUID) -> None:
    """Take the participant's lock (store.lock_participant) for a write; refused once erasure was asked."""
    await store.lock_participant(conn, participant_id)
    ensure_not_erased(await store.erasure_asked(conn, participant_digest=participant_digest(participant_id)))


async def request_erasure(pool: asyncpg.Pool, *, participant_id: uuid.UUID, producer: str) -> dict[str, Any]:
    """Record the request and announce it to every service; a request still open is answered again."""
    async with pool.acquire() as conn, conn.transaction():
        await store.lock_participant(conn, participant_id)  # a write under way commits first
        request_id, requested_at, new = await store.open_request(
            conn,
            participant_digest=participant_digest(participant_id),
            request_id=uuid.uuid4(),
            requested_at=utcnow(),
        )
        if new:
            payload = ErasureRequestedPayload(participant_id=participant_id, requested_at=requested_at)
            await add_event(conn, ParticipantErasureRequested.create(producer=producer, payload=payload))
    return {"id": str(request_id), "status": "requested", "requested_at": requested_at.isoformat()}


async def erase_participant(conn: asyncpg.Connection, event: ParticipantErasureRequested) -> None:
    """Erase the participant's texts, display names, ratings and reports; queue their stream entries."""
    participant_id = event.payload.participant_id
    await store.lock_participant(conn, participant_id)
    await store.erase_participant(
        conn,
        participant_id=participant_id,
        participant_digest=participant_digest(participant_id),
        announcement=event.event_id,
        erased_at=utcnow(),
    )


async def delete_queued_entries(
    pool: asyncpg.Pool, redis: Redis, *, batch: int = BATCH, lag_alarm: int = 50_000
) -> int:
    """Delete one batch of queued entries from their streams and dead-letter streams; how many.

    An entry queued to go after every group waits while some group has not read it yet.
    """
    async with pool.acquire() as conn, conn.transaction():
        entries = await store.queued_entries(conn, limit=batch)
        floors: dict[str, tuple[int, int] | None] = {}
        for stream in {e.stream for e in entries if e.after_every_group}:
            floors[stream] = await acknowledged_floor(redis, stream, lag_alarm=lag_alarm)
        due = [e for e in entries if not e.after_every_group or _read_by_every_group(e, floors[e.stream])]
        by_stream: dict[str, list[str]] = defaultdict(list)
        for e in due:
            by_stream[e.stream].append(e.entry_id)
        await delete_entries(redis, by_stream)
        await store.forget_entries(conn, due)
    return len(due)


def _read_by_every_group(entry: store.QueuedEntry, floor: tuple[int, int] | None) -> bool:
    """True when no group still needs the entry (trimmer.acknowledged_floor: None for no group)."""
    return floor is None or parse_id(entry.entry_id) < floor


async def keep_deleting_erased_entries(runtime: Runtime) -> None:
    """Delete queued stream entries every `erasure_poll_seconds`, until cancelled."""
    settings = cast(ParticipationSettings, runtime.settings)
    await keep_deleting(
        lambda: delete_queued_entries(runtime.pool, runtime.redis, lag_alarm=settings.stream_lag_alarm),
        poll_seconds=settings.erasure_poll_seconds,
        what="of erased participants",
    )


async def start_stream_erasure(runtime: Runtime) -> None:
    """Run the deletion of queued stream entries under the service's supervisor."""
    runtime.supervisor.start("stream-erasure", lambda: keep_deleting_erased_entries(runtime))
