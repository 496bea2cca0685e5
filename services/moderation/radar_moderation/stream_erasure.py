"""Deleting, after an erasure, the stream entries of decisions whose note is about the erased.

Guarantee: once a participant's erasure has been applied here (store.erasure), no entry of a
comment.approved, .rejected or .hidden event with a moderator's note on one of their comments
stays in its stream or in that stream's dead letters. Such events are remembered by comment
when they are written (decisions.take_decision); the relay's trigger records each one's entry
id (migrations/0003). The erasure queues those entries in its transaction; Redis is touched
only after it committed: the supervised task `keep_deleting_erased_entries` deletes each queued
entry (XDEL; one already gone is no error) and its dead letters, and forgets it only after
Redis took the deletion. Replicas share the queue through FOR UPDATE SKIP LOCKED.
Limit: an entry added by a relay that died between its XADD and marking its row is not known
by id; that copy stays until the stream is trimmed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import cast

import asyncpg
from redis.asyncio import Redis

from radar_lib.service import Runtime
from radar_lib.stream_erasure import BATCH, delete_entries, keep_deleting
from radar_moderation.config import ModerationSettings
from radar_moderation.store import erasure as store


async def delete_queued_entries(pool: asyncpg.Pool, redis: Redis, *, batch: int = BATCH) -> int:
    """Delete one batch of queued entries from their streams and dead-letter streams; how many."""
    async with pool.acquire() as conn, conn.transaction():
        entries = await store.queued_entries(conn, limit=batch)
        by_stream: dict[str, list[str]] = defaultdict(list)
        for stream, entry_id in entries:
            by_stream[stream].append(entry_id)
        await delete_entries(redis, by_stream)
        await store.forget_entries(conn, entries)
    return len(entries)


async def keep_deleting_erased_entries(runtime: Runtime) -> None:
    """Delete queued stream entries every `erasure_poll_seconds`, until cancelled."""
    settings = cast(ModerationSettings, runtime.settings)
    await keep_deleting(
        lambda: delete_queued_entries(runtime.pool, runtime.redis),
        poll_seconds=settings.erasure_poll_seconds,
        what="with notes about erased participants",
    )


async def start_stream_erasure(runtime: Runtime) -> None:
    """Run the deletion of queued stream entries under the service's supervisor."""
    runtime.supervisor.start("stream-erasure", lambda: keep_deleting_erased_entries(runtime))
