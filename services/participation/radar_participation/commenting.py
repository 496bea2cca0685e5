"""Writing comments, replies, withdrawals and reports: each one transaction with its event.

Every write of a participant takes the participant's lock first (store.erasure), so it
happens wholly before or wholly after the erasure of their data; a new comment or report is
refused once the participant has asked for that erasure (erasure.lock_live_participant).
Events that carry a comment's text are written with `add_event_carrying`, so erasure can
find their entries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from radar_lib.events import (
    CommentReported,
    CommentReportedPayload,
    CommentSubmitted,
    CommentSubmittedPayload,
    CommentWithdrawn,
    CommentWithdrawnPayload,
    utcnow,
)
from radar_lib.outbox import add_event
from radar_participation.announce import announce_change
from radar_participation.config import ParticipationSettings
from radar_participation.domain import (
    PUBLIC,
    CommentView,
    ParticipationError,
    clean_comment_body,
    clean_display_name,
    ensure_can_reply,
    ensure_open_for_comments,
    ensure_reportable,
    ensure_same_submission,
    withdrawal_due,
)
from radar_participation.erasure import add_event_carrying, lock_live_participant
from radar_participation.store import comments as store
from radar_participation.store.erasure import lock_participant
from radar_participation.store.measures import find_measure
from radar_participation.store.reports import insert_report


@dataclass(frozen=True)
class CommentForm:
    """What a participant sent: the text, and optionally the comment it answers, a name, a form key."""

    body: str
    parent_id: uuid.UUID | None = None
    display_name: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Submission:
    comment_id: uuid.UUID
    replayed: bool  # the same form came before: nothing was stored this time


async def submit_comment(
    pool: asyncpg.Pool,
    settings: ParticipationSettings,
    *,
    author: uuid.UUID,
    measure_ref: str,
    form: CommentForm,
) -> Submission:
    """Store a comment as pending with its comment.submitted event; a repeated form stores nothing."""
    body = clean_comment_body(form.body, max_length=settings.comment_max_length)
    name = clean_display_name(form.display_name, max_length=settings.display_name_max_length)
    async with pool.acquire() as conn, conn.transaction():
        await lock_live_participant(conn, author)
        measure = await find_measure(conn, measure_ref)
        key = form.idempotency_key
        first = await store.comment_by_key(conn, participant_id=author, idempotency_key=key) if key else None
        if first is not None and measure is not None:
            ensure_same_submission(
                first, measure_id=measure.measure_id, parent_id=form.parent_id, body=body, display_name=name
            )
            return Submission(first.comment_id, replayed=True)
        measure = ensure_open_for_comments(measure)
        if form.parent_id is not None:
            parent = await store.find_comment(conn, form.parent_id)
            ensure_can_reply(parent, measure_id=measure.measure_id, author=author)
        comment = CommentView(
            comment_id=uuid.uuid4(),
            measure_id=measure.measure_id,
            parent_id=form.parent_id,
            participant_id=author,
            status="pending",
            body=body,
            display_name=name,
        )
        now = utcnow()
        await store.insert_comment(conn, comment, idempotency_key=key, submitted_at=now)
        payload = CommentSubmittedPayload(
            comment_id=comment.comment_id,
            measure_id=comment.measure_id,
            participant_id=author,
            body=body,
            parent_id=form.parent_id,
            display_name=name,
            submitted_at=now,
        )
        event = CommentSubmitted.create(producer=settings.service_name, payload=payload)
        await add_event_carrying(conn, event, participants=[author])
    return Submission(comment.comment_id, replayed=False)


async def withdraw_comment(
    pool: asyncpg.Pool, settings: ParticipationSettings, *, author: uuid.UUID, comment_id: uuid.UUID
) -> None:
    """The author takes a comment back: it leaves the thread; later decisions on it change nothing."""
    async with pool.acquire() as conn, conn.transaction():
        await lock_participant(conn, author)
        comment = await store.find_comment(conn, comment_id)
        if not withdrawal_due(comment, author=author):
            return
        assert comment is not None
        now = utcnow()
        await store.withdraw_comment(conn, comment_id=comment_id, at=now)
        payload = CommentWithdrawnPayload(
            comment_id=comment_id, measure_id=comment.measure_id, withdrawn_at=now
        )
        await add_event(conn, CommentWithdrawn.create(producer=settings.service_name, payload=payload))
        if comment.status == PUBLIC:
            await announce_change(
                conn, producer=settings.service_name, measure_id=comment.measure_id, cause="comment_withdrawn"
            )


async def report_comment(
    pool: asyncpg.Pool,
    settings: ParticipationSettings,
    *,
    reporter: uuid.UUID,
    comment_id: uuid.UUID,
    reason: str,
) -> uuid.UUID:
    """Record a report on a published comment and send it to moderation as comment.reported."""
    async with pool.acquire() as conn, conn.transaction():
        await lock_live_participant(conn, reporter)
        # locked: the author's erasure waits for this report's event, or this sees the tombstone
        comment = ensure_reportable(
            await store.lock_comment(conn, comment_id), reporter=reporter, reason=reason
        )
        report_id, now = uuid.uuid4(), utcnow()
        if not await insert_report(
            conn,
            report_id=report_id,
            comment_id=comment_id,
            reporter_id=reporter,
            reason=reason,
            reported_at=now,
        ):
            raise ParticipationError("ALREADY_REPORTED", "You reported this comment before.", 409)
        payload = CommentReportedPayload(
            report_id=report_id,
            comment_id=comment_id,
            measure_id=comment.measure_id,
            reporter_id=reporter,
            reason=reason,
            body=comment.body or "",
            reported_at=now,
        )
        event = CommentReported.create(producer=settings.service_name, payload=payload)
        await add_event_carrying(conn, event, participants=[reporter, comment.participant_id])
    return report_id
