"""libs' idempotent consumer on its own, with a handler whose effect is not idempotent by itself.

Crashes are real: a consumer process is killed with SIGKILL while it holds an entry.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from radar_lib.events import CommentSubmitted, CommentSubmittedPayload, utcnow
from tests.conftest import REPO_ROOT
from tests.events_factory import submitted
from tests.integration.counting import GROUP, SCHEMA, counting_service, deliveries
from tests.integration.helpers import eventually, publish_raw

pytestmark = pytest.mark.integration
STREAM = CommentSubmitted.stream()
NEVER_MS = 600_000  # a claim bound no test waits for: what happens sooner is not the claimer's doing


def gated() -> CommentSubmitted:
    """An event whose handler's commit fails until the test opens its gate."""
    return CommentSubmitted.create(
        producer="participation",
        payload=CommentSubmittedPayload(
            comment_id=uuid.uuid4(),
            measure_id=uuid.uuid4(),
            participant_id=uuid.uuid4(),
            body="gated",
            submitted_at=utcnow(),
        ),
    )


async def sql(dsn: str, statement: str, *args: object) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(statement, *args)
    finally:
        await conn.close()


async def pending_of(redis: Redis, consumer: str | None = None) -> list[bytes]:
    """Ids of the entries the group holds unacknowledged (of one consumer, if named)."""
    entries: Any = await redis.xpending_range(
        STREAM, GROUP, min="-", max="+", count=100, consumername=consumer
    )
    return [e["message_id"] for e in entries]


