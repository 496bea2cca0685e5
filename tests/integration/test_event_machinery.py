"""The event machinery against real Valkey and PostgreSQL: duplicates, crashes, poison, outages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from radar_cli.embedded import EmbeddedValkey
from radar_lib.dlq import list_dead_letters, replay
from radar_lib.events import (
    CommentApproved,
    CommentDecisionPayload,
    CommentSubmitted,
    utcnow,
)
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET, moderator, participant, running_service, token_headers
from tests.events_factory import submitted
from tests.integration.helpers import emit, eventually, measure_published, publish_raw

pytestmark = pytest.mark.integration


async def effects_of(dsn: str, comment_id: uuid.UUID) -> tuple[int, int]:
    """(queue items, 'queued' audit rows) moderation holds for a comment."""
    conn = await asyncpg.connect(dsn)
    try:
        items = await conn.fetchval("SELECT count(*) FROM queue_items WHERE comment_id = $1", comment_id)
        audits = await conn.fetchval(
            "SELECT count(*) FROM audit_log WHERE comment_id = $1 AND action = 'queued'", comment_id
        )
        return int(items), int(audits)
    finally:
        await conn.close()


async def nothing_pending(redis: Redis, stream: str, group: str) -> bool:
    info = await redis.xpending(stream, group)
    return int(info["pending"]) == 0


def moderation_settings(dsn: str, redis_url: str, **kw: object) -> ModerationSettings:
    return ModerationSettings(database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET, **kw)


async def test_same_event_delivered_twice_has_one_effect(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("moderation")
    app = create_moderation(moderation_settings(dsn, redis_url))
    event = submitted()
    async with running_service(app):
        await publish_raw(redis_url, event)
        await publish_raw(redis_url, event)
        redis = app.state.runtime.redis

        async def both_acknowledged() -> bool:
            groups = await redis.xinfo_groups(event.stream())
            return groups[0]["entries-read"] == 2 and groups[0]["pending"] == 0

        await eventually(both_acknowledged)
    assert await effects_of(dsn, event.payload.comment_id) == (1, 1)


async def test_entry_of_a_consumer_killed_before_acknowledging_is_reclaimed_with_one_effect(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("moderation")
    settings = moderation_settings(dsn, redis_url, claim_idle_ms=300)
    read_only, committed = submitted(), submitted()
    stream = CommentSubmitted.stream()
    redis = Redis.from_url(redis_url)
    await redis.xgroup_create(stream, "moderation", id="0", mkstream=True)
    await publish_raw(redis_url, read_only)
    await publish_raw(redis_url, committed)
    # the doomed consumer reads both entries and dies before acknowledging either
    read: Any = await redis.xreadgroup("moderation", "doomed-1", {stream: ">"}, count=2)
    assert len(read[0][1]) == 2
    # ... but it had already committed the effect of the second one
    first = create_moderation(settings)
    async with running_service(first):
        consumer = first.state.runtime.consumer
        route = consumer.routes[stream]
        await consumer._apply(committed, route.handler)
        # the survivor, a consumer of its own name in the same group, takes both over
        await eventually(lambda: nothing_pending(redis, stream, "moderation"))
    assert await effects_of(dsn, read_only.payload.comment_id) == (1, 1)
    assert await effects_of(dsn, committed.payload.comment_id) == (1, 1)
    await redis.aclose()


async def test_poison_entry_is_dead_lettered_after_n_deliveries_and_can_be_replayed(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    settings = ParticipationSettings(
        database_url=new_database("participation"),
        redis_url=redis_url,
        internal_token_secret=TOKEN_SECRET,
        max_deliveries=3,
        claim_idle_ms=200,
    )
    app = create_participation(settings)
    author = participant()
    async with running_service(app) as client:
        slug = f"poison-{uuid.uuid4().hex[:6]}"
        await emit(app, measure_published(slug=slug))
        await eventually(lambda: _measure_known(client, slug))
        # a decision for a comment participation does not know fails on every delivery
        comment_id = uuid.uuid4()
        approval = CommentApproved.create(
            producer="moderation",
            payload=CommentDecisionPayload(
                comment_id=comment_id, measure_id=uuid.uuid4(), decided_at=utcnow()
            ),
        )
        await publish_raw(redis_url, approval)
        redis = app.state.runtime.redis
        [letter] = await eventually(lambda: list_dead_letters(redis), timeout=20)
        assert letter.stream == "radar.comment.approved"
        assert letter.group == "participation"
        assert letter.deliveries > settings.max_deliveries
        assert "LookupError" in letter.error
        assert await nothing_pending(redis, approval.stream(), "participation")

        # the cause is repaired: the comment arrives; a replay now applies the decision once
        r = await client.post(
            f"/measures/{slug}/comments", json={"body": "Hallo"}, headers=token_headers(author)
        )
        real_id = uuid.UUID(r.json()["id"])
        async with app.state.runtime.pool.acquire() as conn:
            await conn.execute(
                "UPDATE comments SET comment_id = $1 WHERE comment_id = $2", comment_id, real_id
            )
        assert await replay(redis) == 1
        assert await list_dead_letters(redis) == []

        async def published() -> bool:
            t = await client.get(f"/measures/{slug}/comments", headers=token_headers(author))
            return t.json()["total"] == 1

        await eventually(published)


async def _measure_known(client: object, slug: str) -> bool:
    r = await client.get(f"/measures/{slug}/comments", headers=token_headers(participant()))  # type: ignore[attr-defined]
    return bool(r.status_code == 200)


async def test_comments_posted_while_redis_is_down_reach_moderation_exactly_once(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    valkey = EmbeddedValkey(tmp_path)
    valkey.start()
    try:
        redis_url = valkey.url
        part_app = create_participation(
            ParticipationSettings(
                database_url=new_database("participation"),
                redis_url=redis_url,
                internal_token_secret=TOKEN_SECRET,
            )
        )
        mod_dsn = new_database("moderation")
        mod_app = create_moderation(moderation_settings(mod_dsn, redis_url))
        async with running_service(part_app) as part, running_service(mod_app) as moder:
            slug = f"outage-{uuid.uuid4().hex[:6]}"
            await emit(part_app, measure_published(slug=slug))
            await eventually(lambda: _measure_known(part, slug))

            valkey.stop()
            ids = []
            for n in range(20):
                r = await part.post(
                    f"/measures/{slug}/comments",
                    json={"body": f"Kommentar {n}"},
                    headers=token_headers(participant()),
                )
                assert r.status_code == 202, r.text
                ids.append(uuid.UUID(r.json()["id"]))
            valkey.start()

            async def all_queued() -> bool:
                q = await moder.get("/moderation/queue?per_page=100", headers=token_headers(moderator()))
                return bool(q.json()["total"] == 20)

            await eventually(all_queued, timeout=60)
        for comment_id in ids:
            assert await effects_of(mod_dsn, comment_id) == (1, 1)
    finally:
        valkey.stop()
