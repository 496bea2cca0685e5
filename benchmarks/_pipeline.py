"""When a comment reached each stage of the pipeline, read from the services' own databases.

Every time is the server's own, written in the transaction that moved the comment on, so the
figures do not depend on how busy the load generator was:
- submitted: participation's `submitted_at`, carried into moderation's queue item;
- queued in moderation: the queue item's `queued_at` (the consumer's transaction began then);
- approved: moderation's `decisions.decided_at`;
- visible: participation's outbox row of the comment.published event, written in the
  transaction that made the comment public in its thread (its `created_at`).
The superuser reads them over the embedded server's socket; nothing here writes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import asyncpg

from radar_cli.databases import DEFAULT_PREFIX, database_name
from radar_cli.embedded import EmbeddedPostgres
from radar_lib.events import CommentPublished


class PipelineClock:
    """Read-only connections to moderation's and participation's databases."""

    def __init__(self, moderation: asyncpg.Connection, participation: asyncpg.Connection) -> None:
        self.moderation = moderation
        self.participation = participation

    @classmethod
    async def connect(cls, postgres: EmbeddedPostgres) -> PipelineClock:
        moderation = await asyncpg.connect(postgres.admin_dsn(database_name(DEFAULT_PREFIX, "moderation")))
        participation = await asyncpg.connect(
            postgres.admin_dsn(database_name(DEFAULT_PREFIX, "participation"))
        )
        return cls(moderation, participation)

    async def close(self) -> None:
        await self.moderation.close()
        await self.participation.close()

    async def queued_count(self, ids: list[str]) -> int:
        found = await self.moderation.fetchval(
            "SELECT count(*) FROM queue_items WHERE comment_id = ANY($1::uuid[])", ids
        )
        return int(found)

    async def published_count(self, ids: list[str]) -> int:
        found = await self.participation.fetchval(
            "SELECT count(*) FROM comments WHERE comment_id = ANY($1::uuid[]) AND status = 'published'", ids
        )
        return int(found)

    async def submitted_and_queued(self, ids: list[str]) -> list[tuple[float, float]]:
        """(submitted, queued) in epoch seconds, for each comment that is queued."""
        rows = await self.moderation.fetch(
            "SELECT extract(epoch FROM submitted_at)::float8 AS a, extract(epoch FROM queued_at)::float8 AS b"
            " FROM queue_items WHERE comment_id = ANY($1::uuid[])",
            ids,
        )
        return [(r["a"], r["b"]) for r in rows]

    async def approved_and_visible(self, ids: list[str]) -> list[tuple[float, float]]:
        """(approved, visible) in epoch seconds, for each comment that is published."""
        decided = await self.moderation.fetch(
            "SELECT comment_id::text AS id, extract(epoch FROM decided_at)::float8 AS at FROM decisions"
            " WHERE comment_id = ANY($1::uuid[])",
            ids,
        )
        published = await self.participation.fetch(
            "SELECT body::jsonb #>> '{payload,comment_id}' AS id,"
            " extract(epoch FROM created_at)::float8 AS at FROM outbox"
            " WHERE stream = $1 AND body::jsonb #>> '{payload,comment_id}' = ANY($2::text[])",
            CommentPublished.stream(),
            ids,
        )
        visible = {r["id"]: r["at"] for r in published}
        return [(r["at"], visible[r["id"]]) for r in decided if r["id"] in visible]


async def wait_for(count: int, reached: Callable[[], Awaitable[int]], *, timeout: float) -> float | None:
    """Seconds until `reached()` counts `count`; None when time ran out first."""
    began = time.monotonic()
    while await reached() < count:
        if time.monotonic() - began > timeout:
            return None
        await asyncio.sleep(0.25)
    return time.monotonic() - began
