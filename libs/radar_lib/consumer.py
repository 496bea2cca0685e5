"""At-least-once consumption with one effect per event.

Every stream a service reads gets two FastStream subscribers in the service's group: a
reader for new entries and a claimer that takes over entries another consumer left
pending longer than the idle bound (XAUTOCLAIM). An entry's effect and its row in
processed_events commit in one transaction, and the entry is acknowledged after that
commit, so a redelivery is skipped. An entry delivered more than `max_deliveries` times,
or one that cannot be parsed, moves to the dead-letter stream with its error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from faststream import AckPolicy
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisStreamMessage
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from radar_lib.dlq import dead_letter, error_key
from radar_lib.events import Event

log = logging.getLogger(__name__)

Handler = Callable[[asyncpg.Connection, Any], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    event_type: type[Event]
    handler: Handler


class EventConsumer:
    """Registers a service's handlers on its broker, in its own consumer group."""

    def __init__(
        self,
        *,
        broker: RedisBroker,
        redis: Redis,
        pool: asyncpg.Pool,
        group: str,
        consumer_name: str,
        max_deliveries: int = 5,
        claim_idle_ms: int = 30_000,
    ) -> None:
        self._broker = broker
        self._redis = redis
        self._pool = pool
        self.group = group
        self.consumer_name = consumer_name
        self.max_deliveries = max_deliveries
        self.claim_idle_ms = claim_idle_ms
        self.routes: dict[str, Route] = {}

    def on(self, event_type: type[Event], handler: Handler) -> None:
        """Call `handler(conn, event)` once for every event of this type."""
        stream = event_type.stream()
        self.routes[stream] = Route(event_type, handler)

        async def read(msg: RedisStreamMessage) -> None:
            await self.deliver(msg, stream=stream, reclaimed=False)

        async def reclaim(msg: RedisStreamMessage) -> None:
            await self.deliver(msg, stream=stream, reclaimed=True)

        common: dict[str, Any] = {"group": self.group, "consumer": self.consumer_name}
        self._broker.subscriber(stream=StreamSub(stream, **common), ack_policy=AckPolicy.MANUAL)(read)
        self._broker.subscriber(
            stream=StreamSub(stream, min_idle_time=self.claim_idle_ms, polling_interval=1000, **common),
            ack_policy=AckPolicy.MANUAL,
        )(reclaim)

    async def ensure_groups(self) -> None:
        """Create the group on every stream from its beginning, before anything is read."""
        for stream in self.routes:
            try:
                await self._redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def deliver(self, msg: RedisStreamMessage, *, stream: str, reclaimed: bool) -> None:
        """Apply one entry at most once; acknowledge it after its effect committed."""
        entry_id: bytes = msg.raw_message["message_ids"][0]
        route = self.routes[stream]
        if reclaimed:
            deliveries = await self._delivery_count(stream, entry_id)
            if deliveries > self.max_deliveries:
                error = await self._redis.get(error_key(self.group, stream, entry_id))
                await self._dead_letter(msg, stream, entry_id, error, deliveries)
                return
        try:
            event = route.event_type.model_validate_json(msg.body)
        except ValidationError as exc:
            await self._dead_letter(msg, stream, entry_id, f"unparseable event: {exc}".encode(), 1)
            return
        try:
            await self._apply(event, route.handler)
        except Exception as exc:
            log.exception("%s failed on %s %s", self.group, stream, entry_id.decode())
            await self._redis.set(
                error_key(self.group, stream, entry_id), f"{type(exc).__name__}: {exc}", ex=86_400
            )
            return  # stays pending; the claimer retries it after the idle bound
        await self._redis.xack(stream, self.group, entry_id)

    async def _apply(self, event: Event, handler: Handler) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            first = await conn.fetchval(
                "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING RETURNING true",
                self.group,
                event.event_id,
            )
            if first:
                await handler(conn, event)
            else:
                log.info("%s skipped duplicate event %s", self.group, event.event_id)

    async def _delivery_count(self, stream: str, entry_id: bytes) -> int:
        entries = await self._redis.xpending_range(stream, self.group, min=entry_id, max=entry_id, count=1)
        return int(entries[0]["times_delivered"]) if entries else 1

    async def _dead_letter(
        self,
        msg: RedisStreamMessage,
        stream: str,
        entry_id: bytes,
        error: bytes | str | None,
        deliveries: int,
    ) -> None:
        await dead_letter(
            self._redis,
            stream=stream,
            group=self.group,
            entry_id=entry_id,
            fields=msg.raw_message["data"],
            error=error,
            deliveries=deliveries,
        )
        log.error("%s moved %s %s to the dead-letter stream", self.group, stream, entry_id.decode())
