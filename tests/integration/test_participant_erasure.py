"""Erasure in participation on real servers: afterwards no table, outbox row or stream entry holds
the participant's texts, display names, ratings or reports; the threads keep their shape."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg
import pytest
from redis.asyncio import Redis

from radar_lib.dlq import DATA_KEY
from radar_lib.events import (
    CommentPublished,
    CommentReported,
    CommentSubmitted,
    dlq_stream_for,
)
from radar_lib.token import Principal
from tests.conftest import participant, token_headers
from tests.integration.helpers import eventually
from tests.integration.participation_service import Participation, running_participation, stream_entries

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]
TEXT_STREAMS = [e.stream() for e in (CommentSubmitted, CommentPublished, CommentReported)]


async def every_row(pool: asyncpg.Pool) -> dict[str, list[str]]:
    """Every row of every table of the service's database, as text, by table."""
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    )
    return {
        t["table_name"]: [r[0] for r in await pool.fetch(f'SELECT t::text FROM "{t["table_name"]}" t')]
        for t in tables
    }


async def every_entry(redis: Redis) -> list[bytes]:
    """Every field of every entry of the streams that carry comment texts, and of their dead letters."""
    values: list[bytes] = []
    for stream in TEXT_STREAMS + [dlq_stream_for(s) for s in TEXT_STREAMS]:
        for _, fields in await stream_entries(redis, stream):
            values += [*fields.keys(), *fields.values()]
    return values


async def erasure_done(p: Participation) -> bool:
    open_requests = await p.count("erasure_requests", "erased_at IS NULL")
    return open_requests == 0 and await p.count("stream_erasures") == 0


async def test_erasure_leaves_no_text_of_the_participant_in_tables_outbox_or_streams(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with running_participation(new_database, redis_url, erasure_poll_seconds=0.05) as p:
        slug, gone, stays = await p.measure(), participant(), participant()
        secret = f"geheim-{uuid.uuid4().hex[:10]}"  # in everything the erased participant wrote, only there
        headers = token_headers(gone)
        alone = await p.published(gone, slug, f"Erster {secret}", display_name=f"Anna {secret}")
        answered = await p.published(gone, slug, f"Beantwortet {secret}")
        kept_reply = await p.published(stays, slug, "Eine Antwort, die bleibt", parent_id=answered)
        others = await p.published(stays, slug, "Ein Beitrag, der bleibt")
        pending = await p.comment(gone, slug, f"Wartet {secret}", parent_id=others, display_name=secret)
        rejected = await p.comment(gone, slug, f"Abgelehnt {secret}")
        await p.decide("reject", rejected, reason="INSULT", note=f"Notiz zu {secret}")
        reports = [(others, gone), (alone, stays)]  # each reports the other; a report quotes the comment
        for comment_id, reporter in reports:
            r = await p.client.post(
                f"/comments/{comment_id}/reports", json={"reason": "SPAM"}, headers=token_headers(reporter)
            )
            assert r.status_code == 202, r.text
        await p.client.put(f"/measures/{slug}/rating", json={"stars": 2}, headers=headers)
        redis = p.app.state.runtime.redis
        await eventually(lambda: _all_published(p))
        # retention deleted one outbox row already: its entry must be found all the same
        await p.pool.execute(
            "DELETE FROM outbox WHERE stream = 'radar.comment.submitted' AND body LIKE $1", "%Erster%"
        )
        # and one entry was dead-lettered by a consumer; the dead letter holds the text too
        submitted = await stream_entries(redis, CommentSubmitted.stream())
        [(entry_id, fields)] = [(i, f) for i, f in submitted if b"Wartet" in f[DATA_KEY]]
        await redis.xadd(dlq_stream_for(CommentSubmitted.stream()), {**fields, b"entry_id": entry_id})
        assert any(secret.encode() in value for value in await every_entry(redis))

        anonymous = await p.client.post("/me/erasure", headers=token_headers(Principal(kind="anonymous")))
        assert (anonymous.status_code, anonymous.json()["error"]) == (401, "PARTICIPANT_REQUIRED")
        r = await p.client.post("/me/erasure", headers=headers)
        assert r.status_code == 202, r.text
        await eventually(lambda: erasure_done(p))

        rows = await every_row(p.pool)
        leaks = {table: [row for row in found if secret in row] for table, found in rows.items()}
        assert {table: found for table, found in leaks.items() if found} == {}
        holding_id = {table for table, found in rows.items() if any(str(gone.id) in row for row in found)}
        assert holding_id == set()  # not even the request (a digest) or the announcement (deleted once read)
        assert (
            await p.count(
                "outbox", f"body LIKE '%{gone.id}%' AND stream <> 'radar.participant.erasure_requested'"
            )
            == 0
        )
        assert [v for v in await every_entry(redis) if secret.encode() in v] == []
        assert await p.count("ratings") == 0
        assert await p.count("reports") == 1  # the other participant's report of a now erased comment

        [placeholder, kept] = (await p.thread(slug, gone))["items"]
        assert (placeholder["id"], placeholder["status"], placeholder["body"]) == (answered, "erased", None)
        assert [r["id"] for r in placeholder["replies"]] == [kept_reply]
        assert (kept["id"], kept["replies"]) == (others, [])
        assert (await p.client.get("/me/comments", headers=headers)).json() == {"items": [], "total": 0}
        assert any(b"Ein Beitrag, der bleibt" in v for v in await every_entry(redis))

        # a decision moderation made before it heard of the erasure changes nothing
        await p.decide("approve", pending)
        assert (
            await p.pool.fetchval("SELECT status FROM comments WHERE comment_id = $1", uuid.UUID(pending))
            == "erased"
        )
        assert [v for v in await every_entry(redis) if secret.encode() in v] == []


async def _all_published(p: Participation) -> bool:
    return await p.count("outbox", "published_at IS NULL") == 0
