"""Moderation running in-process on real servers, fed events as participation and the catalog send them.

Comments, reports, withdrawals and erasures are published onto their streams as their
producers publish them (publish_raw), so these tests need no participation service; the
helpers return once moderation's consumer has applied the event.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

from radar_lib.events import (
    CommentReported,
    CommentReportedPayload,
    CommentSubmitted,
    CommentSubmittedPayload,
    ErasureRequestedPayload,
    Event,
    ParticipantErasureRequested,
    utcnow,
)
from radar_lib.token import Principal
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app
from tests.conftest import TOKEN_SECRET, moderator, running_service, token_headers
from tests.integration.helpers import eventually, publish_raw


def admin() -> Principal:
    return Principal(kind="staff", id=uuid.uuid4(), roles=frozenset({"admin"}))


@dataclass
class Moderation:
    app: FastAPI
    client: httpx.AsyncClient
    dsn: str
    redis_url: str

    @property
    def pool(self) -> asyncpg.Pool:
        return self.app.state.runtime.pool

    async def applied(self, event: Event) -> None:
        """Publish an event onto its stream; return once moderation has applied it."""
        await publish_raw(self.redis_url, event)

        async def done() -> bool:
            return bool(
                await self.pool.fetchval(
                    "SELECT true FROM processed_events WHERE event_id = $1", event.event_id
                )
            )

        await eventually(done)

    async def submit(
        self,
        body: str,
        *,
        participant_id: uuid.UUID | None = None,
        measure_id: uuid.UUID | None = None,
        submitted_at: datetime | None = None,
    ) -> uuid.UUID:
        """A comment as participation submits it, once moderation has queued (and checked) it."""
        payload = CommentSubmittedPayload(
            comment_id=uuid.uuid4(),
            measure_id=measure_id or uuid.uuid4(),
            participant_id=participant_id or uuid.uuid4(),
            body=body,
            submitted_at=submitted_at or utcnow(),
        )
        await self.applied(CommentSubmitted.create(producer="participation", payload=payload))
        return payload.comment_id

    async def report(
        self, comment_id: uuid.UUID, *, reason: str, reporter_id: uuid.UUID | None = None
    ) -> None:
        payload = CommentReportedPayload(
            report_id=uuid.uuid4(),
            comment_id=comment_id,
            measure_id=uuid.uuid4(),
            reporter_id=reporter_id or uuid.uuid4(),
            reason=reason,
            body="",
            reported_at=utcnow(),
        )
        await self.applied(CommentReported.create(producer="participation", payload=payload))

    async def erase(self, participant_id: uuid.UUID) -> None:
        payload = ErasureRequestedPayload(participant_id=participant_id, requested_at=utcnow())
        await self.applied(ParticipantErasureRequested.create(producer="gateway", payload=payload))

    async def decide(
        self, comment_id: uuid.UUID, decision: str, *, who: Principal | None = None, **fields: Any
    ) -> httpx.Response:
        return await self.client.post(
            f"/moderation/comments/{comment_id}/decision",
            json={"decision": decision, **fields},
            headers=token_headers(who or moderator()),
        )

    async def queue(self, who: Principal | None = None, **params: Any) -> dict[str, Any]:
        r = await self.client.get(
            "/moderation/queue", params=params, headers=token_headers(who or moderator())
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def state(self, comment_id: uuid.UUID) -> str | None:
        return await self.pool.fetchval("SELECT state FROM queue_items WHERE comment_id = $1", comment_id)

    async def outbox(self, stream: str) -> list[dict[str, Any]]:
        """The payloads of the events waiting in or sent from the outbox on this stream, oldest first."""
        rows = await self.pool.fetch("SELECT body FROM outbox WHERE stream = $1 ORDER BY seq", stream)
        return [json.loads(r["body"])["payload"] for r in rows]


@asynccontextmanager
async def running_moderation(
    new_database: Callable[[str], str], redis_url: str, **settings: Any
) -> AsyncIterator[Moderation]:
    """The moderation service with a fresh database and these settings changed."""
    dsn = new_database("moderation")
    app = create_app(
        ModerationSettings(
            database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET, **settings
        )
    )
    async with running_service(app) as client:
        yield Moderation(app, client, dsn, redis_url)
