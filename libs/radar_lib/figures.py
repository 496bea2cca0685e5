"""Figures of the event machinery, read without changing anything: group lag and pending
entries, outbox backlog, dead letters.

Every figure is what the server says at the moment of reading, or None where it cannot
tell; nothing is estimated. A stream or group that does not exist is reported as missing,
not raised. Used by /metrics and by `radar status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from radar_lib.events import DLQ_PREFIX, STREAM_PREFIX

LAG_COUNT_LIMIT = 1000  # when Redis cannot tell the lag, count at most this many entries ourselves


@dataclass(frozen=True)
class GroupFigures:
    """One consumer group on one stream; `exists` is False when the stream or the group is missing."""

    stream: str
    group: str
    exists: bool
    lag: int | None = None  # entries not yet delivered to the group; None when unknown
    pending: int = 0  # delivered, not acknowledged
    consumers: int = 0
    oldest_pending_idle_ms: int | None = None


@dataclass(frozen=True)
class OutboxFigures:
    """Rows waiting to be published, and how long the oldest of them has waited."""

    backlog: int
    oldest_seconds: float | None


@dataclass(frozen=True)
class MachineryFigures:
    """What one service reports about its machinery at scrape time."""

    groups: list[GroupFigures]
    outbox: OutboxFigures
    dead_letters: dict[str, int]
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)


async def _stream_names(redis: Redis, prefix: str) -> list[str]:
    return sorted([key.decode() async for key in redis.scan_iter(match=f"{prefix}*", _type="stream")])


async def _groups_on(redis: Redis, stream: str) -> list[dict[str, Any]] | None:
    """XINFO GROUPS of a stream; None when the stream does not exist."""
    try:
        return cast(list[dict[str, Any]], await redis.xinfo_groups(stream))
    except ResponseError as exc:
        if "no such key" in str(exc).lower():
            return None
        raise


async def _counted_lag(redis: Redis, stream: str, last_delivered: bytes) -> int | None:
    # Redis reports no lag when entries after the group's position were deleted; counting
    # the entries that remain there is exact, up to a bound
    after = await redis.xrange(stream, min=b"(" + last_delivered, count=LAG_COUNT_LIMIT + 1)
    counted = len(after or [])
    return counted if counted <= LAG_COUNT_LIMIT else None


async def _oldest_pending_idle_ms(redis: Redis, stream: str, group: str) -> int | None:
    oldest = await redis.xpending_range(stream, group, min="-", max="+", count=1)
    return int(oldest[0]["time_since_delivered"]) if oldest else None


async def _figures_of(redis: Redis, stream: str, info: dict[str, Any]) -> GroupFigures:
    group = info["name"].decode()
    lag = info.get("lag")
    if lag is None:
        lag = await _counted_lag(redis, stream, info["last-delivered-id"])
    pending = int(info["pending"])
    return GroupFigures(
        stream=stream,
        group=group,
        exists=True,
        lag=None if lag is None else int(lag),
        pending=pending,
        consumers=int(info["consumers"]),
        oldest_pending_idle_ms=await _oldest_pending_idle_ms(redis, stream, group) if pending else None,
    )


async def group_figures(redis: Redis, *, group: str, streams: Iterable[str]) -> list[GroupFigures]:
    """The figures of one group on each of these streams, in the order given."""
    figures: list[GroupFigures] = []
    for stream in streams:
        infos = await _groups_on(redis, stream) or []
        info = next((i for i in infos if i["name"].decode() == group), None)
        if info is None:
            figures.append(GroupFigures(stream=stream, group=group, exists=False))
        else:
            figures.append(await _figures_of(redis, stream, info))
    return figures


async def all_group_figures(redis: Redis) -> list[GroupFigures]:
    """Every group on every event stream (dead-letter streams left out), by stream and group."""
    figures: list[GroupFigures] = []
    for stream in await _stream_names(redis, STREAM_PREFIX):
        if stream.startswith(DLQ_PREFIX):
            continue
        infos = await _groups_on(redis, stream) or []  # a stream deleted since the scan has none
        for info in sorted(infos, key=lambda i: bytes(i["name"])):
            figures.append(await _figures_of(redis, stream, info))
    return figures


async def outbox_figures(conn_or_pool: asyncpg.Connection | asyncpg.Pool) -> OutboxFigures:
    """The unpublished outbox rows of a service database and the age of the oldest one."""
    row = await conn_or_pool.fetchrow(
        "SELECT count(*) AS backlog,"
        " extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS oldest_seconds"
        " FROM outbox WHERE published_at IS NULL"
    )
    assert row is not None  # an aggregate always returns a row
    return OutboxFigures(backlog=int(row["backlog"]), oldest_seconds=row["oldest_seconds"])


async def dead_letter_counts(redis: Redis) -> dict[str, int]:
    """The number of entries on each dead-letter stream, by its name."""
    return {stream: int(await redis.xlen(stream)) for stream in await _stream_names(redis, DLQ_PREFIX)}


async def machinery_figures(
    redis: Redis,
    pool: asyncpg.Pool,
    *,
    group: str,
    streams: Iterable[str],
    tasks: dict[str, dict[str, Any]],
) -> MachineryFigures:
    """Everything /metrics shows for one service: its group on its streams, its outbox, dead letters."""
    return MachineryFigures(
        groups=await group_figures(redis, group=group, streams=streams),
        outbox=await outbox_figures(pool),
        dead_letters=await dead_letter_counts(redis),
        tasks=tasks,
    )
