"""Participation running in-process on real servers, with what its tests do over and over.

Moderation's decisions are published onto the streams as moderation publishes them
(publish_raw), so these tests need no moderation service.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import asyncpg
import httpx
from fastapi import FastAPI
from faststream.redis.parser.binary import BinaryMessageFormatV1
from redis.asyncio import Redis

from radar_lib.db import create_pool, migrate
from radar_lib.dlq import DATA_KEY
from radar_lib.events import (
    CommentApproved,
    CommentDecisionPayload,
    CommentHidden,
    CommentRejected,
    MeasureArchived,
    utcnow,
)
from radar_lib.token import Principal
from radar_participation.config import ParticipationSettings
from radar_participation.main import MIGRATIONS, create_app
from radar_participation.store.measures import upsert_measure
from tests.conftest import TOKEN_SECRET, running_service, token_headers
from tests.integration.helpers import emit, eventually, measure_published, publish_raw

DECISIONS = {"approve": CommentApproved, "reject": CommentRejected, "hide": CommentHidden}


@dataclass
class Participation:
    app: FastAPI
    client: httpx.AsyncClient
    dsn: str
    redis_url: str
    measure_ids: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def pool(self) -> asyncpg.Pool:
        return self.app.state.runtime.pool

    async def measure(self, *, archived: bool = False) -> str:
        """A new measure, once participation knows it (archived if asked)."""
        event = measure_published(slug=f"measure-{uuid.uuid4().hex[:8]}")
        await emit(self.app, event)
        if archived:
            snapshot = event.payload.model_copy(update={"version": 2, "archived": True})
            await emit(self.app, MeasureArchived.create(producer="catalog", payload=snapshot))

        async def known() -> bool:
            found = await self.pool.fetchval(
                "SELECT archived FROM measures WHERE measure_id = $1", event.payload.measure_id
            )
            return found is not None and found == archived

        await eventually(known)
        self.measure_ids[event.payload.slug] = event.payload.measure_id
        return event.payload.slug

    async def post(self, who: Principal, slug: str, body: str, **fields: Any) -> httpx.Response:
        headers = token_headers(who) | fields.pop("headers", {})
        return await self.client.post(
            f"/measures/{slug}/comments", json={"body": body, **fields}, headers=headers
        )

    async def comment(self, who: Principal, slug: str, body: str = "Gute Idee!", **fields: Any) -> str:
        """A new pending comment's id."""
        r = await self.post(who, slug, body, **fields)
        assert r.status_code == 202, r.text
        return str(r.json()["id"])

    async def decide(
        self, decision: str, comment_id: str, *, reason: str | None = None, note: str | None = None
    ) -> None:
        """Moderation's decision, as moderation publishes it; returns once participation applied it."""
        measure_id = await self.pool.fetchval(
            "SELECT measure_id FROM comments WHERE comment_id = $1", uuid.UUID(comment_id)
        )
        payload = CommentDecisionPayload(
            comment_id=uuid.UUID(comment_id),
            measure_id=measure_id,
            decided_at=utcnow(),
            reason_code=reason,
            note=note,
        )
        event = DECISIONS[decision].create(producer="moderation", payload=payload)
        await publish_raw(self.redis_url, event)

        async def applied() -> bool:
            return bool(
                await self.pool.fetchval(
                    "SELECT true FROM processed_events WHERE event_id = $1", event.event_id
                )
            )

        await eventually(applied)

    async def published(self, who: Principal, slug: str, body: str = "Gute Idee!", **fields: Any) -> str:
        """A comment that moderation approved."""
        comment_id = await self.comment(who, slug, body, **fields)
        await self.decide("approve", comment_id)
        return comment_id

    async def thread(self, slug: str, viewer: Principal | None = None) -> dict[str, Any]:
        headers = token_headers(viewer) if viewer else token_headers(Principal(kind="anonymous"))
        r = await self.client.get(f"/measures/{slug}/comments", headers=headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def count(self, table: str, where: str = "true") -> int:
        return int(await self.pool.fetchval(f"SELECT count(*) FROM {table} WHERE {where}"))


Entries = list[tuple[bytes, dict[bytes, bytes]]]  # XRANGE's reply with bytes responses


async def stream_entries(redis: Redis, stream: str) -> Entries:
    """Every entry of a stream, oldest first."""
    return cast(Entries, await redis.xrange(stream))


async def stream_events(redis: Redis, stream: str) -> list[tuple[bytes, dict[str, Any]]]:
    """Every entry of a stream as (entry id, the event it carries)."""
    entries = await stream_entries(redis, stream)
    return [
        (entry_id, json.loads(BinaryMessageFormatV1.parse(fields[DATA_KEY])[0]))
        for entry_id, fields in entries
    ]


@asynccontextmanager
async def participation_database(
    new_database: Callable[[str], str],
) -> AsyncIterator[tuple[asyncpg.Pool, ParticipationSettings]]:
    """Participation's database with one measure, `e-akte`, and no service: no relay, no consumer."""
    dsn = new_database("participation")
    await migrate(dsn, service_migrations=MIGRATIONS)
    pool = await create_pool(dsn)
    try:
        async with pool.acquire() as conn:
            await upsert_measure(
                conn,
                measure_id=uuid.uuid4(),
                version=1,
                slug="e-akte",
                title="E-Akte",
                status="geplant",
                archived=False,
            )
        yield pool, ParticipationSettings(database_url=dsn, internal_token_secret=TOKEN_SECRET)
    finally:
        await pool.close()


@asynccontextmanager
async def running_participation(
    new_database: Callable[[str], str], redis_url: str, **settings: Any
) -> AsyncIterator[Participation]:
    """The participation service with a fresh database and these settings changed."""
    dsn = new_database("participation")
    app = create_app(
        ParticipationSettings(
            database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET, **settings
        )
    )
    async with running_service(app) as client:
        yield Participation(app, client, dsn, redis_url)
