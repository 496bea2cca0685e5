"""Routes of the strategy's structure: fields of action and core areas, of one edition each."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, StrictStr

from radar_catalog import presenting
from radar_catalog.api.editions import chosen_edition
from radar_catalog.api.refs import Lang, editor, plausible_slug
from radar_catalog.api.views import core_area_overviews, field_overviews, named
from radar_catalog.domain.languages import ORIGINAL
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.store import vocabulary as vocabulary_store
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


class Translation(BaseModel):
    """A field's or core area's texts in one language; an empty text removes its translation."""

    model_config = ConfigDict(extra="forbid")
    name: StrictStr | None = None
    introduction: StrictStr | None = None


class PresentationPatch(BaseModel):
    """Only what is sent changes; `quote: null` removes the quote; `translations` by language (en)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})
    name: StrictStr | None = None
    translations: dict[str, Translation] | None = None
    introduction: StrictStr | None = None
    quote: Quote | None = None
    media: list[MediaLink] | None = None


EditionParam = Annotated[
    str | None,
    Query(max_length=80, description="An edition's slug (GET /editions); without it, the current edition."),
]
AtMost = Annotated[
    int | None,
    Query(
        ge=0,
        le=10_000,
        description="At most this many measures of each field, by title (`measure_count` says all).",
    ),
]


class Error(BaseModel):
    """The body of every refusal (the gateway's document names it Error too)."""

    error: str
    message: str


# a list of an edition that does not exist is missing like a page that does not: 404
EDITION_REFUSED: dict[int | str, dict[str, Any]] = {
    404: {"model": Error, "description": "EDITION_UNKNOWN: there is no edition of this slug."}
}


@router.get("/fields", responses=EDITION_REFUSED)
async def list_fields(request: Request, lang: Lang, edition: EditionParam = None) -> dict[str, Any]:
    """Every field of action of an edition in order, with goals, focus areas and counts per status."""
    pool = runtime_of(request).pool
    chosen = await chosen_edition(pool, edition, lang=lang)
    items = await field_overviews(pool, edition=chosen["slug"], lang=lang)
    return {"items": items, "total": len(items), "edition": chosen}


@router.get("/fields/{slug}")
async def show_field(
    slug: str, request: Request, lang: Lang, edition: EditionParam = None, measures_at_most: AtMost = None
) -> dict[str, Any]:
    """One field of action with its measures; without an edition, the current one's or else the newest's."""
    pool = runtime_of(request).pool
    slug = plausible_slug(slug, code=FIELD_MISSING[0], message=FIELD_MISSING[1])
    chosen = await chosen_edition(pool, edition, table="fields", slug=slug)
    found = await field_overviews(
        pool,
        edition=chosen["slug"],
        slug=slug,
        with_measures=True,
        measures_at_most=measures_at_most,
        lang=lang,
    )
    if not found:
        raise CatalogError(*FIELD_MISSING, status=404)
    return found[0]


@router.get("/core-areas", responses=EDITION_REFUSED)
async def list_core_areas(request: Request, lang: Lang, edition: EditionParam = None) -> dict[str, Any]:
    """Every core area of an edition in order, with the names of its fields."""
    pool = runtime_of(request).pool
    chosen = await chosen_edition(pool, edition, lang=lang)
    items = await core_area_overviews(pool, edition=chosen["slug"], lang=lang)
    return {"items": items, "total": len(items), "edition": chosen}


@router.get("/core-areas/{slug}")
async def show_core_area(
    slug: str, request: Request, lang: Lang, edition: EditionParam = None, measures_at_most: AtMost = None
) -> dict[str, Any]:
    """One core area with its fields (goals, measures, counts per status) and its own counts per status;
    without an edition, the current one's or else the newest's."""
    pool = runtime_of(request).pool
    slug = plausible_slug(slug, code=CORE_AREA_MISSING[0], message=CORE_AREA_MISSING[1])
    chosen = await chosen_edition(pool, edition, table="core_areas", slug=slug)
    found = await core_area_overviews(
        pool, edition=chosen["slug"], slug=slug, measures_at_most=measures_at_most, lang=lang
    )
    if not found:
        raise CatalogError(*CORE_AREA_MISSING, status=404)
    return found[0]


@router.get("/principles")
async def list_principles(request: Request, lang: Lang) -> dict[str, Any]:
    """The strategic principles a measure can serve, in the strategy's order."""
    items = [named(r, lang=lang) for r in await vocabulary_store.principles(runtime_of(request).pool)]
    return {"items": items, "total": len(items)}


@router.get("/departments")
async def list_departments(request: Request) -> dict[str, Any]:
    """The departments that can lead a measure."""
    items = [dict(r) for r in await vocabulary_store.departments(runtime_of(request).pool)]
    return {"items": items, "total": len(items)}


async def _present(
    request: Request,
    *,
    table: str,
    slug: str,
    edition: str | None,
    patch: PresentationPatch,
    missing: tuple[str, str],
) -> str:
    pool = runtime_of(request).pool
    slug = plausible_slug(slug, code=missing[0], message=missing[1])
    chosen = await chosen_edition(pool, edition, table=table, slug=slug)
    async with pool.acquire() as conn:
        await presenting.present(
            conn,
            table=table,
            edition=chosen["slug"],
            slug=slug,
            patch=patch.model_dump(include=patch.model_fields_set, exclude_unset=True),
            missing=missing,
        )
    return str(chosen["slug"])


@router.patch("/fields/{slug}")
async def present_field(
    slug: str,
    patch: PresentationPatch,
    request: Request,
    _: Annotated[Principal, Depends(editor)],
    edition: EditionParam = None,
) -> dict[str, Any]:
    """Change a field's name, introduction, quote, media links or translations (editors); field.updated
    leaves with it."""
    chosen = await _present(
        request, table="fields", slug=slug, edition=edition, patch=patch, missing=FIELD_MISSING
    )
    pool = runtime_of(request).pool
    return (await field_overviews(pool, edition=chosen, slug=slug, with_measures=True, lang=ORIGINAL))[0]


@router.patch("/core-areas/{slug}")
async def present_core_area(
    slug: str,
    patch: PresentationPatch,
    request: Request,
    _: Annotated[Principal, Depends(editor)],
    edition: EditionParam = None,
) -> dict[str, Any]:
    """Change a core area's name, introduction, quote, media links or translations (editors);
    core_area.updated leaves with it."""
    chosen = await _present(
        request, table="core_areas", slug=slug, edition=edition, patch=patch, missing=CORE_AREA_MISSING
    )
    return (await core_area_overviews(runtime_of(request).pool, edition=chosen, slug=slug, lang=ORIGINAL))[0]
