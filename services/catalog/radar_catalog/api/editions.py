"""Routes of the strategy's editions, and how a request names the edition it reads."""

from __future__ import annotations

from typing import Any

import asyncpg
from fastapi import APIRouter, Request

from radar_catalog.api.refs import Lang
from radar_catalog.api.views import edition_view
from radar_catalog.domain.languages import ORIGINAL, in_language
from radar_catalog.domain.structure import edition_unknown, plausible_edition
from radar_catalog.store import editions
from radar_lib.service import runtime_of

router = APIRouter()


async def chosen_edition(
    conn: asyncpg.Connection | asyncpg.Pool,
    edition: str | None,
    *,
    status: int = 404,
    table: str | None = None,
    slug: str = "",
    lang: str = ORIGINAL,
) -> dict[str, Any]:
    """The edition a read is about, briefly, its name in `lang`: the one asked for (EDITION_UNKNOWN with
    `status` if there is no such), else the one a field or core area of this slug is in (current first),
    else the current."""
    if edition is not None:
        plausible_edition(edition, status=status)
    elif table is not None:
        edition = await editions.edition_of(conn, table=table, slug=slug)
    found = await editions.edition_brief(conn, edition)
    if found is None:
        raise edition_unknown(status=status)
    return {
        "slug": found["slug"],
        **in_language(found, ("name",), lang=lang),
        "year": found["year"],
        "current": found["is_current"],
    }


@router.get("/editions")
async def list_editions(request: Request, lang: Lang) -> dict[str, Any]:
    """Every edition of the strategy, oldest first; `current` names the one served by default."""
    pool = runtime_of(request).pool
    items = [edition_view(r, lang=lang) for r in await editions.editions(pool)]
    return {"items": items, "total": len(items), "current": await editions.current_edition(pool)}


@router.get("/editions/{slug}")
async def show_edition(slug: str, request: Request, lang: Lang) -> dict[str, Any]:
    """One edition of the strategy."""
    found = await editions.editions(runtime_of(request).pool, slug=plausible_edition(slug, status=404))
    if not found:
        raise edition_unknown(status=404)
    return edition_view(found[0], lang=lang)
