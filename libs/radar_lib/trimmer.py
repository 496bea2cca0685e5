"""Stream retention that never drops what a group still needs.

A stream is trimmed with MINID below the oldest entry that some group has not acknowledged
yet (its oldest pending entry, or the first entry after its last delivered one), and never
below the newest `keep` entries, which stay for groups added later and for operators. A
group that falls further behind than `lag_alarm` entries is logged as an error and shows
in the figures; it is never skipped. The same task deletes published outbox rows older
than `outbox_keep_seconds`, so the outbox does not grow for ever.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, cast

import asyncpg
from redis.asyncio import Redis

log = logging.getLogger(__name__)

StreamId = tuple[int, int]


def parse_id(raw: bytes | str) -> StreamId:
    text = raw.decode() if isinstance(raw, bytes) else raw
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def format_id(value: StreamId) -> str:
    return f"{value[0]}-{value[1]}"


async def acknowledged_floor(redis: Redis, stream: str, *, lag_alarm: int) -> StreamId | None:
    """The lowest id some group still needs; None when the stream has no group."""
    floor: StreamId | None = None
    for group in cast(list[dict[str, Any]], await redis.xinfo_groups(stream)):
        name = group["name"].decode() if isinstance(group["name"], bytes) else group["name"]
        oldest_pending = None
        if group["pending"]:  # may be acknowledged by the time XPENDING answers: min is then None
            oldest_pending = cast(dict[str, Any], await redis.xpending(stream, name))["min"]
        if oldest_pending is not None:
            needed = parse_id(oldest_pending)
        else:
            ms, seq = parse_id(group["last-delivered-id"])
            needed = (ms, seq + 1)
        lag = group.get("lag")
        if lag is not None and lag > lag_alarm:
            log.error("group %s is %d entries behind on %s", name, lag, stream)
        floor = needed if floor is None else min(floor, needed)
    return floor


async def trim_stream(redis: Redis, stream: str, *, keep: int, lag_alarm: int) -> int:
    """Trim entries every group acknowledged, keeping the newest `keep`; how many went."""
    newest = cast(list[Any], await redis.xrevrange(stream, count=keep))
    if len(newest) < keep:
        return 0
    keep_from = parse_id(newest[-1][0])
    floor = await acknowledged_floor(redis, stream, lag_alarm=lag_alarm)
    minid = keep_from if floor is None else min(keep_from, floor)
    return int(await redis.xtrim(stream, minid=format_id(minid), approximate=True))


async def trim_streams(redis: Redis, streams: Iterable[str], *, keep: int, lag_alarm: int) -> int:
    """Trim each stream; how many entries went in all."""
    total = 0
    for stream in streams:
        total += await trim_stream(redis, stream, keep=keep, lag_alarm=lag_alarm)
    return total


async def delete_published_rows(pool: asyncpg.Pool, *, older_than_seconds: float) -> int:
    """Delete outbox rows published longer ago than the bound; how many went."""
    status = await pool.execute(
        "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)", older_than_seconds
    )
    return int(status.split()[-1])
