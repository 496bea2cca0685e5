"""The transactional outbox and its relay.

A state change and its outbox row commit in one transaction. The relay publishes pending
rows through the FastStream broker, with the event id as message id and the trace context
of the request that wrote the row. Several relays of one service share the table through
SELECT ... FOR UPDATE SKIP LOCKED, so a row is published by one of them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import asyncpg
from faststream.redis import RedisBroker

from radar_lib.events import Event
from radar_lib.tasks import cancel_and_wait
from radar_lib.telemetry import capture_trace_context, continued_trace

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "radar_outbox"


async def add_event(conn: asyncpg.Connection, event: Event) -> None:
    """Record an event in the outbox, inside the caller's transaction."""
    await conn.execute(
        "INSERT INTO outbox (event_id, stream, body, trace_context) VALUES ($1, $2, $3, $4::jsonb)",
        event.event_id,
        event.stream(),
        event.model_dump_json(),
        json.dumps(capture_trace_context()),
    )


async def pending_count(conn: asyncpg.Connection) -> int:
    """How many events wait to be published."""
    return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))


class OutboxRelay:
    """Publishes outbox rows; woken by LISTEN/NOTIFY, polls as a fallback."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        broker: RedisBroker,
        stream_maxlen: int,
        poll_seconds: float = 1.0,
        batch_size: int = 200,
    ) -> None:
        self._pool = pool
        self._broker = broker
        self._maxlen = stream_maxlen
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def _run(self) -> None:
        listener: asyncpg.Connection | None = None
        backoff = self._poll_seconds
        while True:
            try:
                if listener is None or listener.is_closed():
                    listener = await self._pool.acquire()
                    await listener.add_listener(NOTIFY_CHANNEL, self._on_notify)
                self._wake.clear()
                sent = await self.publish_pending()
                backoff = self._poll_seconds
                if sent == self._batch_size:
                    continue
            except asyncio.CancelledError:
                break
            except Exception as exc:  # Redis or PostgreSQL away: rows wait, nothing is lost
                log.warning("outbox relay: %s; retrying in %.1f s", exc, backoff)
                await self._release(listener)
                listener = None
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            try:
                async with asyncio.timeout(self._poll_seconds):
                    await self._wake.wait()
            except TimeoutError:
                pass
            except asyncio.CancelledError:
                break
        await self._release(listener)

    async def _release(self, listener: asyncpg.Connection | None) -> None:
        if listener is not None and not listener.is_closed():
            try:
                await listener.remove_listener(NOTIFY_CHANNEL, self._on_notify)
                await self._pool.release(listener)
            except Exception:  # a broken connection is terminated by the pool
                listener.terminate()

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; return how many were sent."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT seq, event_id, stream, body, trace_context FROM outbox"
                " WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
                self._batch_size,
            )
            sent: list[int] = []
            failure: Exception | None = None
            for row in rows:
                try:
                    await self._publish(row)
                except Exception as exc:
                    failure = exc
                    break
                sent.append(row["seq"])
            # what left before a failure is marked in a committed transaction, so it is not sent again
            if sent:
                await conn.execute(
                    "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])", sent
                )
        self.published += len(sent)
        if failure is not None:
            raise failure
        return len(sent)

    async def _publish(self, row: asyncpg.Record) -> None:
        event_id = str(row["event_id"])
        with continued_trace(json.loads(row["trace_context"])):
            await self._broker.publish(
                row["body"].encode(),
                stream=row["stream"],
                maxlen=self._maxlen,
                correlation_id=event_id,
                headers={"message_id": event_id, "content-type": "application/json"},
            )
