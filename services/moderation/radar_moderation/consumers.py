"""Moderation's event handlers: submitted comments enter the queue."""

from __future__ import annotations

import asyncpg

from radar_lib.consumer import EventConsumer
from radar_lib.events import CommentSubmitted
from radar_lib.settings import ServiceSettings
from radar_moderation import store


async def queue_for_review(conn: asyncpg.Connection, event: CommentSubmitted) -> None:
    """A submitted comment waits in the queue; a second delivery finds it there."""
    p = event.payload
    if await store.queue_comment(
        conn,
        comment_id=p.comment_id,
        measure_id=p.measure_id,
        participant_id=p.participant_id,
        body=p.body,
        submitted_at=p.submitted_at,
    ):
        await store.append_audit(conn, actor_id=None, action="queued", comment_id=p.comment_id, details={})


def register(consumer: EventConsumer, settings: ServiceSettings) -> None:
    """Subscribe moderation's handlers in its consumer group."""
    consumer.on(CommentSubmitted, queue_for_review)
