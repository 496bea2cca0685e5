"""Short versions of the fault drill: servers restarted, stopped, groups lost; nothing lost or stuck.

Each test runs its own PostgreSQL where it stops or restarts it, so the session's server is
never disturbed. Bounds are small (`claim_idle_ms`, `max_deliveries`) so the tests take seconds.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from radar_cli.embedded import EmbeddedPostgres
from radar_lib.dlq import list_dead_letters
from radar_lib.events import CommentApproved, CommentDecisionPayload, CommentHidden, CommentSubmitted, utcnow
from radar_lib.outbox import add_event
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET, moderator, participant, running_service, token_headers
from tests.events_factory import submitted
from tests.integration.counting import GROUP, counting_service, deliveries
from tests.integration.helpers import emit, eventually, measure_published, publish_raw

pytestmark = pytest.mark.integration
STREAM = CommentSubmitted.stream()


class OwnPostgres(EmbeddedPostgres):
    """A PostgreSQL of one test, stopped and started on the same socket, as an operator would."""

    def pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), "-w", *args)

    def halt(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def resume(self) -> None:
        self.start()  # on the socket directory it had

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")


@pytest.fixture
def own_pg(tmp_path: Path) -> Iterator[OwnPostgres]:
    server = OwnPostgres(tmp_path, durable=False)
    server.start()
    yield server
    server.stop()


async def published_ids(redis: Redis, stream: str) -> list[str]:
    from faststream.redis.parser.binary import BinaryMessageFormatV1

    entries: Any = await redis.xrange(stream)
    return [BinaryMessageFormatV1.parse(f[b"__data__"])[1]["message_id"] for _, f in entries]


async def write_event(runtime: Any, event: CommentSubmitted) -> bool:
    """Write an event through the outbox; False while the database is not back yet."""
    try:
        async with runtime.pool.acquire() as conn, conn.transaction():
            await add_event(conn, event)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    return True


async def test_relay_goes_on_by_itself_after_postgresql_restarts(
    own_pg: OwnPostgres, redis_url: str, redis: Redis
) -> None:
    dsn = own_pg.ensure_service_database("relay")
    before, after = submitted(), submitted()
    async with counting_service(dsn, redis_url, outbox_poll_seconds=0.2) as runtime:
        assert await write_event(runtime, before)
        await eventually(lambda: published_ids(redis, STREAM))
        own_pg.restart()
        await eventually(lambda: write_event(runtime, after), timeout=30)

        async def both_published() -> bool:
            return set(await published_ids(redis, STREAM)) == {str(before.event_id), str(after.event_id)}

        await eventually(both_published, timeout=30)
        assert runtime.supervisor.all_running(), runtime.supervisor.report()


async def test_relay_listens_again_after_its_backend_is_terminated(
    own_pg: OwnPostgres, redis_url: str, redis: Redis
) -> None:
    dsn = own_pg.ensure_service_database("relay")
    event = submitted()
    async with counting_service(dsn, redis_url, outbox_poll_seconds=300) as runtime:

        def listener_pids() -> list[str]:
            found = own_pg.psql("SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
            return found.split()

        async def listening() -> list[str]:
            return listener_pids()

        [first] = await eventually(listening)
        own_pg.psql(f"SELECT pg_terminate_backend({first})")

        async def listening_again() -> bool:
            return bool(listener_pids()) and first not in listener_pids()

        await eventually(listening_again)
        assert await write_event(runtime, event)
        # the poll is 5 minutes away: only the renewed LISTEN can have woken the relay
        await eventually(lambda: published_ids(redis, STREAM))


async def test_database_away_longer_than_the_delivery_budget_dead_letters_nothing(
    own_pg: OwnPostgres, redis_url: str, redis: Redis
) -> None:
    dsn = own_pg.ensure_service_database("counter")
    events = [submitted() for _ in range(5)]
    budget = {"max_deliveries": 2, "claim_idle_ms": 100}
    async with counting_service(dsn, redis_url, **budget) as runtime:
        own_pg.halt()
        for event in events:
            await publish_raw(redis_url, event)
        await asyncio.sleep(2.0)  # ten times max_deliveries x claim_idle_ms without a database
        own_pg.resume()

        async def all_acknowledged() -> bool:
            [group] = await redis.xinfo_groups(STREAM)
            return bool(group["entries-read"] == 5 and group["pending"] == 0)

        await eventually(all_acknowledged, timeout=60)
        assert await list_dead_letters(runtime.redis) == []
    for event in events:
        assert await deliveries(dsn, event.payload.comment_id) == 1


async def test_consumption_goes_on_after_the_group_is_destroyed(
    new_database: Callable[[str], str], redis_url: str, redis: Redis
) -> None:
    dsn = new_database("counter")
    first, second = submitted(), submitted()
    async with counting_service(dsn, redis_url, claim_idle_ms=200):
        await publish_raw(redis_url, first)
        await eventually(lambda: _counted(dsn, first))
        assert await redis.xgroup_destroy(STREAM, GROUP) == 1
        await publish_raw(redis_url, second)
        await eventually(lambda: _counted(dsn, second), timeout=30)
        groups: Any = await redis.xinfo_groups(STREAM)
        assert [g["name"] for g in groups] == [GROUP.encode()]
    # the new group read the stream from its start; the first event was not applied again
    assert await deliveries(dsn, first.payload.comment_id) == 1


async def _counted(dsn: str, event: CommentSubmitted) -> bool:
    return await deliveries(dsn, event.payload.comment_id) == 1


async def test_hide_that_arrives_before_the_approval_ends_hidden(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    settings = ParticipationSettings(
        database_url=new_database("participation"),
        redis_url=redis_url,
        internal_token_secret=TOKEN_SECRET,
        claim_idle_ms=500,
    )
    app = create_participation(settings)
    async with running_service(app) as client:
        slug = f"order-{uuid.uuid4().hex[:6]}"
        measure = measure_published(slug=slug)
        await emit(app, measure)

        async def posted() -> Any:
            r = await client.post(
                f"/measures/{slug}/comments", json={"body": "Hallo"}, headers=token_headers(participant())
            )
            return r.json()["id"] if r.status_code == 202 else None

        comment_id = uuid.UUID(await eventually(posted))
        decision = CommentDecisionPayload(
            comment_id=comment_id, measure_id=measure.payload.measure_id, decided_at=utcnow()
        )
        await publish_raw(redis_url, CommentHidden.create(producer="moderation", payload=decision))
        await asyncio.sleep(0.3)  # the hide is tried first, and must wait
        await publish_raw(redis_url, CommentApproved.create(producer="moderation", payload=decision))

        async def status() -> str:
            return str(
                await app.state.runtime.pool.fetchval(
                    "SELECT status FROM comments WHERE comment_id = $1", comment_id
                )
            )

        async def hidden() -> bool:
            return await status() == "hidden"

        await eventually(hidden, timeout=20)
        assert await list_dead_letters(app.state.runtime.redis) == []


async def test_service_answers_json_503_while_its_database_is_away(
    own_pg: OwnPostgres, redis_url: str
) -> None:
    settings = ModerationSettings(
        database_url=own_pg.ensure_service_database("moderation"),
        redis_url=redis_url,
        internal_token_secret=TOKEN_SECRET,
    )
    async with running_service(create_moderation(settings)) as client:
        own_pg.halt()
        try:
            r = await client.get("/moderation/queue", headers=token_headers(moderator()))
        finally:
            own_pg.resume()
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "UNAVAILABLE"
        assert r.headers["Retry-After"]
        ready = await client.get("/moderation/queue", headers=token_headers(moderator()))
        assert ready.status_code == 200


async def test_request_after_every_backend_was_terminated_gets_a_live_connection(
    own_pg: OwnPostgres, redis_url: str
) -> None:
    settings = ParticipationSettings(
        database_url=own_pg.ensure_service_database("participation"),
        redis_url=redis_url,
        internal_token_secret=TOKEN_SECRET,
    )
    app = create_participation(settings)
    async with running_service(app) as client:
        slug = f"live-{uuid.uuid4().hex[:6]}"
        await emit(app, measure_published(slug=slug))

        async def thread_answers() -> bool:
            r = await client.get(f"/measures/{slug}/comments", headers=token_headers(participant()))
            return r.status_code == 200

        await eventually(thread_answers)
        ended = own_pg.psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = 'radar_participation'"
        )
        assert int(ended) > 0
        await asyncio.sleep(1.2)  # the pooled connections are idle long enough to be checked
        for _ in range(3):  # every pooled connection was ended: none of them may answer 5xx
            r = await client.post(
                f"/measures/{slug}/comments", json={"body": "Wieder da"}, headers=token_headers(participant())
            )
            assert r.status_code == 202, r.text
