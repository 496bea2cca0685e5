"""Participation's event handlers: the measure projection, moderation's decisions, erasure."""

from __future__ import annotations

import logging

import asyncpg

from radar_lib.consumer import EventConsumer
from radar_lib.events import (
    CommentApproved,
    CommentHidden,
    CommentPublished,
    CommentPublishedPayload,
    CommentRejected,
    MeasureArchived,
    MeasurePublished,
    MeasureSnapshot,
    MeasureUpdated,
    ParticipantErasureRequested,
)
from radar_lib.failures import NotYet
from radar_lib.settings import ServiceSettings
from radar_participation.announce import announce_change
from radar_participation.domain import decision_comes_early, next_status
from radar_participation.erasure import add_event_carrying, erase_participant
from radar_participation.store.comments import lock_comment, set_comment_status
from radar_participation.store.measures import upsert_measure

log = logging.getLogger(__name__)


async def project_measure(conn: asyncpg.Connection, event: MeasurePublished) -> None:
    """Keep the newest version of a measure; older versions arriving late change nothing."""
    snap: MeasureSnapshot = event.payload
    await upsert_measure(
        conn,
        measure_id=snap.measure_id,
        version=snap.version,
        slug=snap.slug,
        title=snap.title,
        status=snap.status,
        archived=snap.archived,
    )


def register(consumer: EventConsumer, settings: ServiceSettings) -> None:
    """Subscribe participation's handlers in its consumer group."""

    async def apply_decision(
        conn: asyncpg.Connection, event: CommentApproved | CommentRejected | CommentHidden, decision: str
    ) -> None:
        p = event.payload
        comment = await lock_comment(conn, p.comment_id)
        if comment is None:
            raise LookupError(f"decision for unknown comment {p.comment_id}")  # retried, then dead-lettered
        if decision_comes_early(comment.status, decision):
            raise NotYet(f"{decision} for comment {p.comment_id} still {comment.status}")
        status = next_status(comment.status, decision)
        if status is None:  # decided before, withdrawn or erased: the decision changes nothing
            log.info("decision %s on comment %s in status %s ignored", decision, p.comment_id, comment.status)
            return
        await set_comment_status(
            conn,
            comment_id=p.comment_id,
            status=status,
            decided_at=p.decided_at,
            reason_code=p.reason_code,
            note=p.note,
        )
        if status == "published":
            payload = CommentPublishedPayload(
                comment_id=p.comment_id,
                measure_id=comment.measure_id,
                body=comment.body or "",
                parent_id=comment.parent_id,
                display_name=comment.display_name,
                published_at=p.decided_at,
            )
            event = CommentPublished.create(producer=settings.service_name, payload=payload)
            await add_event_carrying(conn, event, participants=[comment.participant_id])
        if status in ("published", "hidden"):
            cause = "comment_published" if status == "published" else "comment_hidden"
            await announce_change(
                conn, producer=settings.service_name, measure_id=comment.measure_id, cause=cause
            )

    async def publish_comment(conn: asyncpg.Connection, event: CommentApproved) -> None:
        """An approved comment is published and announced as comment.published."""
        await apply_decision(conn, event, "approve")

    async def reject_comment(conn: asyncpg.Connection, event: CommentRejected) -> None:
        """A rejected comment stays visible to its author alone, with the reason and the note."""
        await apply_decision(conn, event, "reject")

    async def hide_comment(conn: asyncpg.Connection, event: CommentHidden) -> None:
        """A hidden comment leaves the public thread."""
        await apply_decision(conn, event, "hide")

    for measure_event in (MeasurePublished, MeasureUpdated, MeasureArchived):
        consumer.on(measure_event, project_measure)
    consumer.on(CommentApproved, publish_comment)
    consumer.on(CommentRejected, reject_comment)
    consumer.on(CommentHidden, hide_comment)

    async def erase(conn: asyncpg.Connection, event: ParticipantErasureRequested) -> None:
        """The participant's texts, names and ratings go; any measure's public view may change."""
        await erase_participant(conn, event)
        await announce_change(conn, producer=settings.service_name, measure_id=None, cause="erasure")

    consumer.on(ParticipantErasureRequested, erase)
