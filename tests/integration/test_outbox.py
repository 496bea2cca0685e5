"""The transactional outbox and its relay against real PostgreSQL and Valkey."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from faststream.redis import RedisBroker
from faststream.redis.parser.binary import BinaryMessageFormatV1
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from radar_cli.embedded import EmbeddedValkey
from radar_lib.events import CommentSubmitted
from radar_lib.outbox import OutboxRelay, add_event, pending_count
from radar_lib.service import running
from radar_lib.settings import ServiceSettings
from radar_lib.supervisor import Supervisor
from tests.conftest import TOKEN_SECRET
from tests.events_factory import submitted
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration


def settings(dsn: str, redis_url: str, **kw: object) -> ServiceSettings:
    return ServiceSettings(
        service_name="outboxtest",
        database_url=dsn,
        redis_url=redis_url,
        internal_token_secret=TOKEN_SECRET,
        **kw,
    )


async def stream_messages(redis: Redis, stream: str) -> list[tuple[bytes, dict[str, str]]]:
    entries: Any = await redis.xrange(stream)
    return [BinaryMessageFormatV1.parse(fields[b"__data__"]) for _, fields in entries]


async def test_committed_event_reaches_its_stream_with_the_event_id_as_message_id(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    event = submitted()
    async with running(settings(new_database("outbox"), redis_url), migrations=tmp_path) as rt:
        async with rt.pool.acquire() as conn, conn.transaction():
            await add_event(conn, event)
        [(body, headers)] = await eventually(lambda: stream_messages(rt.redis, event.stream()))
        assert headers["message_id"] == str(event.event_id)
        assert CommentSubmitted.model_validate_json(body) == event
        async with rt.pool.acquire() as conn:
            assert await eventually(lambda: _none_pending(conn))


async def _none_pending(conn: object) -> bool:
    return await pending_count(conn) == 0


async def test_rolled_back_transaction_leaves_no_event(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    kept, dropped = submitted(), submitted()
    async with running(settings(new_database("outbox"), redis_url), migrations=tmp_path) as rt:
        with pytest.raises(RuntimeError):
            async with rt.pool.acquire() as conn, conn.transaction():
                await add_event(conn, dropped)
                raise RuntimeError("the state change failed")
        async with rt.pool.acquire() as conn, conn.transaction():
            await add_event(conn, kept)
        messages = await eventually(lambda: stream_messages(rt.redis, kept.stream()))
        assert [h["message_id"] for _, h in messages] == [str(kept.event_id)]


async def test_relay_is_woken_by_notify_without_waiting_for_its_poll(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    event = submitted()
    slow_poll = settings(new_database("outbox"), redis_url, outbox_poll_seconds=120)
    async with running(slow_poll, migrations=tmp_path) as rt:
        await asyncio.sleep(0.3)  # let the relay finish its first round and wait on LISTEN
        async with rt.pool.acquire() as conn, conn.transaction():
            await add_event(conn, event)
        # far below the 120 s poll: only the notification can have woken it
        await eventually(lambda: stream_messages(rt.redis, event.stream()), timeout=20)


async def test_several_relays_of_one_service_publish_each_row_once(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    events = [submitted() for _ in range(300)]
    async with running(settings(new_database("outbox"), redis_url), migrations=tmp_path) as rt:
        extra = [
            OutboxRelay(
                pool=rt.pool, broker=rt.broker, redis=rt.redis, dsn=rt.settings.database_url, batch_size=7
            )
            for _ in range(3)
        ]
        supervisor = Supervisor()
        for n, relay in enumerate(extra):
            supervisor.start(f"extra-relay-{n}", relay.run)
        try:
            for chunk in range(0, 300, 20):
                async with rt.pool.acquire() as conn, conn.transaction():
                    for event in events[chunk : chunk + 20]:
                        await add_event(conn, event)

            async def all_published() -> bool:
                return int(await rt.redis.xlen(CommentSubmitted.stream())) >= 300

            await eventually(all_published)
            await asyncio.sleep(0.5)  # a second publication of any row would arrive meanwhile
            ids = [h["message_id"] for _, h in await stream_messages(rt.redis, CommentSubmitted.stream())]
            assert sorted(ids) == sorted(str(e.event_id) for e in events)
            assert sum(r.published for r in extra) > 0, "the extra relays took part"
        finally:
            await supervisor.stop()


async def test_trace_context_of_the_writer_travels_with_the_event(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    from opentelemetry import trace

    event = submitted()
    async with running(settings(new_database("outbox"), redis_url), migrations=tmp_path) as rt:
        tracer = trace.get_tracer("test")
        with tracer.start_as_current_span("request") as span:
            trace_id = format(span.get_span_context().trace_id, "032x")
            async with rt.pool.acquire() as conn, conn.transaction():
                await add_event(conn, event)
        [(_, headers)] = await eventually(lambda: stream_messages(rt.redis, event.stream()))
        assert headers["traceparent"].split("-")[1] == trace_id
        stored = await rt.pool.fetchval(
            "SELECT trace_context FROM outbox WHERE event_id = $1", event.event_id
        )
        assert json.loads(stored)["traceparent"].split("-")[1] == trace_id


class BrokerFailingAt(RedisBroker):
    """A broker whose publish of the k-th row fails once, as when Redis goes away mid-batch."""

    def __init__(self, url: str, *, failing_call: int) -> None:
        super().__init__(url)
        self.calls = 0
        self.failing_call = failing_call

    async def publish(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.failing_call:
            raise RedisConnectionError("Redis went away")
        return await super().publish(*args, **kwargs)


async def test_broker_failure_at_row_k_leaves_rows_k_on_pending_and_sends_them_later_once(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    dsn = new_database("outbox")
    events = [submitted() for _ in range(10)]
    async with running(settings(dsn, redis_url, outbox_poll_seconds=3600), migrations=tmp_path) as rt:
        await rt.supervisor.stop()  # this test drives a relay of its own, step by step
        async with rt.pool.acquire() as conn, conn.transaction():
            for event in events:
                await add_event(conn, event)
        broker = BrokerFailingAt(redis_url, failing_call=4)
        await broker.connect()
        relay = OutboxRelay(pool=rt.pool, broker=broker, redis=rt.redis, dsn=dsn)
        try:
            with pytest.raises(RedisConnectionError):
                await relay.publish_pending()
            marked = await rt.pool.fetch("SELECT event_id FROM outbox WHERE published_at IS NOT NULL")
            assert {r["event_id"] for r in marked} == {e.event_id for e in events[:3]}
            assert [
                h["message_id"] for _, h in await stream_messages(rt.redis, CommentSubmitted.stream())
            ] == [str(e.event_id) for e in events[:3]]
            assert await relay.publish_pending() == 7
        finally:
            await broker.stop()
        ids = [h["message_id"] for _, h in await stream_messages(rt.redis, CommentSubmitted.stream())]
        assert ids == [str(e.event_id) for e in events], "lost, duplicated or out of order"
        async with rt.pool.acquire() as conn:
            assert await pending_count(conn) == 0


async def disk_mode_after_one_event(dsn: str, redis_url: str, migrations: Path) -> str:
    """Publish one event through a service's relay; how the relay confirmed it on disk."""
    async with running(settings(dsn, redis_url), migrations=migrations) as rt:
        async with rt.pool.acquire() as conn, conn.transaction():
            await add_event(conn, submitted())
        await eventually(lambda: stream_messages(rt.redis, CommentSubmitted.stream()))

        async def marked() -> bool:
            async with rt.pool.acquire() as conn:
                return await pending_count(conn) == 0

        # the entry is in the stream before WAITAOF answers; the row is marked only after it did
        await eventually(marked)
        return rt.relay.disk.mode


async def test_rows_are_marked_after_valkey_confirmed_them_on_disk(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    durable = EmbeddedValkey(tmp_path / "aof")  # an append-only file, as `radar up` runs it
    volatile = EmbeddedValkey(tmp_path / "memory", durable=False)
    durable.start()
    volatile.start()
    try:
        assert await disk_mode_after_one_event(new_database("outbox"), durable.url, tmp_path) == "waitaof"
        assert await disk_mode_after_one_event(new_database("outbox"), volatile.url, tmp_path) == "aof-off"
    finally:
        durable.stop()
        volatile.stop()
