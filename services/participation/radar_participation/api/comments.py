"""Comments: submit, the thread, withdraw, report."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from radar_lib.service import runtime_of
from radar_participation import commenting
from radar_participation.api.callers import comment_ref, participant_of, settings_of, viewer_of
from radar_participation.api.views import nest
from radar_participation.domain import ParticipationError, idempotency_key_of
from radar_participation.store import comments as store
from radar_participation.store.measures import find_measure

router = APIRouter()


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str
    parent_id: uuid.UUID | None = None
    display_name: str | None = None
    idempotency_key: str | None = None


class NewReport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str


@router.post("/measures/{measure_ref}/comments", status_code=202)
async def submit_comment(
    measure_ref: str,
    new: NewComment,
    request: Request,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Store a comment or reply as pending; the same form key again stores nothing and answers the same."""
    author = participant_of(request)
    form = commenting.CommentForm(
        body=new.body,
        parent_id=new.parent_id,
        display_name=new.display_name,
        idempotency_key=idempotency_key_of(idempotency_key, new.idempotency_key),
    )
    done = await commenting.submit_comment(
        runtime_of(request).pool, settings_of(request), author=author, measure_ref=measure_ref, form=form
    )
    headers = {"Idempotent-Replayed": "true"} if done.replayed else {}
    return JSONResponse({"id": str(done.comment_id), "status": "pending"}, status_code=202, headers=headers)


@router.get("/measures/{measure_ref}/comments")
async def thread(
    measure_ref: str,
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """A measure's thread: published comments with their replies, and the caller's own pending or rejected."""
    pool = runtime_of(request).pool
    viewer = viewer_of(request)
    measure = await find_measure(pool, measure_ref)
    if measure is None:
        raise ParticipationError("MEASURE_NOT_FOUND", "There is no such measure.", 404)
    top, total = await store.thread_page(
        pool, measure_id=measure.measure_id, viewer=viewer, limit=per_page, offset=(page - 1) * per_page
    )
    replies = await store.replies_to(pool, parent_ids=[r["comment_id"] for r in top], viewer=viewer)
    return {"items": nest(top, replies, viewer=viewer), "total": total}


@router.get("/comments/{ref}/place")
async def comment_place(ref: str, request: Request) -> dict[str, Any]:
    """Where the caller finds a comment in its measure's thread, for a link to it: the measure, the
    top-level comment it stands under, and that one's position; 404 when the caller does not see it."""
    comment_id, pool = comment_ref(ref), runtime_of(request).pool
    place = await store.place_in_thread(pool, comment_id=comment_id, viewer=viewer_of(request))
    if place is None:
        raise ParticipationError("COMMENT_NOT_FOUND", "There is no such comment.", 404)
    return {
        "id": str(comment_id),
        "measure": place.slug,
        "top_level_id": str(place.top_level_id),
        "position": place.position,
    }


@router.delete("/comments/{ref}")
@router.post("/comments/{ref}/withdraw")
async def withdraw_comment(ref: str, request: Request) -> dict[str, str]:
    """The author withdraws a comment; withdrawing it again changes nothing."""
    author = participant_of(request)
    comment_id = comment_ref(ref)
    pool, settings = runtime_of(request).pool, settings_of(request)
    await commenting.withdraw_comment(pool, settings, author=author, comment_id=comment_id)
    return {"id": str(comment_id), "status": "withdrawn"}


@router.post("/comments/{ref}/reports", status_code=202)
async def report_comment(ref: str, report: NewReport, request: Request) -> dict[str, str]:
    """Report a published comment for a netiquette clause; it travels to moderation as comment.reported."""
    reporter = participant_of(request)
    pool, settings = runtime_of(request).pool, settings_of(request)
    report_id = await commenting.report_comment(
        pool, settings, reporter=reporter, comment_id=comment_ref(ref), reason=report.reason
    )
    return {"id": str(report_id), "status": "received"}
