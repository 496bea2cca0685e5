"""Per-process caches of public reads, each emptied by the events that change what it holds:
catalog reads by every measure event, rendered pages also by participation.changed.

Every gateway process must see every invalidation, so each one reads the streams on its own
(XREAD from the newest entry, no consumer group) instead of sharing a group. After a lost
connection the caches are emptied, since events may have passed unseen.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import TimeoutError as RedisTimeoutError

from radar_lib.events import (
    CoreAreaUpdated,
    FieldUpdated,
    MeasureArchived,
    MeasurePublished,
    MeasureReported,
    MeasureUpdated,
    ParticipationChanged,
)

log = logging.getLogger(__name__)
# every catalog event that changes a public read: measures, their reports, fields, core areas
MEASURE_STREAMS = [
    e.stream()
    for e in (
        MeasurePublished,
        MeasureUpdated,
        MeasureArchived,
        MeasureReported,
        FieldUpdated,
        CoreAreaUpdated,
    )
]
# what a public page shows beyond the catalog: threads, counts and ratings, as participation announces
PAGE_STREAMS = [*MEASURE_STREAMS, ParticipationChanged.stream()]


@dataclass(frozen=True)
class CachedResponse:
    status: int
    body: bytes
    headers: dict[str, str]
    etag: str
    stored_at: float
    origin: object = None  # how the answer is given again, for whoever kept it (web/page_cache.py)


def etag_of(body: bytes) -> str:
    """A strong validator for a response body."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class PublicReadCache:
    """Least-recently-used responses by request key, each kept at most `ttl_seconds`."""

    def __init__(self, *, max_entries: int = 2000, ttl_seconds: float = 300.0) -> None:
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl_seconds
        self.generation = 0  # bumped on every invalidation, so a read that raced one is not stored

    def get(self, key: str) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry.stored_at > self._ttl:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(
        self,
        key: str,
        *,
        status: int,
        body: bytes,
        headers: dict[str, str],
        generation: int,
        origin: object = None,
    ) -> CachedResponse:
        entry = CachedResponse(status, body, headers, etag_of(body), time.monotonic(), origin)
        if generation == self.generation:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self.generation += 1

    def __len__(self) -> int:
        return len(self._entries)


class CacheInvalidator:
    """Empties each cache whenever an event arrives on one of the streams that cache follows."""

    def __init__(self, *, redis: Redis, follows: dict[str, list[PublicReadCache]]) -> None:
        self._redis = redis
        self._follows = follows  # stream -> the caches it empties
        self._caches = list({id(c): c for caches in follows.values() for c in caches}.values())

    def _clear(self, streams: list[str] | None = None) -> None:
        """Empty the caches that follow these streams (None: every cache)."""
        chosen = self._caches if streams is None else [c for s in streams for c in self._follows[s]]
        for cache in {id(c): c for c in chosen}.values():
            cache.clear()

    async def _newest_ids(self) -> dict[Any, Any]:
        # concrete ids, not "$": an event on one stream while we handle another is not missed
        ids: dict[Any, Any] = {}
        for stream in self._follows:
            newest = cast(Any, await self._redis.xrevrange(stream, count=1))
            ids[stream] = newest[0][0] if newest else "0-0"
        return ids

    async def run(self) -> None:
        """Follow the measure streams until cancelled (a supervised task)."""
        last_ids: dict[Any, Any] | None = None
        while True:
            try:
                if last_ids is None:
                    last_ids = await self._newest_ids()
                replies = cast(Any, await self._redis.xread(last_ids, block=1000, count=100))
            except asyncio.CancelledError:
                raise
            except RedisTimeoutError:
                continue  # nothing arrived while we waited; the position still holds
            except Exception as exc:
                log.warning("cache invalidation lost its stream (%s); emptying the caches", exc)
                self._clear()
                last_ids = None
                await asyncio.sleep(1.0)
                continue
            seen = [stream.decode() if isinstance(stream, bytes) else stream for stream, _ in replies or []]
            for name, (_, entries) in zip(seen, replies or [], strict=True):
                last_ids[name] = entries[-1][0]
            if seen:
                self._clear(seen)
