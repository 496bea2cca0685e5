"""Taking a decision, in the caller's transaction: the same steps for a moderator and for the policy.

Guarantee: the decision row, the item's new state, the closing of its open reports, the audit
row and the event (comment.approved, .rejected or .hidden; a dismissal has none) commit
together or not at all. An event with a note is remembered by comment (store.erasure.noted),
so that its author's erasure finds its stream entry. The caller has locked the item and
checked the rules (domain).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from radar_lib.events import CommentApproved, CommentDecisionPayload, CommentHidden, CommentRejected, Event
from radar_lib.outbox import add_event
from radar_moderation.domain import Decision
from radar_moderation.store import audit, erasure, queue, reports

EVENTS: dict[str, type[Event]] = {
    "approve": CommentApproved,
    "reject": CommentRejected,
    "hide": CommentHidden,
}
REPORT_OUTCOMES = {"hide": "hidden", "dismiss": "dismissed"}


@dataclass(frozen=True)
class Actor:
    kind: str  # "staff" or "auto"
    id: uuid.UUID | None = None


AUTO = Actor(kind="auto")


async def take_decision(
    conn: asyncpg.Connection,
    *,
    comment_id: uuid.UUID,
    measure_id: uuid.UUID,
    decision: Decision,
    new_state: str,
    actor: Actor,
    producer: str,
    now: datetime,
) -> None:
    """Record a decision on a locked item and send its event through the outbox."""
    await audit.insert_decision(
        conn,
        comment_id=comment_id,
        decision=decision.decision,
        reason_code=decision.reason_code,
        note=decision.note,
        actor_kind=actor.kind,
        moderator_id=actor.id,
        decided_at=now,
    )
    await queue.set_state(conn, comment_id, state=new_state, at=now)
    closed = 0
    if decision.decision in REPORT_OUTCOMES:
        closed = await reports.close_reports(
            conn, comment_id, state=REPORT_OUTCOMES[decision.decision], at=now
        )
    details: dict[str, object] = {"reason_code": decision.reason_code, "note": decision.note}
    if closed:
        details["reports_closed"] = closed
    await audit.append_audit(
        conn,
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=decision.decision,
        comment_id=comment_id,
        details=details,
        at=now,
    )
    event_type = EVENTS.get(decision.decision)
    if event_type is None:
        return
    payload = CommentDecisionPayload(
        comment_id=comment_id,
        measure_id=measure_id,
        decided_at=now,
        moderator_id=actor.id,
        reason_code=decision.reason_code,
        note=decision.note,
        automatic=actor.kind == "auto",
    )
    event = event_type.create(producer=producer, payload=payload)
    await add_event(conn, event)
    if decision.note is not None:  # a note may quote the comment: it goes with its author's data
        await erasure.noted(conn, event_id=event.event_id, comment_id=comment_id, stream=event.stream())
