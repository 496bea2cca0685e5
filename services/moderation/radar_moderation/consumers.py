"""Moderation's event handlers: the queue with its automatic checks, reports, withdrawals, erasure.

Each handler runs in the transaction that records the event as processed (radar_lib.consumer).
A comment and its author's erasure are serialised by a lock on the participant, so an
erasure never misses a comment that is being queued, and a comment of an erased participant
arriving late stores nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import cast

import asyncpg

from radar_lib.consumer import EventConsumer
from radar_lib.events import (
    CommentReported,
    CommentSubmitted,
    CommentWithdrawn,
    MeasureArchived,
    MeasurePublished,
    MeasureUpdated,
    ParticipantErasureRequested,
    utcnow,
)
from radar_lib.failures import NotYet
from radar_lib.settings import ServiceSettings
from radar_lib.stream_erasure import participant_digest
from radar_moderation.checks import check_comment, duplicate_flag, form
from radar_moderation.config import ModerationSettings
from radar_moderation.decisions import AUTO, take_decision
from radar_moderation.domain import (
    TRANSITIONS,
    Policy,
    automatic_decision,
    report_state,
)
from radar_moderation.store import audit, erasure, measures, queue, reports

log = logging.getLogger(__name__)


async def project_measure(conn: asyncpg.Connection, event: MeasurePublished) -> None:
    """Keep the newest version of a measure; older versions arriving late change nothing."""
    snap = event.payload
    await measures.upsert_measure(
        conn,
        measure_id=snap.measure_id,
        version=snap.version,
        slug=snap.slug,
        title=snap.title,
        archived=snap.archived,
    )


async def queue_for_review(
    conn: asyncpg.Connection, event: CommentSubmitted, *, settings: ModerationSettings
) -> None:
    """Queue a comment once, flag it, and let the policy decide clear cases."""
    p = event.payload
    await erasure.hold_participant(conn, p.participant_id)
    if await erasure.is_erased(conn, participant_digest(p.participant_id)):
        log.info("comment %s of an erased participant is not queued", p.comment_id)
        return
    fingerprint = form.fingerprint(p.body)
    new = await queue.queue_comment(
        conn,
        comment_id=p.comment_id,
        measure_id=p.measure_id,
        participant_id=p.participant_id,
        parent_id=p.parent_id,
        body=p.body,
        fingerprint=fingerprint,
        submitted_at=p.submitted_at,
    )
    if not new:
        return
    result = check_comment(p.body)
    own, others = await queue.count_repeats(
        conn,
        comment_id=p.comment_id,
        participant_id=p.participant_id,
        fingerprint=fingerprint,
        since=p.submitted_at - timedelta(hours=settings.duplicate_window_hours),
    )
    repeat = duplicate_flag(text=p.body, own=own, others=others)
    flags = [*result.flags, *([repeat] if repeat else [])]
    await queue.add_flags(conn, p.comment_id, flags=flags)
    await audit.append_audit(
        conn,
        actor_kind="system",
        actor_id=None,
        action="queued",
        comment_id=p.comment_id,
        details={"flags": [f.code for f in flags], "spam_score": result.spam_score},
    )
    policy = Policy(
        auto_reject_spam=settings.auto_reject_spam,
        spam_reject_score=settings.spam_reject_score,
        auto_approve_unflagged=settings.auto_approve_unflagged,
    )
    decision = automatic_decision(flags, spam_score=result.spam_score, policy=policy)
    if decision is not None:
        await take_decision(
            conn,
            comment_id=p.comment_id,
            measure_id=p.measure_id,
            decision=decision,
            new_state=TRANSITIONS[decision.decision][1],
            actor=AUTO,
            producer=settings.service_name,
            now=utcnow(),
        )


async def record_report(conn: asyncpg.Connection, event: CommentReported) -> None:
    """A report joins its comment's open reports, or is closed at once if the comment is gone."""
    p = event.payload
    await erasure.hold_participant(conn, p.reporter_id)
    if await erasure.is_erased(conn, participant_digest(p.reporter_id)):
        return
    item = await queue.lock_item(conn, p.comment_id)
    if item is None:
        raise NotYet(f"report on comment {p.comment_id}, not queued yet")
    await reports.insert_report(
        conn,
        report_id=p.report_id,
        comment_id=p.comment_id,
        reporter_id=p.reporter_id,
        reason=p.reason,
        reported_at=p.reported_at,
        state=report_state(item["state"], erased=item["erased_at"] is not None),
    )


async def withdraw_comment(conn: asyncpg.Connection, event: CommentWithdrawn) -> None:
    """A withdrawn comment leaves the queue with its text; its decisions stay counted."""
    p = event.payload
    if await queue.lock_item(conn, p.comment_id) is None:
        raise NotYet(f"withdrawal of comment {p.comment_id}, not queued yet")
    await queue.withdraw_item(conn, p.comment_id, at=p.withdrawn_at)
    await reports.close_reports(conn, p.comment_id, state="void", at=p.withdrawn_at)
    await audit.append_audit(
        conn, actor_kind="system", actor_id=None, action="withdrawn", comment_id=p.comment_id, details={}
    )


async def erase_participant(conn: asyncpg.Connection, event: ParticipantErasureRequested) -> None:
    """Remove the participant's texts and reports; the decisions keep their outcome, reason and time."""
    participant_id = event.payload.participant_id
    await erasure.hold_participant(conn, participant_id)
    erased = await erasure.erase_participant(
        conn, participant_id, participant_digest=participant_digest(participant_id), at=utcnow()
    )
    log.info("erasure: %d comments of a participant lost their text", erased)


def register(consumer: EventConsumer, settings: ServiceSettings) -> None:
    """Subscribe moderation's handlers in its consumer group."""
    moderation = cast(ModerationSettings, settings)  # read when an event arrives, never here

    async def review(conn: asyncpg.Connection, event: CommentSubmitted) -> None:
        await queue_for_review(conn, event, settings=moderation)

    for measure_event in (MeasurePublished, MeasureUpdated, MeasureArchived):
        consumer.on(measure_event, project_measure)
    consumer.on(CommentSubmitted, review)
    consumer.on(CommentReported, record_report)
    consumer.on(CommentWithdrawn, withdraw_comment)
    consumer.on(ParticipantErasureRequested, erase_participant)
