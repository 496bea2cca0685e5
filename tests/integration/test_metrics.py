"""GET /metrics of an app with install_metrics, with figures read from real Valkey and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from redis.asyncio import Redis
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from radar_lib.db import create_pool, migrate
from radar_lib.figures import MachineryFigures, machinery_figures
from radar_lib.metrics import install_metrics, observe_handler
from tests.integration.test_figures import add_outbox_row, read_three_ack_one, stream_name

pytestmark = pytest.mark.integration


class RefuseWithoutToken:
    """Answers 401 before routing, as the internal-token gate does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (b"x-token", b"ok") not in scope["headers"]:
            await PlainTextResponse("no token", status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def build_app(service: str, collect: Callable[[], Any] | None) -> FastAPI:
    app = FastAPI()

    @app.get("/measures/{slug}")
    async def measure(slug: str) -> dict[str, str]:
        return {"slug": slug}

    app.add_middleware(RefuseWithoutToken)
    install_metrics(app, service_name=service, collect=collect)
    return app


async def scrape(app: FastAPI, *paths: str) -> list[Sample]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        for path in paths:
            await client.get(path, headers={"X-Token": "ok"})
        response = await client.get("/metrics", headers={"X-Token": "ok"})
    assert response.status_code == 200
    return [s for family in text_string_to_metric_families(response.text) for s in family.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float | None:
    found = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert len(found) <= 1, f"{name} {labels} is ambiguous"
    return found[0] if found else None


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    async with Redis.from_url(redis_url) as client:
        yield client


@pytest.fixture
async def pool(new_database: Callable[[str], str], tmp_path: Path) -> AsyncIterator[asyncpg.Pool]:
    dsn = new_database("metrics")
    await migrate(dsn, service_migrations=tmp_path)
    pool = await create_pool(dsn, max_size=2)
    yield pool
    await pool.close()


async def test_requests_are_timed_by_route_template_never_by_raw_path() -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    app = build_app(service, collect=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        await client.get("/measures/e-akte")  # refused by the gate before routing
    samples = await scrape(app, "/measures/e-akte", "/measures/open-data", "/nowhere")

    count = "radar_http_request_duration_seconds_count"
    assert value(samples, count, service=service, route="/measures/{slug}", status="2xx", method="GET") == 2
    assert value(samples, count, service=service, route="/measures/{slug}", status="4xx") == 1
    assert value(samples, count, service=service, route="unmatched", status="4xx") == 1
    routes = {s.labels.get("route") for s in samples if s.labels.get("service") == service}
    assert not routes & {"/measures/e-akte", "/measures/open-data", "/nowhere"}
    assert value(samples, "radar_figures_up", service=service) is None


async def test_handler_durations_are_recorded_by_outcome() -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    observe_handler(service=service, stream="radar.comment.submitted", outcome="dead_lettered", seconds=0.2)
    observe_handler(service=service, stream="radar.comment.submitted", outcome="ok", seconds=0.01)
    observe_handler(service=service, stream="radar.comment.submitted", outcome="ok", seconds=0.02)

    samples = await scrape(build_app(service, collect=None))

    count = "radar_event_handler_duration_seconds_count"
    assert value(samples, count, service=service, outcome="ok") == 2
    assert value(samples, count, service=service, outcome="dead_lettered") == 1
    assert value(samples, "radar_event_handler_duration_seconds_sum", service=service, outcome="ok") == (
        pytest.approx(0.03)
    )


async def test_machinery_gauges_show_the_figures_at_scrape_time(redis: Redis, pool: asyncpg.Pool) -> None:
    service, stream = f"svc-{uuid.uuid4().hex[:8]}", stream_name()
    await read_three_ack_one(redis, stream, service)
    for n in range(120):
        await redis.xadd("radar.dlq.comment.submitted", {"n": str(n)})
    async with pool.acquire() as conn:
        await add_outbox_row(conn, age_seconds=42, published=False)
    tasks: dict[str, dict[str, Any]] = {
        "outbox-relay": {"state": "running", "restarts": 0, "last_error": None},
        "subscribers": {"state": "restarting", "restarts": 3, "last_error": "ConnectionError"},
    }

    async def collect() -> MachineryFigures:
        return await machinery_figures(redis, pool, group=service, streams=[stream], tasks=tasks)

    app = build_app(service, collect)
    first = await scrape(app)
    del tasks["subscribers"]
    second = await scrape(app)

    group = {"service": service, "stream": stream, "group": service}
    assert value(first, "radar_figures_up", service=service) == 1
    assert value(first, "radar_stream_group_lag", **group) == 2
    assert value(first, "radar_stream_group_pending", **group) == 2
    assert value(first, "radar_outbox_backlog", service=service) == 1
    assert 42 <= (value(first, "radar_outbox_oldest_seconds", service=service) or 0) < 600
    assert value(first, "radar_dead_letters", stream="radar.dlq.comment.submitted") == 120
    assert value(first, "radar_task_up", service=service, task="outbox-relay") == 1
    assert value(first, "radar_task_up", service=service, task="subscribers") == 0
    assert value(first, "radar_task_restarts_total", service=service, task="subscribers") == 3
    assert value(second, "radar_task_up", service=service, task="subscribers") is None


async def test_metrics_answer_when_the_figures_cannot_be_read() -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"

    async def collect() -> MachineryFigures:
        raise ConnectionError("Redis is away")

    samples = await scrape(build_app(service, collect), "/measures/e-akte")

    assert value(samples, "radar_figures_up", service=service) == 0
    assert value(samples, "radar_outbox_backlog", service=service) is None
    count = "radar_http_request_duration_seconds_count"
    assert value(samples, count, service=service, route="/measures/{slug}", status="2xx") == 1
