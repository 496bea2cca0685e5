"""Helpers for integration tests: polling with a deadline, events sent as their producers send them."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from fastapi import FastAPI
from faststream.redis import RedisBroker

from radar_catalog.seed import MIGRATIONS as CATALOG_MIGRATIONS
from radar_catalog.seed import load_dataset
from radar_lib.db import migrate
from radar_lib.events import Event, MeasurePublished, MeasureSnapshot
from radar_lib.outbox import add_event


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 15.0) -> Any:
    """Poll until check() returns something truthy, or fail after the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.05)


async def emit(app: FastAPI, event: Event) -> None:
    """Send an event through a running service's outbox, as its own code would."""
    async with app.state.runtime.pool.acquire() as conn, conn.transaction():
        await add_event(conn, event)


async def seed_catalog(dsn: str, city: dict[str, Any]) -> None:
    """A catalog database with its tables and this data set (its measure events wait in the outbox)."""
    await migrate(dsn, service_migrations=CATALOG_MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        await load_dataset(conn, city)
    finally:
        await conn.close()


def measure_published(*, slug: str, title: str = "E-Akte") -> MeasurePublished:
    """A measure.published event as the catalog emits it."""
    return MeasurePublished.create(
        producer="catalog",
        payload=MeasureSnapshot(
            measure_id=uuid.uuid4(),
            version=1,
            slug=slug,
            title=title,
            field_slug="digital-government",
            status="in_umsetzung",
        ),
    )


async def publish_raw(redis_url: str, event: Event) -> None:
    """Publish as the outbox relay does (FastStream, event id as message id), bypassing the outbox."""
    broker = RedisBroker(redis_url)
    await broker.connect()
    try:
        await broker.publish(
            event.model_dump_json().encode(),
            stream=event.stream(),
            headers={"message_id": str(event.event_id)},
        )
    finally:
        await broker.stop()


def form_link(html: str, form: str, comment_id: str) -> str:
    """The address of the link that opens a comment's reply form ("antworten") or report form ("melden")."""
    [href] = re.findall(rf'<a href="([^"]*[?&;]{form}={comment_id}#[^"]*)" class="comment-action-link"', html)
    return href.replace("&amp;", "&")
