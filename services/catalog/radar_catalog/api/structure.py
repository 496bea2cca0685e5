"""Routes of the strategy's structure: fields of action and core areas."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, StrictStr

from radar_catalog.api.refs import editor, plausible_slug
from radar_catalog.api.views import core_area_overviews, field_overviews
from radar_catalog.domain.texts import revise_presentation
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.store import structure
from radar_lib.service import runtime_of
from radar_lib.token import Principal

router = APIRouter()
FIELD_MISSING = ("FIELD_NOT_FOUND", "There is no such field of action.")
CORE_AREA_MISSING = ("CORE_AREA_NOT_FOUND", "There is no such core area.")


class Quote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr
    author: StrictStr


class MediaLink(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: StrictStr
    title: StrictStr
    url: StrictStr


class PresentationPatch(BaseModel):
    """Only what is sent changes; `quote: null` removes the quote."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})
    introduction: StrictStr | None = None
    quote: Quote | None = None
    media: list[MediaLink] | None = None


@router.get("/fields")
async def list_fields(request: Request) -> dict[str, Any]:
    """Every field of action in order, with goals, focus areas and counts per status."""
    items = await field_overviews(runtime_of(request).pool)
    return {"items": items, "total": len(items)}


@router.get("/fields/{slug}")
async def show_field(slug: str, request: Request) -> dict[str, Any]:
    """One field of action."""
    slug = plausible_slug(slug, code=FIELD_MISSING[0], message=FIELD_MISSING[1])
    found = await field_overviews(runtime_of(request).pool, slug=slug)
    if not found:
        raise CatalogError(*FIELD_MISSING, status=404)
    return found[0]


@router.get("/core-areas")
async def list_core_areas(request: Request) -> dict[str, Any]:
    """Every core area in order, with the names of its fields."""
    items = await core_area_overviews(runtime_of(request).pool)
    return {"items": items, "total": len(items)}


@router.get("/core-areas/{slug}")
async def show_core_area(slug: str, request: Request) -> dict[str, Any]:
    """One core area with the overviews of its fields."""
    slug = plausible_slug(slug, code=CORE_AREA_MISSING[0], message=CORE_AREA_MISSING[1])
    found = await core_area_overviews(runtime_of(request).pool, slug=slug)
    if not found:
        raise CatalogError(*CORE_AREA_MISSING, status=404)
    return found[0]


@router.get("/principles")
async def list_principles(request: Request) -> dict[str, Any]:
    """The strategic principles a measure can serve, in the strategy's order."""
    items = [dict(r) for r in await structure.principles(runtime_of(request).pool)]
    return {"items": items, "total": len(items)}


@router.get("/departments")
async def list_departments(request: Request) -> dict[str, Any]:
    """The departments that can lead a measure."""
    items = [dict(r) for r in await structure.departments(runtime_of(request).pool)]
    return {"items": items, "total": len(items)}


async def _present(
    request: Request, *, table: str, slug: str, patch: PresentationPatch, missing: tuple[str, str]
) -> None:
    slug = plausible_slug(slug, code=missing[0], message=missing[1])
    async with runtime_of(request).pool.acquire() as conn, conn.transaction():
        current = await structure.lock_presentation(conn, table=table, slug=slug)
        if current is None:
            raise CatalogError(*missing, status=404)
        revised = revise_presentation(current, patch.model_dump(include=patch.model_fields_set))
        await structure.set_presentation(conn, table=table, slug=slug, **revised)


@router.patch("/fields/{slug}")
async def present_field(
    slug: str, patch: PresentationPatch, request: Request, _: Annotated[Principal, Depends(editor)]
) -> dict[str, Any]:
    """Change a field's introduction, quote or media links (editors)."""
    await _present(request, table="fields", slug=slug, patch=patch, missing=FIELD_MISSING)
    return (await field_overviews(runtime_of(request).pool, slug=slug))[0]


@router.patch("/core-areas/{slug}")
async def present_core_area(
    slug: str, patch: PresentationPatch, request: Request, _: Annotated[Principal, Depends(editor)]
) -> dict[str, Any]:
    """Change a core area's introduction, quote or media links (editors)."""
    await _present(request, table="core_areas", slug=slug, patch=patch, missing=CORE_AREA_MISSING)
    return (await core_area_overviews(runtime_of(request).pool, slug=slug))[0]
