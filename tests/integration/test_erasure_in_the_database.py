"""Erasure against participation's database alone (no relay, no consumer runs), so that the order
of concurrent transactions is the test's to choose."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import asyncpg
import pytest

from radar_lib.events import ErasureRequestedPayload, ParticipantErasureRequested, utcnow
from radar_participation.commenting import CommentForm, report_comment, submit_comment
from radar_participation.domain import ParticipationError
from radar_participation.erasure import erase_participant, request_erasure
from radar_participation.store.comments import set_comment_status
from radar_participation.store.erasure import lock_participant
from tests.integration.helpers import eventually
from tests.integration.participation_service import participation_database

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]


def erasure_of(participant_id: uuid.UUID) -> ParticipantErasureRequested:
    payload = ErasureRequestedPayload(participant_id=participant_id, requested_at=utcnow())
    return ParticipantErasureRequested.create(producer="gateway", payload=payload)


async def erase(pool: asyncpg.Pool, participant_id: uuid.UUID) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await erase_participant(conn, erasure_of(participant_id))


async def someone_waits_for_a_lock(pool: asyncpg.Pool) -> bool:
    return bool(await pool.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted"))


async def test_erasure_deletes_events_not_yet_published_so_their_text_never_reaches_a_stream(
    new_database: NewDatabase,
) -> None:
    async with participation_database(new_database) as (pool, settings):
        who = uuid.uuid4()
        await submit_comment(
            pool, settings, author=who, measure_ref="e-akte", form=CommentForm("Noch nicht weg")
        )
        assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 1

        await erase(pool, who)
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
        assert await pool.fetchval("SELECT count(*) FROM stream_erasures") == 0
        assert await pool.fetchval("SELECT count(*) FROM carried_events") == 0


async def test_erasure_request_is_recorded_once_while_open_and_announced_to_every_service(
    new_database: NewDatabase,
) -> None:
    async with participation_database(new_database) as (pool, _):
        who = uuid.uuid4()
        first = await request_erasure(pool, participant_id=who, producer="participation")
        assert await request_erasure(pool, participant_id=who, producer="participation") == first
        [row] = await pool.fetch(
            "SELECT body FROM outbox WHERE stream = 'radar.participant.erasure_requested'"
        )
        assert ParticipantErasureRequested.model_validate_json(row["body"]).payload.participant_id == who

        await erase(pool, who)
        later = await request_erasure(pool, participant_id=who, producer="participation")
        assert later["id"] != first["id"]
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 2


async def test_a_participants_writes_and_the_erasure_of_their_data_take_turns(
    new_database: NewDatabase,
) -> None:
    async with participation_database(new_database) as (pool, settings):
        who = uuid.uuid4()
        for work in (
            lambda: submit_comment(
                pool, settings, author=who, measure_ref="e-akte", form=CommentForm("Hallo")
            ),
            lambda: erase(pool, who),
        ):
            async with pool.acquire() as holder, holder.transaction():
                await lock_participant(holder, who)  # the other one, in progress
                waiting = asyncio.create_task(work())
                await eventually(lambda: someone_waits_for_a_lock(pool))
                assert not waiting.done()
            await waiting
        assert await pool.fetchval("SELECT status FROM comments") == "erased"


async def test_a_report_that_waited_for_the_authors_erasure_finds_the_comment_gone(
    new_database: NewDatabase,
) -> None:
    async with participation_database(new_database) as (pool, settings):
        author, reporter = uuid.uuid4(), uuid.uuid4()
        text = "Der Text, der gelöscht wird"
        done = await submit_comment(
            pool, settings, author=author, measure_ref="e-akte", form=CommentForm(text)
        )
        async with pool.acquire() as conn:
            await set_comment_status(
                conn,
                comment_id=done.comment_id,
                status="published",
                decided_at=utcnow(),
                reason_code=None,
                note=None,
            )

        async with pool.acquire() as eraser, eraser.transaction():
            await erase_participant(eraser, erasure_of(author))  # not committed yet
            reporting = asyncio.create_task(
                report_comment(pool, settings, reporter=reporter, comment_id=done.comment_id, reason="SPAM")
            )
            await eventually(lambda: someone_waits_for_a_lock(pool))
        with pytest.raises(ParticipationError) as refused:
            await reporting
        assert refused.value.code == "COMMENT_NOT_FOUND"
        assert await pool.fetchval("SELECT count(*) FROM outbox WHERE body LIKE $1", f"%{text}%") == 0


async def test_an_erased_comment_can_hold_no_text(new_database: NewDatabase) -> None:
    async with participation_database(new_database) as (pool, settings):
        who = uuid.uuid4()
        await submit_comment(pool, settings, author=who, measure_ref="e-akte", form=CommentForm("Hallo"))
        with pytest.raises(asyncpg.CheckViolationError):
            await pool.execute("UPDATE comments SET status = 'erased', participant_id = NULL")
        with pytest.raises(asyncpg.CheckViolationError):  # and every other comment has its text
            await pool.execute("UPDATE comments SET body = NULL")
