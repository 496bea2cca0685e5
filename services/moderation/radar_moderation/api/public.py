"""What anyone may read: the netiquette and the moderation figures."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request

from radar_lib.events import utcnow
from radar_lib.service import runtime_of
from radar_moderation.api.views import settings_of
from radar_moderation.netiquette import CLAUSES
from radar_moderation.store import statistics
from radar_moderation.transparency import figures, months_between, period_bounds, snapshot_times

router = APIRouter()


# documented here, checked by the domain (MONTH_INVALID)
MONTH: dict[str, Any] = {"pattern": r"^2[0-9]{3}-(0[1-9]|1[0-2])$"}


@router.get("/netiquette")
async def netiquette() -> dict[str, Any]:
    """Each clause of the netiquette: its code (a decision's or a report's reason) and its text."""
    return {"clauses": [clause.as_json() for clause in CLAUSES]}


@router.get("/transparency/moderation")
async def moderation_figures(
    request: Request,
    first: Annotated[str | None, Query(alias="from", json_schema_extra=MONTH)] = None,
    last: Annotated[str | None, Query(alias="to", json_schema_extra=MONTH)] = None,
) -> dict[str, Any]:
    """Decisions by outcome and reason, time to decision, the queue: per month (YYYY-MM, from and to)."""
    zone = ZoneInfo(settings_of(request).statistics_time_zone)
    now = utcnow()
    months = months_between(first, last, today=now.astimezone(zone).date())
    start, end = period_bounds(months, zone)
    pool = runtime_of(request).pool
    return figures(
        months,
        counts=await statistics.decision_counts(pool, zone=zone.key, start=start, end=end),
        timings=await statistics.decision_timings(pool, zone=zone.key, start=start, end=end),
        snapshots=await statistics.queue_snapshots(pool, snapshot_times(months, zone=zone, now=now)),
        zone=zone,
    )
