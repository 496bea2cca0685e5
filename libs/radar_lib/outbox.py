"""The transactional outbox and its relay.

Guarantees: a state change and its outbox row commit in one transaction; every committed
row reaches its stream, in order of writing, with the event id as message id and the trace
context of the request that wrote it. A row is marked published only after Redis took the
entry (and, where the server supports WAITAOF and keeps an append-only file, after the entry
is on its disk), so a failure at row k of a batch leaves rows k.. pending; they are sent
later and no row is lost. A row can be sent twice only when the relay dies between XADD and
its mark; consumers skip the copy by its event id.

The relay survives any connection loss (PostgreSQL restart or failover, a terminated
backend, Redis away): it runs under the supervisor, retries with back-off, and its LISTEN
connection is its own, opened again whenever it is lost. Several relays of one service
share the table through SELECT ... FOR UPDATE SKIP LOCKED, so a row is published by one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import asyncpg
from faststream.redis import RedisBroker
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from radar_lib.events import Event
from radar_lib.failures import Backoff, is_transient
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


class NotDurable(Exception):
    """Redis did not confirm the entries on disk in time; the rows stay pending."""


class DiskConfirmation:
    """WAITAOF where the server has it and keeps an append-only file; a logged no-op elsewhere."""

    def __init__(self, redis: Redis, *, timeout_ms: int = 2000) -> None:
        self._redis = redis
        self._timeout_ms = timeout_ms
        self.mode = "unknown"  # "waitaof" | "unsupported" | "aof-off"

    async def wait(self) -> None:
        """Return once Redis has fsynced what it took so far; raise NotDurable if it could not."""
        if self.mode in ("unsupported", "aof-off"):
            return
        try:
            local, _ = await self._redis.execute_command("WAITAOF", 1, 0, self._timeout_ms)
        except ResponseError as exc:
            text = str(exc).lower()
            if "unknown command" in text:
                self._settle("unsupported", "this Redis has no WAITAOF (it came with Redis 7.2)")
                return
            if "appendonly" in text:
                self._settle("aof-off", "this Redis keeps no append-only file")
                return
            raise
        self.mode = "waitaof"
        if int(local) < 1:
            raise NotDurable(f"Redis did not fsync within {self._timeout_ms} ms")

    def _settle(self, mode: str, why: str) -> None:
        self.mode = mode
        log.warning(
            "outbox relay: %s; rows are marked published once Redis answers the XADD, so a crash "
            "of the Redis host can lose the last second of events",
            why,
        )


class OutboxRelay:
    """Publishes outbox rows; woken by LISTEN/NOTIFY, polls as a fallback."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        broker: RedisBroker,
        redis: Redis,
        dsn: str,
        poll_seconds: float = 1.0,
        batch_size: int = 200,
    ) -> None:
        self._pool = pool
        self._broker = broker
        self._dsn = dsn
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self.disk = DiskConfirmation(redis)
        self.published = 0

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Publish until cancelled; a lost server is waited for, a lost listener replaced."""
        listener: asyncpg.Connection | None = None
        backoff = Backoff(first=min(0.1, self._poll_seconds), cap=10.0)
        try:
            while True:
                try:
                    if listener is None or listener.is_closed():
                        listener = await self._listen()
                    self._wake.clear()
                    sent = await self.publish_pending()
                    backoff.reset()
                except Exception as exc:
                    if not is_transient(exc) and not isinstance(exc, NotDurable):
                        raise  # the supervisor logs and restarts the relay
                    log.warning("outbox relay: %s; rows wait, retrying", exc)
                    await _close(listener)
                    listener = None
                    await backoff.sleep()
                    continue
                if sent == self._batch_size:
                    continue
                try:
                    async with asyncio.timeout(self._poll_seconds):
                        await self._wake.wait()
                except TimeoutError:
                    pass
        finally:
            await _close(listener)

    async def _listen(self) -> asyncpg.Connection:
        # its own connection, not the pool's: the pool may reset or hand out a pooled one
        listener = await asyncpg.connect(self._dsn, timeout=10)
        await listener.add_listener(NOTIFY_CHANNEL, self._on_notify)
        listener.add_termination_listener(lambda _: self._wake.set())
        return listener

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; return how many were sent and marked."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT seq, event_id, stream, body, trace_context FROM outbox"
                " WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
                self._batch_size,
            )
            sent: list[tuple[int, str]] = []
            failure: Exception | None = None
            for row in rows:
                try:
                    entry_id = await self._publish(row)
                except Exception as exc:
                    failure = exc
                    break
                sent.append((row["seq"], entry_id))
            if sent:
                await self.disk.wait()  # raises: nothing is marked, the rows are sent again
                await conn.executemany(
                    "UPDATE outbox SET published_at = now(), entry_id = $2 WHERE seq = $1", sent
                )
        self.published += len(sent)
        if failure is not None:
            raise failure
        return len(sent)

    async def _publish(self, row: asyncpg.Record) -> str:
        event_id = str(row["event_id"])
        with continued_trace(json.loads(row["trace_context"])):
            entry_id = await self._broker.publish(
                row["body"].encode(),
                stream=row["stream"],
                correlation_id=event_id,
                headers={"message_id": event_id, "content-type": "application/json"},
            )
        return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)


async def _close(listener: asyncpg.Connection | None) -> None:
    if listener is None:
        return
    try:
        async with asyncio.timeout(2):
            await listener.close()
    except Exception:  # a dead connection cannot close politely
        listener.terminate()
