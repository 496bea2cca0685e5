"""One moderator's decision on one comment, the same steps for the queue and the report queue."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from fastapi import Request

from radar_lib.events import utcnow
from radar_lib.service import runtime_of
from radar_lib.token import Principal
from radar_moderation.api.views import item_of
from radar_moderation.decisions import Actor, take_decision
from radar_moderation.domain import Decision, ensure_decidable
from radar_moderation.store import queue

Precondition = Callable[[asyncpg.Connection], Awaitable[None]]


async def decide_one(
    request: Request,
    *,
    comment_id: uuid.UUID,
    decision: Decision,
    moderator: Principal,
    precondition: Precondition | None = None,
) -> dict[str, Any]:
    """Lock the item, check the rules (and the precondition), take the decision; the answer's body."""
    runtime = runtime_of(request)
    now = utcnow()
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await queue.lock_item(conn, comment_id)
        state = ensure_decidable(item_of(row), decision.decision, moderator_id=moderator.id, now=now)
        assert row is not None
        if precondition is not None:
            await precondition(conn)
        await take_decision(
            conn,
            comment_id=comment_id,
            measure_id=row["measure_id"],
            decision=decision,
            new_state=state,
            actor=Actor(kind="staff", id=moderator.id),
            producer=runtime.settings.service_name,
            now=now,
        )
    return {
        "comment_id": str(comment_id),
        "decision": decision.decision,
        "state": state,
        "decided_at": now.isoformat(),
    }
