"""A service of one handler whose effect is not idempotent on its own: it counts every call.

Only libs' machinery stands between a redelivery and a second count, so tests of that
machinery use it. It runs in-process (`counting_service`) or as a real process that a test
can kill: `python -m tests.integration.counting DSN REDIS_URL CONSUMER_NAME CLAIM_IDLE_MS`.

Two switches, set by tests in the service's database:
- a row in `holds` for a comment keeps its handler waiting inside its transaction;
- a comment whose body is "gated" also writes a row that a deferred foreign key checks at
  COMMIT: the commit fails until the test adds the comment to `gates`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from radar_lib.consumer import EventConsumer
from radar_lib.events import CommentSubmitted
from radar_lib.service import Runtime, running
from radar_lib.settings import ServiceSettings

TOKEN_SECRET = "test-internal-token-secret"
GROUP = "counter"
SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (comment_id uuid PRIMARY KEY, n integer NOT NULL);
CREATE TABLE IF NOT EXISTS holds (comment_id uuid PRIMARY KEY);
CREATE TABLE IF NOT EXISTS gates (comment_id uuid PRIMARY KEY);
CREATE TABLE IF NOT EXISTS passes (
    comment_id uuid NOT NULL REFERENCES gates DEFERRABLE INITIALLY DEFERRED
);
"""


async def count_delivery(conn: asyncpg.Connection, event: CommentSubmitted) -> None:
    """Counts every call: two calls for one event would show as 2."""
    comment_id = event.payload.comment_id
    for _ in range(3000):  # at most a minute inside the transaction
        if not await conn.fetchval("SELECT true FROM holds WHERE comment_id = $1", comment_id):
            break
        await asyncio.sleep(0.02)
    if event.payload.body == "gated":
        await conn.execute("INSERT INTO passes (comment_id) VALUES ($1)", comment_id)
    await conn.execute(
        "INSERT INTO deliveries (comment_id, n) VALUES ($1, 1)"
        " ON CONFLICT (comment_id) DO UPDATE SET n = deliveries.n + 1",
        comment_id,
    )


def register(consumer: EventConsumer, _: ServiceSettings) -> None:
    consumer.on(CommentSubmitted, count_delivery)


@asynccontextmanager
async def counting_service(dsn: str, redis_url: str, **settings: object) -> AsyncIterator[Runtime]:
    """The counting service running in this process until the block ends."""
    with tempfile.TemporaryDirectory() as folder:
        migrations = Path(folder)
        (migrations / "0001_counting.sql").write_text(SCHEMA)
        config = ServiceSettings(
            service_name=GROUP,
            database_url=dsn,
            redis_url=redis_url,
            internal_token_secret=TOKEN_SECRET,
            **settings,
        )
        async with running(config, migrations=migrations, register_consumers=register) as runtime:
            yield runtime


async def deliveries(dsn: str, comment_id: object) -> int:
    """How often the handler's effect committed for a comment."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT n FROM deliveries WHERE comment_id = $1", comment_id) or 0)
    finally:
        await conn.close()


async def _serve(dsn: str, redis_url: str, consumer_name: str, claim_idle_ms: int) -> None:
    async with counting_service(dsn, redis_url, consumer_name=consumer_name, claim_idle_ms=claim_idle_ms):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_serve(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
