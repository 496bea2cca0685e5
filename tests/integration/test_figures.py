"""The machinery's figures against real Valkey and PostgreSQL: lag, pending, outbox, dead letters."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from radar_lib.db import migrate
from radar_lib.figures import (
    GroupFigures,
    all_group_figures,
    dead_letter_counts,
    group_figures,
    outbox_figures,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    async with Redis.from_url(redis_url) as client:
        yield client


def stream_name() -> str:
    return f"radar.test{uuid.uuid4().hex[:8]}.happened"


async def read_three_ack_one(redis: Redis, stream: str, group: str) -> None:
    """Five entries; the group was given three and acknowledged one: lag 2, pending 2."""
    for n in range(5):
        await redis.xadd(stream, {"n": str(n)})
    await redis.xgroup_create(stream, group, id="0")
    reply: Any = await redis.xreadgroup(group, "consumer-1", {stream: ">"}, count=3)
    first_id = reply[0][1][0][0]
    await redis.xack(stream, group, first_id)


async def test_group_lag_and_pending_match_what_the_group_was_given(redis: Redis) -> None:
    stream = stream_name()
    await read_three_ack_one(redis, stream, "moderation")

    [figures] = await group_figures(redis, group="moderation", streams=[stream])

    assert (figures.exists, figures.lag, figures.pending, figures.consumers) == (True, 2, 2, 1)
    assert figures.oldest_pending_idle_ms is not None and figures.oldest_pending_idle_ms >= 0


async def test_missing_group_and_missing_stream_are_reported_missing(redis: Redis) -> None:
    with_other_group, absent = stream_name(), stream_name()
    await read_three_ack_one(redis, with_other_group, "catalog")

    figures = await group_figures(redis, group="moderation", streams=[with_other_group, absent])

    assert figures == [
        GroupFigures(stream=with_other_group, group="moderation", exists=False),
        GroupFigures(stream=absent, group="moderation", exists=False),
    ]


async def test_lag_is_counted_when_redis_cannot_tell_it(redis: Redis) -> None:
    stream = stream_name()
    await read_three_ack_one(redis, stream, "moderation")
    entries: Any = await redis.xrange(stream)
    await redis.xdel(stream, entries[3][0])  # a deletion ahead of the group hides Redis's lag
    [info] = await redis.xinfo_groups(stream)
    assert info["lag"] is None

    [figures] = await group_figures(redis, group="moderation", streams=[stream])

    assert figures.lag == 1


async def test_every_group_on_every_event_stream_is_listed_without_dead_letter_streams(redis: Redis) -> None:
    first, second = stream_name(), stream_name()
    await read_three_ack_one(redis, first, "moderation")
    await read_three_ack_one(redis, second, "notifications")
    await redis.xgroup_create(second, "participation", id="$")
    await redis.xadd("radar.dlq.comment.submitted", {"error": "boom"})
    await redis.xgroup_create("radar.dlq.comment.submitted", "operators", id="0")
    await redis.xadd("other.stream", {"n": "1"})
    await redis.xgroup_create("other.stream", "moderation", id="0")

    figures = await all_group_figures(redis)

    assert {(f.stream, f.group): (f.lag, f.pending) for f in figures} == {
        (first, "moderation"): (2, 2),
        (second, "notifications"): (2, 2),
        (second, "participation"): (0, 0),
    }


async def test_dead_letter_counts_are_exact_beyond_the_listing_cap(redis: Redis) -> None:
    async with redis.pipeline(transaction=False) as pipe:
        for n in range(1234):
            pipe.xadd("radar.dlq.comment.submitted", {"n": str(n)})
        for n in range(3):
            pipe.xadd("radar.dlq.measure.updated", {"n": str(n)})
        pipe.xadd("radar.comment.submitted", {"n": "0"})
        await pipe.execute()

    assert await dead_letter_counts(redis) == {
        "radar.dlq.comment.submitted": 1234,
        "radar.dlq.measure.updated": 3,
    }


async def add_outbox_row(conn: asyncpg.Connection, *, age_seconds: int, published: bool) -> None:
    await conn.execute(
        "INSERT INTO outbox (event_id, stream, body, created_at, published_at)"
        " VALUES ($1, 'radar.comment.submitted', '{}', now() - make_interval(secs => $2),"
        " CASE WHEN $3 THEN now() END)",
        uuid.uuid4(),
        age_seconds,
        published,
    )


async def test_outbox_backlog_counts_unpublished_rows_and_ages_the_oldest(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    dsn = new_database("figures")
    await migrate(dsn, service_migrations=tmp_path)
    conn = await asyncpg.connect(dsn)
    try:
        empty = await outbox_figures(conn)
        await add_outbox_row(conn, age_seconds=600, published=True)
        await add_outbox_row(conn, age_seconds=90, published=False)
        await add_outbox_row(conn, age_seconds=5, published=False)
        waiting = await outbox_figures(conn)
    finally:
        await conn.close()

    assert (empty.backlog, empty.oldest_seconds) == (0, None)
    assert waiting.backlog == 2
    assert waiting.oldest_seconds is not None and 90 <= waiting.oldest_seconds < 600
