"""The caller's own: their comments with their fate, and the erasure of their data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from radar_lib.service import runtime_of
from radar_participation.api.callers import participant_of, settings_of, viewer_of
from radar_participation.api.views import own_item
from radar_participation.erasure import request_erasure
from radar_participation.store.comments import comments_of

router = APIRouter()


@router.get("/me/comments")
@router.get("/comments/mine")
async def my_comments(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Every comment of the caller, newest first, with its measure and its status; if rejected, the
    netiquette code and the moderator's note (the clause's text is moderation's: GET /netiquette)."""
    viewer = viewer_of(request)
    if viewer is None:
        return {"items": [], "total": 0}
    rows, total = await comments_of(
        runtime_of(request).pool, participant_id=viewer, limit=per_page, offset=(page - 1) * per_page
    )
    return {"items": [own_item(r) for r in rows], "total": total}


@router.post("/me/erasure", status_code=202)
async def erase_me(request: Request) -> JSONResponse:
    """Ask for the erasure of everything the caller wrote, rated and reported, in every service."""
    participant_id = participant_of(request)
    answer = await request_erasure(
        runtime_of(request).pool, participant_id=participant_id, producer=settings_of(request).service_name
    )
    return JSONResponse(answer, status_code=202)
