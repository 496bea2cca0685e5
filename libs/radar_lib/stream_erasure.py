"""What every service's erasure of a participant shares: how an erased participant is named,
and the deletion of stream entries (and their dead letters) that carried their data.

A service queues the entries to delete in the transaction that erases the participant; Redis
is touched only after it committed. `keep_deleting` runs a service's `delete_batch` (which
calls `delete_entries` and then forgets what Redis took) under the supervisor, until cancelled.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, cast

from redis.asyncio import Redis

from radar_lib.events import dlq_stream_for
from radar_lib.failures import is_transient

log = logging.getLogger(__name__)

BATCH = 200


def participant_digest(participant_id: uuid.UUID) -> str:
    """How erasure records name a participant: the SHA-256 of the id as text, never the id itself."""
    return hashlib.sha256(str(participant_id).encode()).hexdigest()


async def delete_entries(redis: Redis, by_stream: Mapping[str, Sequence[str]]) -> None:
    """XDEL these entries (one already gone is no error) and their copies in the dead letters."""
    for stream, ids in by_stream.items():
        if ids:
            await redis.xdel(stream, *ids)
            await _delete_dead_letters(redis, dlq_stream_for(stream), {i.encode() for i in ids})


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


async def keep_deleting(
    delete_batch: Callable[[], Awaitable[int]], *, poll_seconds: float, batch: int = BATCH, what: str
) -> None:
    """Run `delete_batch` (how many it deleted) again and again, pausing when it found less than a
    batch; a server away is waited out, any other failure ends the task for the supervisor."""
    while True:
        try:
            deleted = await delete_batch()
        except Exception as exc:
            if not is_transient(exc):
                raise  # the supervisor logs it and starts the task again
            log.warning("stream erasure: %s; the entries wait, retrying", exc)
            deleted = 0
        if deleted:
            log.info("deleted %d stream entries %s", deleted, what)
        if deleted < batch:
            await asyncio.sleep(poll_seconds)
