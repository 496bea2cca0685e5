"""Moderation's HTTP routes, for staff with the moderator role, reached through the gateway."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from radar_lib.events import CommentApproved, CommentDecisionPayload, CommentRejected, utcnow
from radar_lib.outbox import add_event
from radar_lib.service import runtime_of
from radar_lib.web import require_role
from radar_moderation import store
from radar_moderation.domain import check_decision, ensure_decidable

router = APIRouter(prefix="/moderation")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: str
    reason_code: str | None = None
    note: str | None = None


@router.get("/queue")
async def queue(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """Pending comments, oldest first."""
    require_role(request, "moderator")
    rows, total = await store.pending_items(
        runtime_of(request).pool, limit=per_page, offset=(page - 1) * per_page
    )
    items = [
        {
            "comment_id": str(r["comment_id"]),
            "measure_id": str(r["measure_id"]),
            "body": r["body"],
            "submitted_at": r["submitted_at"].isoformat(),
        }
        for r in rows
    ]
    return {"items": items, "total": total}


@router.post("/comments/{comment_id}/decision")
async def decide(comment_id: uuid.UUID, body: DecisionIn, request: Request) -> dict[str, Any]:
    """Approve or reject a queued comment; the decision leaves through the outbox."""
    moderator = require_role(request, "moderator")
    runtime = runtime_of(request)
    decision = check_decision(decision=body.decision, reason_code=body.reason_code, note=body.note)
    async with runtime.pool.acquire() as conn, conn.transaction():
        item = await store.lock_item(conn, comment_id)
        ensure_decidable(item["state"] if item else None)
        assert item is not None
        now = utcnow()
        await store.record_decision(
            conn,
            comment_id=comment_id,
            decision=decision.decision,
            reason_code=decision.reason_code,
            note=decision.note,
            moderator_id=moderator.id,
            decided_at=now,
        )
        await store.append_audit(
            conn,
            actor_id=moderator.id,
            action=decision.decision,
            comment_id=comment_id,
            details={"reason_code": decision.reason_code, "note": decision.note},
        )
        event_type = CommentApproved if decision.decision == "approve" else CommentRejected
        await add_event(
            conn,
            event_type.create(
                producer=runtime.settings.service_name,
                payload=CommentDecisionPayload(
                    comment_id=comment_id,
                    measure_id=item["measure_id"],
                    decided_at=now,
                    moderator_id=moderator.id,
                    reason_code=decision.reason_code,
                    note=decision.note,
                ),
            ),
        )
    return {"comment_id": str(comment_id), "decision": decision.decision, "decided_at": now.isoformat()}
