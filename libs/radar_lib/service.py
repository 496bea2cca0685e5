"""The runtime of one service process: pool, broker, supervised tasks (consumers, relay, retention), app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.redis import RedisBroker
from faststream.redis.opentelemetry import RedisTelemetryMiddleware
from redis.asyncio import Redis

from radar_lib.consumer import EventConsumer
from radar_lib.db import create_pool, migrate
from radar_lib.events import Event
from radar_lib.failures import is_transient
from radar_lib.figures import MachineryFigures, machinery_figures
from radar_lib.last_resort import LastResort
from radar_lib.metrics import install_metrics
from radar_lib.outbox import OutboxRelay
from radar_lib.settings import ServiceSettings
from radar_lib.supervisor import Supervisor
from radar_lib.telemetry import WITHOUT_NATIVE_TELEMETRY, instrument, setup_tracing, shutdown_tracing
from radar_lib.trimmer import delete_published_rows, trim_streams
from radar_lib.web import InternalTokenGate, install_error_handlers

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a running service holds; handlers reach it through app.state.runtime."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    redis: Redis
    broker: RedisBroker
    consumer: EventConsumer
    relay: OutboxRelay
    supervisor: Supervisor
    publishes: tuple[type[Event], ...] = ()


RegisterConsumers = Callable[[EventConsumer, ServiceSettings], None]
StartHook = Callable[[Runtime], Awaitable[None]]


def redis_client(url: str) -> Redis:
    """A client that gives up on a dead connection in seconds instead of hanging."""
    return Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10, health_check_interval=15)


@asynccontextmanager
async def running(
    settings: ServiceSettings,
    *,
    migrations: Path,
    register_consumers: RegisterConsumers | None = None,
    publishes: Sequence[type[Event]] = (),
    on_start: StartHook | None = None,
) -> AsyncIterator[Runtime]:
    """Migrate, connect, start the supervised tasks: consumers, relay, trimmer; stop all on exit."""
    provider = setup_tracing(settings.service_name)
    await migrate(settings.database_url, service_migrations=migrations)
    pool = await create_pool(settings.database_url, max_size=settings.db_pool_max)
    redis = redis_client(settings.redis_url)
    broker = RedisBroker(
        settings.redis_url,
        socket_connect_timeout=3,
        socket_timeout=10,
        middlewares=[RedisTelemetryMiddleware(tracer_provider=provider)],
        logger=logging.getLogger(f"radar.{settings.service_name}.broker"),
    )
    consumer = EventConsumer(
        redis=redis,
        pool=pool,
        group=settings.service_name,
        consumer_name=settings.consumer_name,
        max_deliveries=settings.max_deliveries,
        claim_idle_ms=settings.claim_idle_ms,
        not_yet_limit_seconds=settings.not_yet_limit_seconds,
        consumer_idle_remove_ms=settings.consumer_idle_remove_ms,
        concurrency=settings.consumer_concurrency,
    )
    if register_consumers is not None:
        register_consumers(consumer, settings)
    relay = OutboxRelay(
        pool=pool,
        broker=broker,
        redis=redis,
        dsn=settings.database_url,
        poll_seconds=settings.outbox_poll_seconds,
    )
    supervisor = Supervisor()
    runtime = Runtime(settings, pool, redis, broker, consumer, relay, supervisor, tuple(publishes))
    try:
        await broker.connect()
        try:  # groups exist before the first entry is written; each consuming task checks again
            await consumer.ensure_groups()
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("Redis away at start (%s); the consumers create their groups later", exc)
        supervisor.start("outbox-relay", relay.run)
        consumer.start(supervisor)
        supervisor.start("retention", lambda: keep_retention(runtime))
        if on_start is not None:
            await on_start(runtime)
        yield runtime
    finally:
        await supervisor.stop()
        await broker.stop()
        await redis.aclose()
        await pool.close()
        shutdown_tracing()


async def keep_retention(runtime: Runtime) -> None:
    """Trim the streams this service writes and its published outbox rows, every so often."""
    s = runtime.settings
    streams = [event.stream() for event in runtime.publishes]
    while True:
        try:
            await trim_streams(runtime.redis, streams, keep=s.stream_keep, lag_alarm=s.stream_lag_alarm)
            await delete_published_rows(runtime.pool, older_than_seconds=s.outbox_keep_seconds)
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("retention: %s; trying again later", exc)
        await asyncio.sleep(s.trim_interval_seconds)


async def figures_of(runtime: Runtime) -> MachineryFigures:
    """What /metrics and `radar status` show of this service's machinery."""
    return await machinery_figures(
        runtime.redis,
        runtime.pool,
        group=runtime.consumer.group,
        streams=list(runtime.consumer.routes),
        tasks=runtime.supervisor.report(),
    )


def health_router() -> APIRouter:
    """/healthz answers while the process lives; /readyz when its database, Redis and tasks do."""
    router = APIRouter()

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        checks: dict[str, str] = {}
        try:
            async with asyncio.timeout(2):
                await runtime.pool.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {type(exc).__name__}"
        try:
            async with asyncio.timeout(2):
                await runtime.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {type(exc).__name__}"
        tasks = runtime.supervisor.report()
        ready = all(v == "ok" for v in checks.values()) and runtime.supervisor.all_running()
        body = {"status": "ready" if ready else "unready", **checks, "tasks": tasks}
        return JSONResponse(body, 200 if ready else 503)

    return router


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    migrations: Path,
    routers: Sequence[APIRouter],
    register_consumers: RegisterConsumers | None = None,
    publishes: Sequence[type[Event]] = (),
    on_start: StartHook | None = None,
) -> FastAPI:
    """A service's FastAPI app: internal-token gate, error bodies, health, tracing, lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running(
            settings,
            migrations=migrations,
            register_consumers=register_consumers,
            publishes=publishes,
            on_start=on_start,
        ) as runtime:
            app.state.runtime = runtime
            yield

    app = FastAPI(title=title, lifespan=lifespan, telemetry=WITHOUT_NATIVE_TELEMETRY)
    install_error_handlers(app)
    app.include_router(health_router())
    install_metrics(app, service_name=settings.service_name, collect=lambda: figures_of(app.state.runtime))
    for router in routers:
        app.include_router(router)
    app.add_middleware(LastResort)  # innermost: what escapes a route still leaves as JSON
    app.add_middleware(
        InternalTokenGate, secret=settings.internal_token_secret, service=settings.service_name
    )
    instrument(app, settings.service_name)
    return app


def runtime_of(request: Request) -> Runtime:
    """The runtime of the service that serves this request."""
    return request.app.state.runtime
