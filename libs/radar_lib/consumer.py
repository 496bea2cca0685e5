"""At-least-once consumption with one effect per event, that recovers from every fault by itself.

Guarantees:
- An entry's effect and its row in processed_events commit in one transaction, and the entry
  is acknowledged only after that commit: a redelivery is skipped, a crash before the
  commit redelivers it.
- Nothing stops for good. Each stream a service reads is one supervised task in the
  service's group. At start it re-reads its own pending entries (a restarted replica
  retries what it held at once), then reads new ones and, every so often, takes over
  entries that another consumer left idle longer than the claim bound (XAUTOCLAIM). A lost
  group (Redis back without its data, XGROUP DESTROY) is created again from the stream's
  start and logged; processed_events skips what was applied already.
- Only real errors count toward dead-lettering. A server that is away is waited for with
  back-off, in place, however long it takes; a handler that says "not yet" is retried
  later. An entry whose counted attempts exceed `max_deliveries`, or that cannot be
  parsed, moves to the dead-letter stream with its error.
- Consumer names are stable per replica; consumers of the group that are idle with nothing
  pending are removed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import asyncpg
from faststream.redis.parser.binary import BinaryMessageFormatV1
from opentelemetry import trace
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from radar_lib.dlq import DATA_KEY, dead_letter
from radar_lib.events import Event
from radar_lib.failures import Backoff, NotYet, is_transient
from radar_lib.metrics import Outcome, observe_handler
from radar_lib.supervisor import Supervisor
from radar_lib.telemetry import continued_trace

log = logging.getLogger(__name__)
tracer = trace.get_tracer("radar.consumer")

Handler = Callable[[asyncpg.Connection, Any], Awaitable[None]]
T = TypeVar("T")
Entry = tuple[bytes, dict[bytes, bytes] | None]


def stream_id(entry_id: bytes | str) -> tuple[int, int]:
    """A stream entry id ("ms-seq") as numbers, in the order Redis keeps entries."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


@dataclass(frozen=True)
class Route:
    event_type: type[Event]
    handler: Handler


def attempts_key(group: str, stream: str) -> str:
    """The hash that counts each pending entry's counted attempts and keeps its last error."""
    return f"radar:attempts:{group}:{stream}"


