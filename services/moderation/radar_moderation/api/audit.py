"""The audit log of every decision, for administrators."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from radar_lib.service import runtime_of
from radar_lib.web import require_role
from radar_moderation.store import audit

router = APIRouter(prefix="/moderation")


@router.get("/audit")
async def audit_log(
    request: Request,
    comment_id: uuid.UUID | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """Who did what, when and why, newest first; of one comment if one is given."""
    require_role(request, "admin")
    rows, total = await audit.audit_entries(
        runtime_of(request).pool, comment_id=comment_id, limit=per_page, offset=(page - 1) * per_page
    )
    items = [
        {
            "seq": r["seq"],
            "at": r["at"].isoformat(),
            "actor": {"kind": r["actor_kind"], "id": str(r["actor_id"]) if r["actor_id"] else None},
            "action": r["action"],
            "comment_id": str(r["comment_id"]),
            "details": json.loads(r["details"]),
        }
        for r in rows
    ]
    return {"items": items, "total": total}
