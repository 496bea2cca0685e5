"""The pages of the strategy's structure, in each of its editions: a field of action, a core area,
and an edition with its core areas and fields."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from radar_gateway.context import gateway_of
from radar_gateway.numbers import page_number
from radar_gateway.web.editions_view import (
    edition_href,
    edition_param,
    editions,
    in_ring_order,
    switch,
)
from radar_gateway.web.links import Slug
from radar_gateway.web.page_cache import served
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.radar_view import measure_groups, moved_recently, radar_view
from radar_gateway.web.render import Page, page_of, render
from radar_gateway.web.services import call, together
from radar_gateway.web.views import ListPage, measure_order, participation_counts, period, with_page

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]
EditionQuery = Annotated[str | None, Query(max_length=200)]


def _presented(item: dict[str, Any]) -> dict[str, Any]:
    """A field or core area with its measures in list order and its counts in the status order."""
    shown = {**item, "status_counts": in_ring_order(item.get("status_counts", []))}
    if "measures" in item:
        shown["measures"] = sorted(item["measures"], key=measure_order)
    return shown


def _by_edition(query: str | None) -> dict[str, str | int | list[str] | None]:
    return {"edition": query} if query else {}


async def _editions_with(
    request: Request, every: list[dict[str, Any]], *, listing: str, slug: str
) -> set[str]:
    """The editions that have a field (listing "/fields") or a core area ("/core-areas") of this slug."""
    lists = await together(*(call(request, "catalog", listing, query={"edition": e["slug"]}) for e in every))
    return {
        e["slug"]
        for e, listed in zip(every, lists, strict=True)
        if any(item["slug"] == slug for item in listed["items"])
    }


@router.get("/felder/{slug}")
async def field_page(slug: Slug, page: PageDep, edition: EditionQuery = None) -> Response:
    """A field of action in an edition: introduction, quote, media, goals, counts per status, its measures."""
    return await served(page, lambda: _field_page(slug, page, edition))


async def _field_page(slug: str, page: Page, edition: str | None) -> Response:
    request = page.request
    settings = gateway_of(request).settings
    chosen = edition_param(edition)
    found, every = await together(
        call(
            request,
            "catalog",
            f"/fields/{slug}",
            query={**_by_edition(chosen), "measures_at_most": settings.blips_at_most},
        ),
        editions(request),
    )
    shown = found["edition"]
    areas, having = await together(
        call(request, "catalog", "/core-areas", query={"edition": shown["slug"]}),
        _editions_with(request, every, listing="/fields", slug=slug),
    )
    area = next((a for a in areas["items"] if a["slug"] == found.get("core_area")), None)
    field = _presented(found)
    listing: ListPage | None = None
    if field["measure_count"] <= settings.blips_at_most:
        measures = field["measures"]
        # each measure in this edition's field: this one
        placed = [{**m, "field": {"slug": field["slug"]}} for m in measures]
        moved = await moved_recently(request, placed)
    else:  # too many for a blip each: a blip per ring, and the list in pages
        listing = ListPage(
            number=page_number(request.query_params.get("seite")),
            total=field["measure_count"],
            size=settings.list_page_size,
        )
        measures = await _measures_of_field(request, field, shown["slug"], listing)
        cells = [
            {"field": field["slug"], "status": c["status"], "measures": c["count"]}
            for c in field["status_counts"]
            if c["count"]
        ]
        placed = measure_groups(
            cells, t=page.t, href=lambda f, s: f"/?{urlencode({'field': f, 'status': s})}#liste"
        )
        moved = {}
    counts = await participation_counts(page, [m["slug"] for m in measures])
    drawn = radar_view(
        fields=[field], core_areas=[], everything=placed, shown=None, moved=moved, t=page.t, lang=page.lang
    )
    return render(
        page,
        "field.html",
        field=field,
        core_area=area,
        measures=measures,
        radar=drawn.fields[0],
        period=period,
        counts=counts,
        listing=listing,
        blips_at_most=settings.blips_at_most,
        page_url=lambda n: with_page(edition_href(f"/felder/{slug}", shown), n),
        edition_switch=switch(
            every,
            shown=shown,
            href_of=lambda e: edition_href(f"/felder/{slug}", e) if e["slug"] in having else None,
        ),
        area_href=edition_href(f"/kernbereiche/{area['slug']}", shown) if area else None,
    )


async def _measures_of_field(
    request: Request, field: dict[str, Any], edition: str, listing: ListPage
) -> list[dict[str, Any]]:
    """One page of a field's measures in the radar's order."""
    answer = await call(
        request,
        "catalog",
        "/measures",
        query={"field": field["slug"], "edition": edition, "page": listing.number, "per_page": listing.size},
    )
    return sorted(answer["items"], key=measure_order)


@router.get("/kernbereiche/{slug}")
async def core_area_page(slug: Slug, page: PageDep, edition: EditionQuery = None) -> Response:
    """A core area in an edition: introduction, the CDO's statement and media links where known,
    its fields with goals and measures, counts per status."""
    return await served(page, lambda: _core_area_page(slug, page, edition))


async def _core_area_page(slug: str, page: Page, edition: str | None) -> Response:
    request = page.request
    chosen = edition_param(edition)
    at_most = gateway_of(request).settings.list_page_size
    found, every = await together(
        call(
            request,
            "catalog",
            f"/core-areas/{slug}",
            query={**_by_edition(chosen), "measures_at_most": at_most},
        ),
        editions(request),
    )
    shown = found["edition"]
    having = await _editions_with(request, every, listing="/core-areas", slug=slug)
    area = _presented(found)
    area["fields"] = [_presented(f) for f in found["fields"]]
    counts = await participation_counts(page, [m["slug"] for f in area["fields"] for m in f["measures"]])
    return render(
        page,
        "core_area.html",
        area=area,
        counts_incomplete=any(not f["measures"] and "measures" in f["unknown"] for f in area["fields"]),
        period=period,
        counts=counts,
        edition_switch=switch(
            every,
            shown=shown,
            href_of=lambda e: edition_href(f"/kernbereiche/{slug}", e) if e["slug"] in having else None,
        ),
        field_href=lambda field_slug: edition_href(f"/felder/{field_slug}", shown),
    )


@router.get("/fassungen/{slug}")
async def edition_page(slug: Slug, page: PageDep) -> Response:
    """An edition of the strategy: its introduction, its core areas and fields, and the other editions."""
    return await served(page, lambda: _edition_page(slug, page))


async def _edition_page(slug: str, page: Page) -> Response:
    request = page.request
    every = await editions(request)
    shown = next((e for e in every if e["slug"] == slug), None)
    if shown is None:
        raise PageProblem(404)
    areas, fields = await together(
        call(request, "catalog", "/core-areas", query={"edition": slug}),
        call(request, "catalog", "/fields", query={"edition": slug}),
    )
    return render(
        page,
        "edition.html",
        edition=shown,
        core_areas=areas["items"],
        fields=fields["items"],
        edition_switch=switch(
            every, shown=shown, href_of=lambda e: "/" if e["current"] else f"/fassungen/{e['slug']}"
        ),
        area_href=lambda area_slug: edition_href(f"/kernbereiche/{area_slug}", shown),
        field_href=lambda field_slug: edition_href(f"/felder/{field_slug}", shown),
    )