@contextmanager
def consumer_process(dsn: str, redis_url: str, *, name: str) -> Iterator[subprocess.Popen[str]]:
    """The counting service as a real process; killed at the end if the test did not kill it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.counting", dsn, redis_url, name, str(NEVER_MS)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("RADAR_")},
            "RADAR_ENV": "development",
        },
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)


async def test_redelivered_event_is_applied_once(new_database: Callable[[str], str], redis_url: str) -> None:
    dsn = new_database("counter")
    event = submitted()
    async with counting_service(dsn, redis_url) as runtime:
        await publish_raw(redis_url, event)
        await publish_raw(redis_url, event)

        async def both_acknowledged() -> bool:
            [group] = await runtime.redis.xinfo_groups(STREAM)
            return group["entries-read"] == 2 and group["pending"] == 0

        await eventually(both_acknowledged)
    assert await deliveries(dsn, event.payload.comment_id) == 1


async def test_entry_is_acknowledged_only_after_its_transaction_committed(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    event = submitted()
    async with counting_service(dsn, redis_url, claim_idle_ms=NEVER_MS) as runtime:
        await sql(dsn, "INSERT INTO holds VALUES ($1)", event.payload.comment_id)
        await publish_raw(redis_url, event)
        await eventually(lambda: pending_of(runtime.redis))
        await asyncio.sleep(0.3)  # the handler waits inside its transaction all this time
        assert len(await pending_of(runtime.redis)) == 1, "acknowledged before its effect committed"
        assert await sql(dsn, "SELECT count(*) FROM processed_events") == 0
        assert await deliveries(dsn, event.payload.comment_id) == 0

        await sql(dsn, "DELETE FROM holds WHERE comment_id = $1", event.payload.comment_id)
        await eventually(lambda: _nothing_pending(runtime.redis))
    assert await deliveries(dsn, event.payload.comment_id) == 1
    assert await sql(dsn, "SELECT count(*) FROM processed_events") == 1


async def _nothing_pending(redis: Redis) -> bool:
    return not await pending_of(redis)


async def test_failed_commit_leaves_the_entry_pending_and_it_is_retried(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    event = gated()
    async with counting_service(dsn, redis_url, claim_idle_ms=300, max_deliveries=1000) as runtime:
        await publish_raw(redis_url, event)
        [entry_id] = await eventually(lambda: pending_of(runtime.redis))

        async def commit_failed() -> bytes | None:
            key = f"radar:attempts:{GROUP}:{STREAM}"
            return await runtime.redis.hget(key, entry_id + b":error")

        assert b"ForeignKeyViolation" in await eventually(commit_failed)
        assert await pending_of(runtime.redis) == [entry_id]
        assert await sql(dsn, "SELECT count(*) FROM processed_events") == 0
        assert await deliveries(dsn, event.payload.comment_id) == 0

        await sql(dsn, "INSERT INTO gates VALUES ($1)", event.payload.comment_id)
        await eventually(lambda: _nothing_pending(runtime.redis))
    assert await deliveries(dsn, event.payload.comment_id) == 1


async def test_restarted_replica_retries_its_own_pending_entry_at_once(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    event = submitted()
    with consumer_process(dsn, redis_url, name="replica-1") as first:
        redis = Redis.from_url(redis_url)
        await sql(dsn, "INSERT INTO holds VALUES ($1)", event.payload.comment_id)
        await publish_raw(redis_url, event)
        await eventually(lambda: pending_of(redis, "replica-1"))
        kill(first)  # dies inside the handler's transaction, holding the entry
    await sql(dsn, "DELETE FROM holds WHERE comment_id = $1", event.payload.comment_id)
    assert await deliveries(dsn, event.payload.comment_id) == 0

    # the same replica comes back; the claim bound is 10 minutes, so only its own re-read helps
    with consumer_process(dsn, redis_url, name="replica-1"):
        await eventually(lambda: _nothing_pending(redis), timeout=30)
    assert await deliveries(dsn, event.payload.comment_id) == 1
    await redis.aclose()


async def test_entry_of_a_killed_replica_is_taken_over_by_another_with_one_effect(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    event = submitted()
    with consumer_process(dsn, redis_url, name="replica-1") as doomed:
        redis = Redis.from_url(redis_url)
        await sql(dsn, "INSERT INTO holds VALUES ($1)", event.payload.comment_id)
        await publish_raw(redis_url, event)
        await eventually(lambda: pending_of(redis, "replica-1"))
        kill(doomed)
    await sql(dsn, "DELETE FROM holds WHERE comment_id = $1", event.payload.comment_id)
    async with counting_service(dsn, redis_url, consumer_name="replica-2", claim_idle_ms=300):
        await eventually(lambda: _nothing_pending(redis))
    assert await deliveries(dsn, event.payload.comment_id) == 1
    await redis.aclose()


async def test_entry_committed_by_a_consumer_that_died_before_acknowledging_is_not_applied_again(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    event = submitted()
    redis = Redis.from_url(redis_url)
    async with counting_service(dsn, redis_url, consumer_name="survivor", claim_idle_ms=NEVER_MS):
        pass  # migrated and grouped; now the dead consumer's state is laid down as it left it
    await redis.xgroup_createconsumer(STREAM, GROUP, "dead")
    await publish_raw(redis_url, event)
    await redis.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=1)
    await sql(dsn, "INSERT INTO deliveries VALUES ($1, 1)", event.payload.comment_id)
    await sql(dsn, "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)", GROUP, event.event_id)
    async with counting_service(dsn, redis_url, consumer_name="survivor", claim_idle_ms=200):
        await eventually(lambda: _nothing_pending(redis))
    assert await deliveries(dsn, event.payload.comment_id) == 1
    await redis.aclose()


async def test_idle_consumers_with_nothing_pending_are_removed_from_the_group(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    held = submitted()
    redis = Redis.from_url(redis_url)
    await redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    await redis.xgroup_createconsumer(STREAM, GROUP, "vanished-pod")
    await redis.xgroup_createconsumer(STREAM, GROUP, "crashed-pod")
    await publish_raw(redis_url, held)
    await redis.xreadgroup(GROUP, "crashed-pod", {STREAM: ">"}, count=1)  # holds an entry
    await asyncio.sleep(0.2)  # both are idle longer than the bound below
    settings = {"consumer_name": "survivor", "consumer_idle_remove_ms": 100, "claim_idle_ms": NEVER_MS}
    async with counting_service(dsn, redis_url, **settings):

        async def names() -> set[str]:
            consumers: Any = await redis.xinfo_consumers(STREAM, GROUP)
            return {c["name"].decode() for c in consumers}

        async def vanished_removed() -> bool:
            return "vanished-pod" not in await names()

        await eventually(vanished_removed)
        assert "crashed-pod" in await names(), "a consumer with a pending entry was removed"
    await redis.aclose()


async def _held_then_gone(redis: Redis, redis_url: str, remove: Callable[[bytes], Any]) -> int:
    """An entry a crashed consumer holds leaves the stream (by `remove`); what the survivor counts."""
    await redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    held, later = submitted(), submitted()
    await publish_raw(redis_url, held)
    reply: Any = await redis.xreadgroup(GROUP, "crashed-pod", {STREAM: ">"}, count=1)
    held_id = reply[0][1][0][0]
    await publish_raw(redis_url, later)
    await remove(held_id)
    return int(await redis.get(f"radar:trimmed-unacknowledged:{GROUP}") or 0)


async def test_an_entry_erasure_deleted_while_pending_raises_no_alarm(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    redis = Redis.from_url(redis_url)
    before = await _held_then_gone(redis, redis_url, lambda entry_id: redis.xdel(STREAM, entry_id))
    async with counting_service(dsn, redis_url, consumer_name="survivor", claim_idle_ms=100):
        await eventually(lambda: _nothing_pending(redis))
    assert int(await redis.get(f"radar:trimmed-unacknowledged:{GROUP}") or 0) == before == 0
    await redis.aclose()


async def test_an_entry_trimmed_while_pending_is_counted(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    redis = Redis.from_url(redis_url)

    async def trim_past(entry_id: bytes) -> None:
        ms, seq = entry_id.decode().split("-")
        await redis.xtrim(STREAM, minid=f"{ms}-{int(seq) + 1}", approximate=False)

    await _held_then_gone(redis, redis_url, trim_past)
    async with counting_service(dsn, redis_url, consumer_name="survivor", claim_idle_ms=100):

        async def counted() -> bool:
            return int(await redis.get(f"radar:trimmed-unacknowledged:{GROUP}") or 0) == 1

        await eventually(counted)
    await redis.aclose()


async def _counted(dsn: str, comment_id: object) -> bool:
    return await deliveries(dsn, comment_id) == 1


async def test_a_slow_entry_does_not_hold_up_the_others_of_its_read(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("counter")
    slow, quick = submitted(), submitted()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(SCHEMA)  # what the service's migration makes, so that the hold is there first
    finally:
        await conn.close()
    await sql(dsn, "INSERT INTO holds VALUES ($1)", slow.payload.comment_id)
    await publish_raw(redis_url, slow)
    await publish_raw(redis_url, quick)  # both wait for the consumer's first read
    async with counting_service(dsn, redis_url, claim_idle_ms=NEVER_MS):
        await eventually(lambda: _counted(dsn, quick.payload.comment_id))
        assert await deliveries(dsn, slow.payload.comment_id) == 0  # still inside its transaction

        await sql(dsn, "DELETE FROM holds WHERE comment_id = $1", slow.payload.comment_id)
        await eventually(lambda: _counted(dsn, slow.payload.comment_id))
    assert await deliveries(dsn, quick.payload.comment_id) == 1
