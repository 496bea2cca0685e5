"""Citizens' reports on published comments: the report queue, and hiding or dismissing."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from radar_lib.events import utcnow
from radar_lib.service import runtime_of
from radar_lib.web import documented, require_role
from radar_moderation.api.views import item_of
from radar_moderation.decisions import Actor, take_decision
from radar_moderation.domain import REPORT_DECISIONS, check_decision, ensure_decidable, ensure_reported
from radar_moderation.store import queue, reports

router = APIRouter(prefix="/moderation")


class ReportDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: str = Field(json_schema_extra=documented(type="string", enum=["hide", "dismiss"]))
    reason: str | None = None
    note: str | None = None


@router.get("/reports")
async def report_queue(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """Published comments with open reports, the longest-reported first: how many and why."""
    require_role(request, "moderator")
    rows, total = await reports.reported_comments(
        runtime_of(request).pool, limit=per_page, offset=(page - 1) * per_page
    )
    items = [
        {
            "comment_id": str(r["comment_id"]),
            "measure_id": str(r["measure_id"]),
            "measure_title": r["measure_title"],
            "measure_slug": r["measure_slug"],
            "body": r["body"],
            "submitted_at": r["submitted_at"].isoformat(),
            "reports": r["reports"],
            "reasons": json.loads(r["reasons"]),
            "first_reported_at": r["first_reported_at"].isoformat(),
            "last_reported_at": r["last_reported_at"].isoformat(),
        }
        for r in rows
    ]
    return {"items": items, "total": total}


@router.post("/reports/{comment_id}/decision")
async def decide_reports(comment_id: uuid.UUID, body: ReportDecisionIn, request: Request) -> dict[str, Any]:
    """Hide the reported comment (with a netiquette reason; comment.hidden) or dismiss its reports."""
    moderator = require_role(request, "moderator")
    runtime = runtime_of(request)
    decision = check_decision(
        decision=body.decision, reason_code=body.reason, note=body.note, allowed=REPORT_DECISIONS
    )
    now = utcnow()
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await queue.lock_item(conn, comment_id)
        state = ensure_decidable(item_of(row), decision.decision, moderator_id=moderator.id, now=now)
        assert row is not None
        ensure_reported(await reports.count_open(conn, comment_id))
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
