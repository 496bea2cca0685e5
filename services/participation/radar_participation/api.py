"""Participation's HTTP routes, reached only through the gateway."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from radar_lib.events import CommentSubmitted, CommentSubmittedPayload, utcnow
from radar_lib.outbox import add_event
from radar_lib.service import runtime_of
from radar_lib.web import ApiError, principal
from radar_participation import store
from radar_participation.config import ParticipationSettings
from radar_participation.domain import clean_comment_body, ensure_open_for_comments

router = APIRouter()


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str


@router.post("/measures/{measure_ref}/comments", status_code=202)
async def submit_comment(measure_ref: str, new: NewComment, request: Request) -> JSONResponse:
    """Store a comment as pending; it reaches moderation through the outbox."""
    who = principal(request)
    if who.kind != "participant" or who.id is None:
        raise ApiError(401, "PARTICIPANT_REQUIRED", "Comments need a participant identity.")
    runtime = runtime_of(request)
    settings: ParticipationSettings = runtime.settings
    body = clean_comment_body(new.body, max_length=settings.comment_max_length)
    measure = ensure_open_for_comments(await store.find_measure(runtime.pool, measure_ref))
    comment_id, now = uuid.uuid4(), utcnow()
    async with runtime.pool.acquire() as conn, conn.transaction():
        await store.insert_comment(
            conn,
            comment_id=comment_id,
            measure_id=measure.measure_id,
            participant_id=who.id,
            body=body,
            submitted_at=now,
        )
        await add_event(
            conn,
            CommentSubmitted.create(
                producer=settings.service_name,
                payload=CommentSubmittedPayload(
                    comment_id=comment_id,
                    measure_id=measure.measure_id,
                    participant_id=who.id,
                    body=body,
                    submitted_at=now,
                ),
            ),
        )
    return JSONResponse({"id": str(comment_id), "status": "pending"}, status_code=202)


@router.get("/measures/{measure_ref}/comments")
async def list_comments(
    measure_ref: str,
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """The published thread of a measure."""
    runtime = runtime_of(request)
    measure = await store.find_measure(runtime.pool, measure_ref)
    if measure is None:
        raise ApiError(404, "MEASURE_NOT_FOUND", "There is no such measure.")
    rows, total = await store.published_comments(
        runtime.pool, measure_id=measure.measure_id, limit=per_page, offset=(page - 1) * per_page
    )
    items = [
        {"id": str(r["comment_id"]), "body": r["body"], "published_at": r["published_at"].isoformat()}
        for r in rows
    ]
    return {"items": items, "total": total}


@router.get("/comments/mine")
async def my_comments(request: Request) -> dict[str, Any]:
    """Every comment of the calling participant, with its status and, if rejected, the reason."""
    who = principal(request)
    if who.kind != "participant" or who.id is None:
        return {"items": [], "total": 0}
    rows = await store.comments_of(runtime_of(request).pool, participant_id=who.id)
    items = [
        {
            "id": str(r["comment_id"]),
            "measure_id": str(r["measure_id"]),
            "measure_slug": r["slug"],
            "body": r["body"],
            "status": r["status"],
            "reason_code": r["reason_code"],
            "submitted_at": r["submitted_at"].isoformat(),
        }
        for r in rows
    ]
    return {"items": items, "total": len(items)}
