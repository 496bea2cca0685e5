"""Ratings of measures, and the counts of comments and ratings for lists and the radar."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from radar_lib.events import utcnow
from radar_lib.service import runtime_of
from radar_participation.announce import announce_change
from radar_participation.api.callers import participant_of, viewer_of
from radar_participation.domain import (
    ParticipationError,
    check_stars,
    ensure_open_for_ratings,
    summarise_ratings,
)
from radar_participation.erasure import lock_live_participant
from radar_participation.store import ratings as store
from radar_participation.store.measures import find_measure, participation_counts

router = APIRouter()
MAX_MEASURES = 100  # a radar page asks for its filtered measures; slugs fit in MEASURES_PARAMETER_CHARS


STAR_RANGE: dict[str, Any] = {"minimum": 1, "maximum": 5}
# fits the gateway's 4 KiB URL limit even when every character is percent-encoded UTF-8
MEASURES_PARAMETER_CHARS = 300


def whole_number(value: Any) -> int:
    """A JSON integer, also written 3.0 (JSON Schema's integer); never a string or a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a whole number is needed")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("a whole number is needed")
    return int(value)


class NewRating(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # the range is documented here and checked by the domain, which names it RATING_OUT_OF_RANGE
    stars: Annotated[int, BeforeValidator(whole_number), Field(json_schema_extra=STAR_RANGE)]


async def _summary(pool: asyncpg.Pool, *, measure_id: uuid.UUID, viewer: uuid.UUID | None) -> dict[str, Any]:
    summary = summarise_ratings(await store.stars_counted(pool, measure_id=measure_id))
    return {
        "measure_id": str(measure_id),
        "mean": summary.mean,
        "count": summary.count,
        "distribution": {str(stars): n for stars, n in summary.distribution.items()},
        "own": await store.own_stars(pool, measure_id=measure_id, participant_id=viewer),
    }


def _producer(request: Request) -> str:
    return str(runtime_of(request).settings.service_name)


async def _known_measure(pool: asyncpg.Pool, ref: str) -> uuid.UUID:
    measure = await find_measure(pool, ref)
    if measure is None:
        raise ParticipationError("MEASURE_NOT_FOUND", "There is no such measure.", 404)
    return measure.measure_id


@router.get("/measures/{measure_ref}/rating")
async def rating(measure_ref: str, request: Request) -> dict[str, Any]:
    """A measure's mean, count and distribution of stars, and the caller's own rating."""
    pool = runtime_of(request).pool
    return await _summary(pool, measure_id=await _known_measure(pool, measure_ref), viewer=viewer_of(request))


@router.put("/measures/{measure_ref}/rating")
async def rate(measure_ref: str, new: NewRating, request: Request) -> dict[str, Any]:
    """Rate a measure 1 to 5 stars, or change one's rating; one per participant and measure."""
    rater = participant_of(request)
    pool = runtime_of(request).pool
    stars = check_stars(new.stars)
    async with pool.acquire() as conn, conn.transaction():
        await lock_live_participant(conn, rater)  # wholly before the rater's erasure, or refused
        measure = ensure_open_for_ratings(await find_measure(conn, measure_ref))
        await store.put_rating(
            conn, measure_id=measure.measure_id, participant_id=rater, stars=stars, rated_at=utcnow()
        )
        await announce_change(
            conn, producer=_producer(request), measure_id=measure.measure_id, cause="rating"
        )
    return await _summary(pool, measure_id=measure.measure_id, viewer=rater)


@router.delete("/measures/{measure_ref}/rating")
async def remove_rating(measure_ref: str, request: Request) -> dict[str, Any]:
    """Remove one's rating (also of an archived measure); removing none changes nothing."""
    rater = participant_of(request)
    pool = runtime_of(request).pool
    measure_id = await _known_measure(pool, measure_ref)
    async with pool.acquire() as conn, conn.transaction():
        if await store.remove_rating(conn, measure_id=measure_id, participant_id=rater):
            await announce_change(conn, producer=_producer(request), measure_id=measure_id, cause="rating")
    return await _summary(pool, measure_id=measure_id, viewer=rater)


@router.get("/counts")
async def counts(
    request: Request, measures: Annotated[str | None, Query(max_length=MEASURES_PARAMETER_CHARS)] = None
) -> dict[str, Any]:
    """Published comments and ratings (count, mean) per measure: the named ones (ids or slugs,
    comma-separated), or every measure participation knows."""
    refs = None if measures is None else [r for r in (m.strip() for m in measures.split(",")) if r]
    if refs is not None and len(refs) > MAX_MEASURES:
        raise ParticipationError("TOO_MANY_MEASURES", f"Ask for at most {MAX_MEASURES} measures at once.")
    rows = await participation_counts(runtime_of(request).pool, refs=refs)
    items = [
        {
            "measure_id": str(r["measure_id"]),
            "slug": r["slug"],
            "comments": r["comments"],
            "ratings": r["ratings"],
            "mean": r["mean"],
        }
        for r in rows
    ]
    return {"items": items}