class EventConsumer:
    """Reads a service's streams in its own consumer group and applies each event once."""

    def __init__(
        self,
        *,
        redis: Redis,
        pool: asyncpg.Pool,
        group: str,
        consumer_name: str,
        max_deliveries: int = 5,
        claim_idle_ms: int = 30_000,
        not_yet_limit_seconds: float = 86_400.0,
        consumer_idle_remove_ms: int = 3_600_000,
        batch_size: int = 50,
        concurrency: int = 4,
    ) -> None:
        self._redis = redis
        self._pool = pool
        self.group = group
        self.consumer_name = consumer_name
        self.max_deliveries = max_deliveries
        self.claim_idle_ms = claim_idle_ms
        self.not_yet_limit_seconds = not_yet_limit_seconds
        self.consumer_idle_remove_ms = consumer_idle_remove_ms
        self.batch_size = batch_size
        self.concurrency = max(1, concurrency)  # entries of one read applied at once (own transactions)
        self.routes: dict[str, Route] = {}
        self._later: dict[str, dict[bytes, tuple[float, Backoff]]] = {}

    def on(self, event_type: type[Event], handler: Handler) -> None:
        """Call `handler(conn, event)` once for every event of this type."""
        self.routes[event_type.stream()] = Route(event_type, handler)

    def start(self, supervisor: Supervisor) -> None:
        """One supervised task per stream."""
        for stream in self.routes:
            supervisor.start(f"consume:{stream}", lambda stream=stream: self.consume(stream))

    async def ensure_groups(self) -> None:
        """Create the group on every stream from its beginning, before anything is read."""
        for stream in self.routes:
            await self._ensure_group(stream)

    async def _ensure_group(self, stream: str) -> None:
        try:
            await self._redis.xgroup_create(stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    # --- the loop of one stream -----------------------------------------------------------

    async def consume(self, stream: str) -> None:
        """Own pending entries first, then new ones, reclaiming idle ones; until cancelled."""
        loop = asyncio.get_running_loop()
        backoff = Backoff(first=0.1, cap=5.0)
        block_ms = max(10, min(1000, self.claim_idle_ms // 2))
        recovered = False
        next_claim = next_cleanup = 0.0
        cursor = b"0-0"
        while True:
            try:
                if not recovered:
                    await self._ensure_group(stream)
                    await self._read_own_pending(stream)
                    recovered = True
                if loop.time() >= next_claim:
                    cursor = await self._reclaim(stream, cursor)
                    next_claim = loop.time() + block_ms / 1000
                if loop.time() >= next_cleanup:
                    await self._remove_idle_consumers(stream)
                    next_cleanup = loop.time() + 60.0
                await self._retry_due(stream)
                replies = cast(
                    Any,
                    await self._redis.xreadgroup(
                        self.group, self.consumer_name, {stream: ">"}, count=self.batch_size, block=block_ms
                    ),
                )
                for _, entries in replies or []:
                    await self.deliver_all(stream, entries)
                backoff.reset()
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                log.error("group %s on %s is gone; creating it again from the start", self.group, stream)
                recovered = False
                cursor = b"0-0"
            except Exception as exc:
                if not is_transient(exc):
                    raise
                log.warning("%s on %s: %s; retrying", self.group, stream, exc)
                await backoff.sleep()

    async def _read_own_pending(self, stream: str) -> None:
        last: bytes | str = "0"
        while True:
            replies = cast(
                Any,
                await self._redis.xreadgroup(
                    self.group, self.consumer_name, {stream: last}, count=self.batch_size
                ),
            )
            entries: list[Entry] = replies[0][1] if replies else []
            if not entries:
                return
            for entry_id, fields in entries:
                await self.deliver(stream, entry_id, fields)
            last = entries[-1][0]

    async def _reclaim(self, stream: str, cursor: bytes) -> bytes:
        reply = cast(
            Any,
            await self._redis.xautoclaim(
                stream,
                self.group,
                self.consumer_name,
                min_idle_time=self.claim_idle_ms,
                start_id=cursor,
                count=self.batch_size,
            ),
        )
        next_cursor, entries = reply[0], reply[1]
        for entry_id in reply[2] if len(reply) > 2 else []:
            await self._gone_while_pending(stream, entry_id)
        for entry_id, fields in entries:
            await self.deliver(stream, entry_id, fields)
        return cast(bytes, next_cursor)

    async def _gone_while_pending(self, stream: str, entry_id: bytes) -> None:
        """An entry left the stream before this group acknowledged it (XAUTOCLAIM dropped it).

        XDEL (erasure deletes the entries that carried a participant's text) moves the stream's
        max-deleted-entry-id forward; trimming does not. So a gone entry at or below that id was
        most likely deleted on purpose: expected, and quiet. Any other was trimmed, which
        retention never does to a pending entry: loud, and counted.
        """
        info = cast(Any, await self._redis.xinfo_stream(stream))
        deleted_up_to = info.get("max-deleted-entry-id") or b"0-0"
        if stream_id(entry_id) <= stream_id(deleted_up_to):
            log.info("%s: %s of %s was deleted before it was acknowledged", self.group, entry_id, stream)
            return
        log.error("%s: %s of %s was trimmed unacknowledged", self.group, entry_id, stream)
        await self._redis.incr(f"radar:trimmed-unacknowledged:{self.group}")

    async def _remove_idle_consumers(self, stream: str) -> None:
        for info in cast(Any, await self._redis.xinfo_consumers(stream, self.group)):
            name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
            idle = info["idle"] > self.consumer_idle_remove_ms
            if name != self.consumer_name and info["pending"] == 0 and idle:
                await self._redis.xgroup_delconsumer(stream, self.group, name)
                log.info("%s: removed idle consumer %s from %s", self.group, name, stream)

    async def _retry_due(self, stream: str) -> None:
        later = self._later.get(stream)
        if not later:
            return
        now = time.monotonic()
        for entry_id in [e for e, (due, _) in later.items() if due <= now]:
            found = cast(Any, await self._redis.xrange(stream, min=entry_id, max=entry_id))
            if not found:
                later.pop(entry_id, None)
                await self._acknowledge(stream, entry_id)
                continue
            await self._redis.xclaim(stream, self.group, self.consumer_name, 0, [entry_id], justid=True)
            await self.deliver(stream, entry_id, found[0][1])

    # --- one entry ------------------------------------------------------------------------

    async def deliver_all(self, stream: str, entries: list[tuple[bytes, dict[bytes, bytes] | None]]) -> None:
        """Apply the entries of one read, up to `concurrency` at once, each in its own transaction.

        Handlers already take events in any order (a measure's version, "not yet" for a decision
        that overtook its comment), so entries of one stream may overlap like those of two streams.
        Every started delivery runs to its end; then the first failure, if any, is raised.
        """
        if self.concurrency == 1 or len(entries) == 1:
            for entry_id, fields in entries:
                await self.deliver(stream, entry_id, fields)
            return
        gate = asyncio.Semaphore(self.concurrency)

        async def one(entry_id: bytes, fields: dict[bytes, bytes] | None) -> Outcome:
            async with gate:
                return await self.deliver(stream, entry_id, fields)

        results = await asyncio.gather(*(one(e, f) for e, f in entries), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise failed[0]

    async def deliver(self, stream: str, entry_id: bytes, fields: dict[bytes, bytes] | None) -> Outcome:
        """Apply one entry at most once; acknowledge it after its effect committed. The outcome."""
        began = time.perf_counter()
        outcome = await self._deliver(stream, entry_id, fields)
        observe_handler(
            service=self.group, stream=stream, outcome=outcome, seconds=time.perf_counter() - began
        )
        return outcome

    async def _deliver(self, stream: str, entry_id: bytes, fields: dict[bytes, bytes] | None) -> Outcome:
        route = self.routes[stream]
        if not fields:  # deleted from the stream while pending: nothing left to apply
            await self._acknowledge(stream, entry_id)
            return "ok"
        try:
            body, headers = BinaryMessageFormatV1.parse(fields.get(DATA_KEY, b""))
            event = route.event_type.model_validate_json(body)
        except Exception as exc:
            await self._dead_letter(stream, entry_id, fields, error=f"unparseable event: {exc}", attempts=1)
            return "dead_lettered"
        key = attempts_key(self.group, stream)
        attempts = await self._steady(lambda: self._redis.hincrby(key, entry_id, 1))
        if attempts > self.max_deliveries:
            error = await self._steady(lambda: self._redis.hget(key, entry_id + b":error"))
            await self._dead_letter(stream, entry_id, fields, error=error, attempts=attempts)
            return "dead_lettered"
        with (
            continued_trace(headers),
            tracer.start_as_current_span(
                f"{stream} process",
                kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.system": "redis", "messaging.destination.name": stream},
            ),
        ):
            outcome = await self._apply_patiently(stream, entry_id, event, route.handler)
        if outcome in ("ok", "duplicate"):
            self._later.get(stream, {}).pop(entry_id, None)
            await self._acknowledge(stream, entry_id)
        return outcome

    async def _apply_patiently(self, stream: str, entry_id: bytes, event: Event, handler: Handler) -> Outcome:
        """Apply, waiting out servers that are away; 'ok', 'duplicate', 'not_yet' or 'failed'."""
        key = attempts_key(self.group, stream)
        backoff = Backoff(first=0.1, cap=10.0)
        excused = False
        while True:
            try:
                return await self._apply(event, handler)
            except NotYet as exc:
                if self._too_old_to_wait(entry_id):
                    return await self._record_failure(stream, entry_id, f"still not applicable: {exc}")
                await self._steady(lambda: self._redis.hincrby(key, entry_id, -1))
                self._schedule_retry(stream, entry_id)
                return "not_yet"
            except Exception as exc:
                if not is_transient(exc):
                    if excused:
                        await self._steady(lambda: self._redis.hincrby(key, entry_id, 1))
                    return await self._record_failure(stream, entry_id, f"{type(exc).__name__}: {exc}")
                if not excused:  # a crash while we wait must not count this attempt either
                    excused = await self._try(self._redis.hincrby(key, entry_id, -1))
                log.warning("%s waits for its servers on %s %s: %s", self.group, stream, entry_id, exc)
                await self._try(  # keep the entry ours, so no claimer takes it while we wait
                    self._redis.xclaim(stream, self.group, self.consumer_name, 0, [entry_id], justid=True)
                )
                await backoff.sleep()

    async def _apply(self, event: Event, handler: Handler) -> Outcome:
        async with self._pool.acquire() as conn, conn.transaction():
            first = await conn.fetchval(
                "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING RETURNING true",
                self.group,
                event.event_id,
            )
            if not first:
                log.info("%s skipped duplicate event %s", self.group, event.event_id)
                return "duplicate"
            await handler(conn, event)
        return "ok"

    async def _record_failure(self, stream: str, entry_id: bytes, error: str) -> Outcome:
        log.error("%s failed on %s %s: %s", self.group, stream, entry_id.decode(), error)
        key = attempts_key(self.group, stream)
        await self._steady(lambda: self._redis.hset(key, entry_id + b":error", error))
        return "failed"  # stays pending; the claimer retries it after the idle bound

    def _too_old_to_wait(self, entry_id: bytes) -> bool:
        written_ms = int(entry_id.split(b"-")[0])
        return time.time() - written_ms / 1000 > self.not_yet_limit_seconds

    def _schedule_retry(self, stream: str, entry_id: bytes) -> None:
        later = self._later.setdefault(stream, {})
        _, backoff = later.get(entry_id, (0.0, Backoff(first=0.05, cap=max(0.05, self.claim_idle_ms / 2000))))
        later[entry_id] = (time.monotonic() + backoff.next(), backoff)

    async def _acknowledge(self, stream: str, entry_id: bytes) -> None:
        key = attempts_key(self.group, stream)

        async def ack() -> None:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.xack(stream, self.group, entry_id)
                pipe.hdel(key, entry_id, entry_id + b":error")
                await pipe.execute()

        await self._steady(ack)

    async def _dead_letter(
        self,
        stream: str,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        *,
        error: bytes | str | None,
        attempts: int,
    ) -> None:
        async def move() -> None:
            await dead_letter(
                self._redis,
                stream=stream,
                group=self.group,
                entry_id=entry_id,
                fields=fields,
                error=error,
                deliveries=attempts,
            )
            await self._redis.hdel(attempts_key(self.group, stream), entry_id, entry_id + b":error")

        await self._steady(move)
        self._later.get(stream, {}).pop(entry_id, None)
        log.error("%s moved %s %s to the dead-letter stream", self.group, stream, entry_id.decode())

    async def _steady(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run a Redis operation, retrying while Redis is away."""
        backoff = Backoff(first=0.1, cap=5.0)
        while True:
            try:
                return await operation()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                log.warning("%s: Redis away (%s); retrying", self.group, exc)
                await backoff.sleep()

    @staticmethod
    async def _try(operation: Awaitable[Any]) -> bool:
        try:
            await operation
        except Exception as exc:
            if not is_transient(exc):
                raise
            return False
        return True
