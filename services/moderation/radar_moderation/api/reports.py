"""Citizens' reports on published comments: the report queue, and hiding or dismissing."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from radar_lib.service import runtime_of
from radar_lib.web import documented, require_role
from radar_moderation.api.deciding import decide_one
from radar_moderation.domain import REPORT_DECISIONS, check_decision, ensure_reported
from radar_moderation.store import reports

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
    decision = check_decision(
        decision=body.decision, reason_code=body.reason, note=body.note, allowed=REPORT_DECISIONS
    )

    async def reported(conn: asyncpg.Connection) -> None:
        ensure_reported(await reports.count_open(conn, comment_id))

    return await decide_one(
        request, comment_id=comment_id, decision=decision, moderator=moderator, precondition=reported
    )
