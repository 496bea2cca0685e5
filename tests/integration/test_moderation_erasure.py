"""A participant's erasure and a withdrawn comment: no text of theirs stays, the counts do."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import asyncpg
import pytest

from radar_lib.events import (
    CommentWithdrawn,
    CommentWithdrawnPayload,
    ErasureRequestedPayload,
    ParticipantErasureRequested,
    utcnow,
)
from radar_moderation import consumers
from tests.conftest import moderator, token_headers
from tests.events_factory import submitted
from tests.integration.helpers import eventually
from tests.integration.moderation_service import Moderation, running_moderation

pytestmark = pytest.mark.integration


async def every_row(pool: asyncpg.Pool) -> dict[str, list[str]]:
    """Every row of every table of moderation's database, as text."""
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    assert len(tables) >= 9
    return {
        t["table_name"]: [r[0] for r in await pool.fetch(f'SELECT t::text FROM "{t["table_name"]}" t')]
        for t in tables
    }


def holding(rows: dict[str, list[str]], needle: str) -> dict[str, int]:
    return {table: n for table, found in rows.items() if (n := sum(needle in row for row in found))}


async def decisions(mod: Moderation) -> list[tuple[str, str | None]]:
    rows = await mod.pool.fetch("SELECT decision, reason_code FROM decisions ORDER BY decision")
    return [(r["decision"], r["reason_code"]) for r in rows]


async def test_erasure_leaves_no_text_of_the_participant_in_any_table_and_keeps_the_counts(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        erased, other = uuid.uuid4(), uuid.uuid4()
        words = [f"Kennwort{uuid.uuid4().hex[:8]}" for _ in range(4)]
        waiting = await mod.submit(f"{words[0]}: schreibt mir an erika@example.org", participant_id=erased)
        assert (
            await mod.client.post(f"/moderation/comments/{waiting}/claim", headers=token_headers(moderator()))
        ).status_code == 200
        published = await mod.submit(f"{words[1]} finde ich gut", participant_id=erased)
        assert (await mod.decide(published, "approve")).status_code == 200
        await mod.report(published, reason="OFF_TOPIC", reporter_id=other)
        rejected = await mod.submit(f"{words[2]} ist ein Idiot", participant_id=erased)
        r = await mod.decide(rejected, "reject", reason="INSULT", note=f"Zitat: {words[2]}")
        assert r.status_code == 200, r.text
        others = await mod.submit(f"{words[3]} meint etwas anderes", participant_id=other)
        assert (await mod.decide(others, "approve")).status_code == 200
        await mod.report(others, reason="SPAM", reporter_id=erased)
        before = await decisions(mod)
        rows = await every_row(mod.pool)
        assert all(holding(rows, word) for word in words)  # the test can see what it looks for

        await mod.erase(erased)

        rows = await every_row(mod.pool)
        for word in words[:3]:
            assert holding(rows, word) == {}, word
        assert holding(rows, "erika@example.org") == {}
        assert holding(rows, str(erased)) == {}  # an erased participant is known by a digest
        assert holding(rows, words[3]) == {"queue_items": 1}  # the other participant's text stays
        assert await decisions(mod) == before  # outcome and reason stay for the statistics
        assert await mod.state(waiting) == "withdrawn"
        assert (await mod.queue())["total"] == 0
        reports = await mod.client.get("/moderation/reports", headers=token_headers(moderator()))
        assert reports.json()["items"] == []  # their report is gone, the report on their comment void
        hide = await mod.client.post(
            f"/moderation/reports/{published}/decision",
            json={"decision": "hide", "reason": "OFF_TOPIC"},
            headers=token_headers(moderator()),
        )
        assert (hide.status_code, hide.json()["error"]) == (409, "COMMENT_ERASED")

        late = await mod.submit("Noch ein Beitrag, der zu spät ankommt", participant_id=erased)
        assert await mod.state(late) is None  # arrived after the erasure: not stored


async def test_a_withdrawn_comment_leaves_the_queue_without_its_text(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        word = f"Kennwort{uuid.uuid4().hex[:8]}"
        comment_id = await mod.submit(f"{word}, doch nicht")
        payload = CommentWithdrawnPayload(
            comment_id=comment_id, measure_id=uuid.uuid4(), withdrawn_at=utcnow()
        )
        await mod.applied(CommentWithdrawn.create(producer="participation", payload=payload))
        assert await mod.state(comment_id) == "withdrawn"
        assert (await mod.queue())["total"] == 0
        assert holding(await every_row(mod.pool), word) == {}
        r = await mod.decide(comment_id, "approve")
        assert (r.status_code, r.json()["error"]) == (409, "COMMENT_WITHDRAWN")


async def test_a_comment_queued_while_its_author_is_being_erased_waits_and_is_not_stored(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with running_moderation(new_database, redis_url) as mod:
        author = uuid.uuid4()
        erasure = ParticipantErasureRequested.create(
            producer="gateway", payload=ErasureRequestedPayload(participant_id=author, requested_at=utcnow())
        )
        comment = submitted()
        comment = comment.model_copy(
            update={"payload": comment.payload.model_copy(update={"participant_id": author})}
        )
        settings = mod.app.state.runtime.settings
        async with mod.pool.acquire() as erasing, erasing.transaction():
            await consumers.erase_participant(erasing, erasure)  # not committed yet

            async def queue_it() -> None:
                async with mod.pool.acquire() as conn, conn.transaction():
                    await consumers.queue_for_review(conn, comment, settings=settings)

            queueing = asyncio.create_task(queue_it())

            async def waits_for_the_erasure() -> bool:
                return bool(
                    await mod.pool.fetchval(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    )
                )

            await eventually(waits_for_the_erasure)
        await queueing
        assert await mod.state(comment.payload.comment_id) is None
