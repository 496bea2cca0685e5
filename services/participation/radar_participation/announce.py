"""The announcement that what the public sees of a measure's participation changed.

Written in the same transaction as the change, so that it leaves exactly when the change is
committed: the gateway renders its public pages once per change and follows these.
"""

from __future__ import annotations

import uuid

import asyncpg

from radar_lib.events import ParticipationCause, ParticipationChanged, ParticipationChangedPayload, utcnow
from radar_lib.outbox import add_event


async def announce_change(
    conn: asyncpg.Connection, *, producer: str, measure_id: uuid.UUID | None, cause: ParticipationCause
) -> None:
    """participation.changed for a measure (None: for any measure), through the outbox."""
    payload = ParticipationChangedPayload(measure_id=measure_id, cause=cause, changed_at=utcnow())
    await add_event(conn, ParticipationChanged.create(producer=producer, payload=payload))
