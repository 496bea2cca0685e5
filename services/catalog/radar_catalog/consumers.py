"""The catalog's event handlers."""

from __future__ import annotations

import asyncpg

from radar_lib.consumer import EventConsumer
from radar_lib.events import ParticipantErasureRequested
from radar_lib.settings import ServiceSettings


async def acknowledge_erasure(conn: asyncpg.Connection, event: ParticipantErasureRequested) -> None:
    """The catalog holds no participant data: there is nothing to erase, only to acknowledge."""


def register(consumer: EventConsumer, settings: ServiceSettings) -> None:
    """Subscribe the catalog's handlers in its consumer group."""
    consumer.on(ParticipantErasureRequested, acknowledge_erasure)
