"""Routes that read measures: the filtered list and search, one measure, its history, all changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from radar_catalog.api.refs import measure_ref
from radar_catalog.api.views import change_view, measure_view
from radar_catalog.domain.measures import ensure_filter_values
from radar_catalog.domain.texts import clean_text
from radar_catalog.domain.vocabulary import FIRST_YEAR, LAST_YEAR, CatalogError
from radar_catalog.store import measures as store
from radar_catalog.store.structure import vocabulary
from radar_lib.service import runtime_of

router = APIRouter()
Filter = Annotated[list[str] | None, Query(max_length=20)]
Page = Annotated[int, Query(ge=1, le=10_000)]
PerPage = Annotated[int, Query(ge=1, le=100)]


@router.get("/measures")
async def list_measures(
    request: Request,
    field: Filter = None,
    status: Filter = None,
    lead: Filter = None,
    principle: Filter = None,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    archived: bool = False,
    page: Page = 1,
    per_page: PerPage = 20,
) -> dict[str, Any]:
    """Measures narrowed by field, status, lead, principle, year and a German full-text query."""
    pool = runtime_of(request).pool
    where = store.MeasureFilter(
        fields=tuple(field or ()),
        statuses=tuple(status or ()),
        leads=tuple(lead or ()),
        principles=tuple(principle or ()),
        year=year,
        query=clean_text(q, name="query", max_length=200, multiline=False) or None,
        include_archived=archived,
    )
    ensure_filter_values(
        fields=where.fields,
        statuses=where.statuses,
        leads=where.leads,
        principles=where.principles,
        vocabulary=await vocabulary(pool),
    )
    rows, total = await store.search_measures(pool, where=where, limit=per_page, offset=(page - 1) * per_page)
    return {"items": [measure_view(r) for r in rows], "total": total, "page": page, "per_page": per_page}


async def _measure(request: Request, ref: str) -> Any:
    row = await store.find_measure(runtime_of(request).pool, measure_ref(ref))
    if row is None:
        raise CatalogError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
    return row


@router.get("/measures/{ref}")
async def show_measure(ref: str, request: Request) -> dict[str, Any]:
    """One measure by id or slug, archived ones included."""
    return measure_view(await _measure(request, ref))


@router.get("/measures/{ref}/history")
async def measure_history(ref: str, request: Request) -> dict[str, Any]:
    """Every version of a measure, newest first, each with what changed and its public note."""
    row = await _measure(request, ref)
    rows = await store.history(runtime_of(request).pool, measure_id=row["measure_id"])
    return {"items": [change_view(r) for r in rows], "total": len(rows)}


@router.get("/changes")
async def list_changes(request: Request, page: Page = 1, per_page: PerPage = 20) -> dict[str, Any]:
    """All changes to all measures, newest first (the source of the Atom feed)."""
    rows, total = await store.recent_changes(
        runtime_of(request).pool, limit=per_page, offset=(page - 1) * per_page
    )
    items = [change_view(r, with_measure=True) for r in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}
