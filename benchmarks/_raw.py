"""The raw limits the write path is compared with, measured on the same servers in the same run.

- PostgreSQL: a scratch database on the embedded server with participation's own migrations
  (the comments table, the outbox with its NOTIFY trigger, the same indexes); asyncpg, a pool of
  the services' size, 32 tasks: single-row INSERTs of a comment row, and a comment row plus its
  outbox row in one transaction (the least a submission writes). Dropped afterwards.
- Valkey: XADD of an event-sized entry to a scratch stream with redis-py's asyncio client, as
  the administrator: 32 concurrent tasks, pipelines of 100, and one at a time on one
  connection (as the outbox relay sends). The stream is deleted afterwards.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
from redis.asyncio import Redis

from benchmarks._cpu import cpu_cores
from benchmarks._stats import per_second
from radar_cli.embedded import EmbeddedPostgres
from radar_lib.db import create_pool, migrate
from radar_lib.events import CommentSubmitted, CommentSubmittedPayload, utcnow
from radar_participation.main import MIGRATIONS as PARTICIPATION_MIGRATIONS

TASKS = 32
PIPELINE = 100
POOL_SIZE = 10  # the services' pool (ServiceSettings.db_pool_max)
INSERT_COMMENT = (
    "INSERT INTO comments (comment_id, measure_id, parent_id, participant_id, body, display_name,"
    " idempotency_key, submitted_at) VALUES ($1, $2, NULL, $3, $4, NULL, NULL, $5)"
)
INSERT_OUTBOX = "INSERT INTO outbox (event_id, stream, body, trace_context) VALUES ($1, $2, $3, '{}'::jsonb)"
TEXT = "Lasttest: ein Kommentar, so lang wie die, die durch das Gateway gehen."


def _event_body(measure_id: uuid.UUID) -> str:
    payload = CommentSubmittedPayload(
        comment_id=uuid.uuid4(), measure_id=measure_id, participant_id=uuid.uuid4(), body=TEXT,
        submitted_at=utcnow(),
    )  # fmt: skip
    return CommentSubmitted.create(producer="participation", payload=payload).model_dump_json()


async def _repeat(action: Callable[[], Awaitable[int]], *, tasks: int, seconds: float) -> float:
    """`tasks` tasks doing `action` (which says how many it did) for `seconds`; done per second."""
    done = 0
    stop_at = time.monotonic() + seconds
    began = time.monotonic()

    async def task() -> None:
        nonlocal done
        while time.monotonic() < stop_at:
            did = await action()  # awaited first: `done += await ...` would read done before the wait
            done += did

    await asyncio.gather(*(task() for _ in range(tasks)))
    return per_second(done, time.monotonic() - began)


async def _measured(
    key: str,
    name: str,
    action: Callable[[], Awaitable[int]],
    tasks: int,
    pids: Mapping[str, tuple[int, bool]],
    *,
    seconds: float,
) -> dict[str, Any]:
    print(f"raw: {name}", flush=True)
    with cpu_cores(pids) as cores:
        rate = await _repeat(action, tasks=tasks, seconds=seconds)
    busy = {k: v for k, v in cores.items() if v >= 0.05}
    return {"key": key, "name": name, "per_second": rate, "cpu_cores": busy}


async def postgres_inserts(
    postgres: EmbeddedPostgres, pids: Mapping[str, tuple[int, bool]], *, seconds: float
) -> list[dict[str, Any]]:
    """INSERTs per second into a scratch copy of participation's tables."""
    scratch = f"bench_scratch_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(postgres.admin_dsn())
    await admin.execute(f"CREATE DATABASE {scratch}")
    try:
        await migrate(postgres.admin_dsn(scratch), service_migrations=PARTICIPATION_MIGRATIONS)
        pool = await create_pool(postgres.admin_dsn(scratch), max_size=POOL_SIZE)
        try:
            return await _insert_runs(pool, pids, seconds=seconds)
        finally:
            await pool.close()
    finally:
        await admin.execute(f"DROP DATABASE {scratch} WITH (FORCE)")
        await admin.close()


async def _insert_runs(
    pool: asyncpg.Pool, pids: Mapping[str, tuple[int, bool]], *, seconds: float
) -> list[dict[str, Any]]:
    measure_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO measures (measure_id, version, slug, title, status) VALUES ($1, 1, 'm', 'M', 'planned')",
        measure_id,
    )
    event_body, stream = _event_body(measure_id), CommentSubmitted.stream()

    async def comment_row() -> int:
        await pool.execute(INSERT_COMMENT, uuid.uuid4(), measure_id, uuid.uuid4(), TEXT, utcnow())
        return 1

    async def comment_and_outbox() -> int:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_COMMENT, uuid.uuid4(), measure_id, uuid.uuid4(), TEXT, utcnow())
            await conn.execute(INSERT_OUTBOX, uuid.uuid4(), stream, event_body)
        return 1

    runs = [
        ("comment_row", f"asyncpg single-row INSERT of a comment row ({TASKS} tasks, pool {POOL_SIZE})",
         comment_row, TASKS),
        ("comment_and_outbox", f"asyncpg comment row + outbox row in one transaction ({TASKS} tasks, "
         f"pool {POOL_SIZE})", comment_and_outbox, TASKS),
    ]  # fmt: skip
    return [await _measured(*run, pids, seconds=seconds) for run in runs]


async def valkey_xadds(
    redis_url: str, pids: Mapping[str, tuple[int, bool]], *, seconds: float
) -> list[dict[str, Any]]:
    """XADDs per second of event-sized entries: concurrent, pipelined, one at a time."""
    stream = f"bench.scratch.{secrets.token_hex(4)}"
    fields = {"__data__": _event_body(uuid.uuid4())}
    redis = Redis.from_url(redis_url)
    try:

        async def one() -> int:
            await redis.xadd(stream, fields)  # type: ignore[arg-type]
            return 1

        async def batch() -> int:
            async with redis.pipeline(transaction=False) as pipe:
                for _ in range(PIPELINE):
                    pipe.xadd(stream, fields)  # type: ignore[arg-type]
                await pipe.execute()
            return PIPELINE

        runs = [
            ("xadd_concurrent", f"redis-py XADD, {TASKS} concurrent tasks", one, TASKS),
            ("xadd_pipelined", f"redis-py XADD, pipelines of {PIPELINE}", batch, 1),
            ("xadd_one_at_a_time", "redis-py XADD, one at a time (as the outbox relay sends)", one, 1),
        ]
        return [await _measured(*run, pids, seconds=seconds) for run in runs]
    finally:
        await redis.delete(stream)
        await redis.aclose()
