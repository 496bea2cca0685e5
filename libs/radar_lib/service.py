"""The runtime of one service process: its pool, broker, consumer group, outbox relay and app."""

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
from radar_lib.outbox import OutboxRelay
from radar_lib.settings import ServiceSettings
from radar_lib.telemetry import setup_tracing, shutdown_tracing
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


RegisterConsumers = Callable[[EventConsumer, ServiceSettings], None]
StartHook = Callable[[Runtime], Awaitable[None]]


@asynccontextmanager
async def running(
    settings: ServiceSettings,
    *,
    migrations: Path,
    register_consumers: RegisterConsumers | None = None,
    on_start: StartHook | None = None,
) -> AsyncIterator[Runtime]:
    """Migrate, connect, start consuming and relaying; stop all of it on exit."""
    provider = setup_tracing(settings.service_name)
    await migrate(settings.database_url, service_migrations=migrations)
    pool = await create_pool(settings.database_url, max_size=settings.db_pool_max)
    redis = Redis.from_url(settings.redis_url)
    broker = RedisBroker(
        settings.redis_url,
        middlewares=[RedisTelemetryMiddleware(tracer_provider=provider)],
        logger=logging.getLogger(f"radar.{settings.service_name}.broker"),
    )
    consumer = EventConsumer(
        broker=broker,
        redis=redis,
        pool=pool,
        group=settings.service_name,
        consumer_name=settings.consumer_name,
        max_deliveries=settings.max_deliveries,
        claim_idle_ms=settings.claim_idle_ms,
    )
    if register_consumers is not None:
        register_consumers(consumer, settings)
    relay = OutboxRelay(
        pool=pool,
        broker=broker,
        stream_maxlen=settings.stream_maxlen,
        poll_seconds=settings.outbox_poll_seconds,
    )
    runtime = Runtime(settings, pool, redis, broker, consumer, relay)
    try:
        await consumer.ensure_groups()
        await broker.start()
        await relay.start()
        if on_start is not None:
            await on_start(runtime)
        yield runtime
    finally:
        await relay.stop()
        await broker.stop()
        await redis.aclose()
        await pool.close()
        shutdown_tracing()


def health_router() -> APIRouter:
    """/healthz answers while the process lives; /readyz when its database and Redis answer."""
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
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "unready", **checks}, 200 if ready else 503)

    return router


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    migrations: Path,
    routers: Sequence[APIRouter],
    register_consumers: RegisterConsumers | None = None,
    on_start: StartHook | None = None,
) -> FastAPI:
    """A service's FastAPI app: internal-token gate, error bodies, health, tracing, lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running(
            settings, migrations=migrations, register_consumers=register_consumers, on_start=on_start
        ) as runtime:
            app.state.runtime = runtime
            yield

    app = FastAPI(title=title, lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router)
    app.add_middleware(InternalTokenGate, secret=settings.internal_token_secret)
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=setup_tracing(settings.service_name))
    return app


def runtime_of(request: Request) -> Runtime:
    """The runtime of the service that serves this request."""
    return request.app.state.runtime
