"""Notifications' event handlers: each writes its deliveries in the transaction that handles the event.

The consumer records the event in processed_events in the same transaction, so a redelivered
event writes nothing again; the deliveries themselves are unique per event and subscriber.
A measure event older than (or as old as) the version notifications knows notifies nobody.
"""

from __future__ import annotations

import logging

import asyncpg

from radar_lib.consumer import EventConsumer
from radar_lib.events import (
    CommentPublished,
    CommentRejected,
    MeasureArchived,
    MeasurePublished,
    MeasureReported,
    MeasureUpdated,
    ParticipantErasureRequested,
)
from radar_lib.failures import NotYet
from radar_lib.settings import ServiceSettings
from radar_notifications import erasure
from radar_notifications.domain.changes import measure_change, moved_from
from radar_notifications.domain.reports import report_notice
from radar_notifications.store import deliveries, measures, subscriptions

log = logging.getLogger(__name__)
MEASURE_EVENTS = {MeasurePublished: "published", MeasureUpdated: "updated", MeasureArchived: "archived"}


async def notify_measure_change(conn: asyncpg.Connection, event: MeasurePublished) -> None:
    """Tell every follower of the measure, its field or everything what changed, once per version."""
    snapshot = event.payload
    if not await measures.upsert_measure(conn, snapshot):
        log.info(
            "measure %s version %s is not newer: nobody is notified", snapshot.measure_id, snapshot.version
        )
        return
    fields = [snapshot.field_slug] + ([old] if (old := moved_from(snapshot)) else [])
    await deliveries.notify_followers(
        conn,
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        kind="measure",
        payload=measure_change(MEASURE_EVENTS[type(event)], snapshot),
        measure_id=snapshot.measure_id,
        fields=fields,
    )


async def notify_report(conn: asyncpg.Connection, event: MeasureReported) -> None:
    """Tell every follower of the measure, its field or everything of a published report, once per version.

    Each version is its own event: the consumer's processed_events and the deliveries' uniqueness
    per event and subscriber keep a redelivered one from notifying anybody again.
    """
    report = event.payload
    await deliveries.notify_followers(
        conn,
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        kind="measure",
        payload=report_notice(report),
        measure_id=report.measure_id,
        fields=[report.field_slug],
    )


async def _measure_of(conn: asyncpg.Connection, event: CommentPublished | CommentRejected) -> asyncpg.Record:
    measure = await measures.measure_by_id(conn, event.payload.measure_id)
    if measure is None:  # its measure.published travels on another stream and may come later
        raise NotYet(f"measure {event.payload.measure_id} is not known yet")
    return measure


async def decide_watches(
    conn: asyncpg.Connection, event: CommentPublished | CommentRejected, decision: dict[str, object]
) -> None:
    """The comment's confirmed watchers hear the decision once; unconfirmed ones when they confirm."""
    comment_id = event.payload.comment_id
    done = await deliveries.notify_watchers(
        conn, event_id=event.event_id, occurred_at=event.occurred_at, comment_id=comment_id, payload=decision
    )
    await subscriptions.delete_subscriptions(conn, done)
    await subscriptions.remember_decision(
        conn,
        comment_id=comment_id,
        decision={"event_id": str(event.event_id), "occurred_at": event.occurred_at.isoformat(), **decision},
    )


async def notify_new_comment(conn: asyncpg.Connection, event: CommentPublished) -> None:
    """Followers who asked for new comments hear of it; the comment's watchers hear it was published."""
    measure = await _measure_of(conn, event)
    p = event.payload
    about = {"id": str(measure["measure_id"]), "slug": measure["slug"], "title": measure["title"]}
    await deliveries.notify_followers(
        conn,
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        kind="comment",
        payload={"measure": about, "comment_id": str(p.comment_id), "reply": p.parent_id is not None},
        measure_id=measure["measure_id"],
        fields=[measure["field_slug"]],
        comments_only=True,
    )
    await decide_watches(
        conn, event, {"outcome": "published", "measure": about, "comment_id": str(p.comment_id)}
    )


async def notify_rejection(conn: asyncpg.Connection, event: CommentRejected) -> None:
    """A watched comment's author hears it was rejected, with the netiquette clause and the note."""
    if not await subscriptions.watched(conn, event.payload.comment_id):
        return
    measure = await _measure_of(conn, event)
    p = event.payload
    about = {"id": str(measure["measure_id"]), "slug": measure["slug"], "title": measure["title"]}
    decision = {
        "outcome": "rejected",
        "measure": about,
        "comment_id": str(p.comment_id),
        "reason_code": p.reason_code,
        "note": p.note,
    }
    await decide_watches(conn, event, decision)


def register(consumer: EventConsumer, settings: ServiceSettings) -> None:
    """Subscribe notifications' handlers in its consumer group."""
    for measure_event in MEASURE_EVENTS:
        consumer.on(measure_event, notify_measure_change)
    consumer.on(MeasureReported, notify_report)
    consumer.on(CommentPublished, notify_new_comment)
    consumer.on(CommentRejected, notify_rejection)
    consumer.on(ParticipantErasureRequested, erasure.erase_participant)
