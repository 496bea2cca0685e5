"""Notifications' event handlers."""

from __future__ import annotations

import asyncpg

from radar_lib.consumer import EventConsumer
from radar_lib.events import MeasureArchived, MeasurePublished, MeasureUpdated
from radar_lib.settings import ServiceSettings
from radar_notifications import store


async def project_measure(conn: asyncpg.Connection, event: MeasurePublished) -> None:
    """Keep the newest version of a measure for the messages about it."""
    await store.upsert_measure(conn, event.payload)


def register(consumer: EventConsumer, settings: ServiceSettings) -> None:
    """Subscribe notifications' handlers in its consumer group."""
    for measure_event in (MeasurePublished, MeasureUpdated, MeasureArchived):
        consumer.on(measure_event, project_measure)
