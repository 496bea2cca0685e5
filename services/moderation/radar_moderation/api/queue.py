"""The queue of submitted comments: list, look, claim, decide one, approve many."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from radar_lib.events import utcnow
from radar_lib.service import runtime_of
from radar_lib.web import documented, require_role
from radar_moderation.api.deciding import decide_one
from radar_moderation.api.views import decision_json, item_json, item_of, settings_of
from radar_moderation.checks import FLAG_KINDS
from radar_moderation.decisions import Actor, take_decision
from radar_moderation.domain import (
    ModerationError,
    check_decision,
    ensure_all_decidable,
    ensure_claimable,
    ensure_releasable,
    lease_until,
    unique_ids,
)
from radar_moderation.store import audit, queue

router = APIRouter(prefix="/moderation")


FLAG_ENUM = documented(type="string", enum=sorted(FLAG_KINDS))


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: str = Field(json_schema_extra=documented(type="string", enum=["approve", "reject", "hide"]))
    reason: str | None = None
    note: str | None = None


class BulkDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[uuid.UUID] = Field(max_length=1000, json_schema_extra={"minItems": 1, "maxItems": 100})
    decision: str = Field(json_schema_extra=documented(type="string", enum=["approve"]))


@router.get("/flags")
async def flag_kinds(request: Request) -> dict[str, Any]:
    """The flags the automatic checks give, with the netiquette clause each points to."""
    require_role(request, "moderator")
    kinds = [
        {"code": k.code, "reason_code": k.reason_code, "label": {"de": k.label_de, "en": k.label_en}}
        for k in FLAG_KINDS.values()
    ]
    return {"flags": kinds}


@router.get("/queue")
async def pending_queue(
    request: Request,
    flag: Annotated[str | None, Query(json_schema_extra=FLAG_ENUM)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """Pending comments, oldest first, with their flags; only those with this flag if one is given."""
    require_role(request, "moderator")
    if flag is not None and flag not in FLAG_KINDS:
        raise ModerationError("FLAG_UNKNOWN", f"The flag must be one of: {', '.join(FLAG_KINDS)}")
    pool, now = runtime_of(request).pool, utcnow()
    rows, total = await queue.pending_items(
        pool, flag=flag, now=now, limit=per_page, offset=(page - 1) * per_page
    )
    flags = await queue.flags_of(pool, [r["comment_id"] for r in rows])
    items = [
        {
            **item_json(r, flags.get(r["comment_id"], []), now=now),
            "participant_recent": {"last_24h": r["last_24h"] or 0, "last_7d": r["last_7d"] or 0},
        }
        for r in rows
    ]
    return {"items": items, "total": total}


@router.get("/comments/{comment_id:uuid}")
async def queue_item(comment_id: uuid.UUID, request: Request) -> dict[str, Any]:
    """One item in any state, with its flags and the decisions taken on it."""
    require_role(request, "moderator")
    pool = runtime_of(request).pool
    row = await queue.find_item(pool, comment_id)
    if row is None:
        raise ModerationError("COMMENT_NOT_IN_QUEUE", "There is no such comment in the queue.", 404)
    flags = await queue.flags_of(pool, [comment_id])
    return {
        **item_json(row, flags.get(comment_id, []), now=utcnow()),
        "state": row["state"],
        "decisions": [decision_json(d) for d in await audit.decisions_on(pool, comment_id)],
    }


@router.post("/comments/{comment_id}/claim")
async def claim(comment_id: uuid.UUID, request: Request) -> dict[str, Any]:
    """Take a lease on a pending item, so that no other moderator decides it meanwhile."""
    moderator = require_role(request, "moderator")
    assert moderator.id is not None
    now = utcnow()
    until = lease_until(now, minutes=settings_of(request).claim_minutes)
    async with runtime_of(request).pool.acquire() as conn, conn.transaction():
        ensure_claimable(item_of(await queue.lock_item(conn, comment_id)), moderator_id=moderator.id, now=now)
        await queue.set_claim(conn, comment_id, moderator_id=moderator.id, until=until)
    return {"comment_id": str(comment_id), "claimed_by": str(moderator.id), "expires_at": until.isoformat()}


@router.delete("/comments/{comment_id}/claim")
async def release(comment_id: uuid.UUID, request: Request) -> dict[str, Any]:
    """Give one's lease back."""
    moderator = require_role(request, "moderator")
    assert moderator.id is not None
    async with runtime_of(request).pool.acquire() as conn, conn.transaction():
        ensure_releasable(
            item_of(await queue.lock_item(conn, comment_id)), moderator_id=moderator.id, now=utcnow()
        )
        await queue.set_claim(conn, comment_id, moderator_id=None, until=None)
    return {"comment_id": str(comment_id), "claimed_by": None}


@router.post("/comments/{comment_id}/decision")
async def decide(comment_id: uuid.UUID, body: DecisionIn, request: Request) -> dict[str, Any]:
    """Approve or reject a pending comment, or hide a published one; the event leaves through the outbox."""
    moderator = require_role(request, "moderator")
    decision = check_decision(decision=body.decision, reason_code=body.reason, note=body.note)
    return await decide_one(request, comment_id=comment_id, decision=decision, moderator=moderator)


@router.post("/comments/bulk-decision")
async def decide_many(body: BulkDecisionIn, request: Request) -> dict[str, Any]:
    """Approve several pending comments: all of them, or, if any one cannot be, none (409 BULK_REFUSED)."""
    moderator = require_role(request, "moderator")
    assert moderator.id is not None
    runtime = runtime_of(request)
    decision = check_decision(decision=body.decision, reason_code=None, note=None, allowed=("approve",))
    ids, now = unique_ids(body.ids), utcnow()
    async with runtime.pool.acquire() as conn, conn.transaction():
        rows = {r["comment_id"]: r for r in await queue.lock_items(conn, ids)}
        items = {comment_id: item for comment_id, r in rows.items() if (item := item_of(r))}
        states = ensure_all_decidable(
            items, ids, decision=decision.decision, moderator_id=moderator.id, now=now
        )
        for comment_id in ids:
            await take_decision(
                conn,
                comment_id=comment_id,
                measure_id=rows[comment_id]["measure_id"],
                decision=decision,
                new_state=states[comment_id],
                actor=Actor(kind="staff", id=moderator.id),
                producer=runtime.settings.service_name,
                now=now,
            )
    return {"decision": decision.decision, "decided": [str(i) for i in ids], "decided_at": now.isoformat()}
