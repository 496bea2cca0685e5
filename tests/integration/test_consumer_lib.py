"""libs' idempotent consumer on its own, with a handler whose effect is not idempotent by itself."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from radar_lib.consumer import EventConsumer
from radar_lib.events import CommentSubmitted
from radar_lib.service import Runtime, running
from radar_lib.settings import ServiceSettings
from tests.conftest import TOKEN_SECRET
from tests.integration.helpers import eventually
from tests.integration.test_event_machinery import publish_raw, submitted

pytestmark = pytest.mark.integration


async def count_delivery(conn: asyncpg.Connection, event: CommentSubmitted) -> None:
    """Counts every call: two calls for one event would show as 2."""
    await conn.execute(
        "INSERT INTO deliveries (comment_id, n) VALUES ($1, 1)"
        " ON CONFLICT (comment_id) DO UPDATE SET n = deliveries.n + 1",
        event.payload.comment_id,
    )


@asynccontextmanager
async def counting_service(dsn: str, redis_url: str, tmp_path: Path, **kw: object) -> AsyncIterator[Runtime]:
    migrations = tmp_path / "migrations"
    migrations.mkdir(exist_ok=True)
    (migrations / "0001_deliveries.sql").write_text(
        "CREATE TABLE IF NOT EXISTS deliveries (comment_id uuid PRIMARY KEY, n integer NOT NULL);"
    )

    def register(consumer: EventConsumer, _: ServiceSettings) -> None:
        consumer.on(CommentSubmitted, count_delivery)

    settings = ServiceSettings(
        service_name="counter",
        database_url=dsn,
        redis_url=redis_url,
        internal_token_secret=TOKEN_SECRET,
        **kw,
    )
    async with running(settings, migrations=migrations, register_consumers=register) as runtime:
        yield runtime


async def deliveries(dsn: str, comment_id: uuid.UUID) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT n FROM deliveries WHERE comment_id = $1", comment_id) or 0)
    finally:
        await conn.close()


async def test_redelivered_event_is_applied_once(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    dsn = new_database("counter")
    event = submitted()
    async with counting_service(dsn, redis_url, tmp_path) as runtime:
        await publish_raw(redis_url, event)
        await publish_raw(redis_url, event)

        async def both_acknowledged() -> bool:
            [group] = await runtime.redis.xinfo_groups(event.stream())
            return group["entries-read"] == 2 and group["pending"] == 0

        await eventually(both_acknowledged)
    assert await deliveries(dsn, event.payload.comment_id) == 1


async def test_entry_committed_by_a_killed_consumer_is_reclaimed_and_not_applied_again(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    dsn = new_database("counter")
    event = submitted()
    stream = event.stream()
    redis = Redis.from_url(redis_url)
    await redis.xgroup_create(stream, "counter", id="0", mkstream=True)
    await publish_raw(redis_url, event)
    read: Any = await redis.xreadgroup("counter", "doomed-1", {stream: ">"}, count=1)
    assert len(read[0][1]) == 1
    async with counting_service(dsn, redis_url, tmp_path, claim_idle_ms=300) as runtime:
        # the doomed consumer's transaction committed; then it died before XACK
        await runtime.consumer._apply(event, count_delivery)

        async def taken_over_and_acknowledged() -> bool:
            return int((await redis.xpending(stream, "counter"))["pending"]) == 0

        await eventually(taken_over_and_acknowledged)
    assert await deliveries(dsn, event.payload.comment_id) == 1
    await redis.aclose()
