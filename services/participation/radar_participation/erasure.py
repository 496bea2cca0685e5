"""Erasure of a participant: afterwards no table, outbox row or stream entry of this service holds
their comment texts, display names, ratings or reports.

Guarantees:
- Every event this service writes that carries a participant's data is written with
  `add_event_carrying`, which records, in the same transaction, whose data it carries. When
  the relay marks the row published, a trigger copies the entry id next to that record
  (migrations/0004), so the entry can be found after the outbox row itself is deleted.
- The consumer of participant.erasure_requested turns the participant's comments into
  tombstones, deletes their ratings and reports, deletes the outbox rows not yet published
  (their text never reaches a stream), blanks the bodies of the published ones, and queues
  their entries in stream_erasures, all in the transaction that records the event as
  processed.
- Redis is touched only after that transaction committed (a deletion made inside it would
  stand even if it rolled back, and a handler holds only its connection): the supervised task
  `keep_deleting_erased_entries` deletes each queued entry (XDEL; an entry already gone is no
  error) and its copies in the stream's dead-letter stream, and forgets it only after Redis
  took the deletion. Several replicas share the queue through FOR UPDATE SKIP LOCKED.
Limit: an entry added by a relay that died between its XADD and marking its row is not
known by id; the row is sent again, and that first copy stays until the stream is trimmed.
"""

from __future__ import annotations

import asyncio
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
    dlq_stream_for,
    utcnow,
)
from radar_lib.failures import is_transient
from radar_lib.outbox import add_event
from radar_lib.service import Runtime
from radar_participation.config import ParticipationSettings
from radar_participation.store import erasure as store

log = logging.getLogger(__name__)

BATCH = 200


async def add_event_carrying(
    conn: asyncpg.Connection, event: Event, *, participants: Iterable[uuid.UUID | None]
) -> None:
    """Write an event through the outbox and remember whose data it carries, so erasure finds it."""
    await add_event(conn, event)
    carriers = [p for p in participants if p is not None]
    await store.carried_by(conn, event_id=event.event_id, stream=event.stream(), participants=carriers)


async def request_erasure(pool: asyncpg.Pool, *, participant_id: uuid.UUID, producer: str) -> dict[str, Any]:
    """Record the request and announce it to every service; a request still open is answered again."""
    async with pool.acquire() as conn, conn.transaction():
        request_id, requested_at, new = await store.open_request(
            conn, participant_id=participant_id, request_id=uuid.uuid4(), requested_at=utcnow()
        )
        if new:
            payload = ErasureRequestedPayload(participant_id=participant_id, requested_at=requested_at)
            await add_event(conn, ParticipantErasureRequested.create(producer=producer, payload=payload))
    return {"id": str(request_id), "status": "requested", "requested_at": requested_at.isoformat()}


async def erase_participant(conn: asyncpg.Connection, event: ParticipantErasureRequested) -> None:
    """Erase the participant's texts, display names, ratings and reports; queue their stream entries."""
    participant_id = event.payload.participant_id
    await store.lock_participant(conn, participant_id)
    await store.erase_participant(conn, participant_id=participant_id, erased_at=utcnow())


async def delete_queued_entries(pool: asyncpg.Pool, redis: Redis, *, batch: int = BATCH) -> int:
    """Delete one batch of queued entries from their streams and dead-letter streams; how many."""
    async with pool.acquire() as conn, conn.transaction():
        entries = await store.queued_entries(conn, limit=batch)
        by_stream: dict[str, list[str]] = defaultdict(list)
        for stream, entry_id in entries:
            by_stream[stream].append(entry_id)
        for stream, ids in by_stream.items():
            await redis.xdel(stream, *ids)
            await _delete_dead_letters(redis, dlq_stream_for(stream), {i.encode() for i in ids})
        await store.forget_entries(conn, entries)
    return len(entries)


async def _delete_dead_letters(redis: Redis, dlq_stream: str, entry_ids: set[bytes]) -> None:
    """Dead letters keep their entry's fields and name its id; the ones of these entries go too."""
    start = "-"
    while True:
        page = cast(list[Any], await redis.xrange(dlq_stream, min=start, count=BATCH))
        doomed = [dlq_id for dlq_id, fields in page if fields.get(b"entry_id") in entry_ids]
        if doomed:
            await redis.xdel(dlq_stream, *doomed)
        if len(page) < BATCH:
            return
        start = "(" + page[-1][0].decode()


async def keep_deleting_erased_entries(runtime: Runtime) -> None:
    """Delete queued stream entries every `erasure_poll_seconds`, until cancelled."""
    settings = cast(ParticipationSettings, runtime.settings)
    while True:
        try:
            deleted = await delete_queued_entries(runtime.pool, runtime.redis)
        except Exception as exc:
            if not is_transient(exc):
                raise  # the supervisor logs it and starts the task again
            log.warning("stream erasure: %s; the entries wait, retrying", exc)
            deleted = 0
        if deleted:
            log.info("deleted %d stream entries of erased participants", deleted)
        if deleted < BATCH:
            await asyncio.sleep(settings.erasure_poll_seconds)


async def start_stream_erasure(runtime: Runtime) -> None:
    """Run the deletion of queued stream entries under the service's supervisor."""
    runtime.supervisor.start("stream-erasure", lambda: keep_deleting_erased_entries(runtime))
