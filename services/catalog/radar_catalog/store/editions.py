"""SQL for the strategy's editions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TypeAlias

import asyncpg

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
# {language: {attribute: text}} (radar_catalog.domain.languages)
Translations: TypeAlias = Mapping[str, Mapping[str, str]]

# the edition a row belongs to, for its views (joined as `e`)
EDITION_COLUMNS = (
    "e.name AS edition_name, e.year AS edition_year, e.is_current AS edition_current,"
    " e.translations AS edition_translations"
)


async def insert_edition(
    conn: asyncpg.Connection,
    *,
    slug: str,
    name: str,
    year: int | None,
    position: int,
    introduction: str,
    translations: Translations,
) -> bool:
    """Add an edition (not the current one) unless its slug exists; True if added."""
    added = await conn.fetchval(
        "INSERT INTO editions (slug, name, year, position, introduction, translations)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (slug) DO NOTHING RETURNING true",
        slug,
        name,
        year,
        position,
        introduction,
        json.dumps(translations),
    )
    return bool(added)


async def adopt_provisional_edition(
    conn: asyncpg.Connection,
    *,
    slug: str,
    name: str,
    year: int | None,
    position: int,
    introduction: str,
    translations: Translations,
) -> bool:
    """Give the provisional current edition (migration 0002) its real name; True if there was one.

    Its core areas, fields, goals and placements follow the new slug (ON UPDATE CASCADE).
    """
    adopted = await conn.fetchval(
        "UPDATE editions SET slug = $1, name = $2, year = $3, position = $4, introduction = $5,"
        " translations = $6::jsonb, provisional = false, updated_at = now()"
        " WHERE provisional AND is_current AND NOT EXISTS (SELECT 1 FROM editions WHERE slug = $1)"
        " RETURNING true",
        slug,
        name,
        year,
        position,
        introduction,
        json.dumps(translations),
    )
    return bool(adopted)


async def current_edition(conn: Conn) -> str:
    """The slug of the current edition."""
    return str(await conn.fetchval("SELECT slug FROM editions WHERE is_current"))


async def editions(conn: Conn, *, slug: str | None = None) -> list[asyncpg.Record]:
    """Editions in their order (oldest first), all or one, with how much each holds."""
    return list(
        await conn.fetch(
            "SELECT e.slug, e.name, e.year, e.position, e.is_current, e.introduction, e.translations,"
            " e.updated_at,"
            " (SELECT count(*) FROM core_areas c WHERE c.edition = e.slug) AS core_area_count,"
            " (SELECT count(*) FROM fields f WHERE f.edition = e.slug) AS field_count,"
            " (SELECT count(*) FROM measure_fields mf JOIN measures m USING (measure_id)"
            "   WHERE mf.edition = e.slug AND NOT m.archived) AS measure_count,"
            " (SELECT jsonb_build_object('paper_number', d.paper_number, 'date', d.decided_on,"
            "   'title', nullif(d.title, ''), 'url', nullif(d.url, ''))"
            "   FROM decisions d WHERE d.adopts_edition = e.slug) AS adopted_by"
            " FROM editions e WHERE $1::text IS NULL OR e.slug = $1 ORDER BY e.position, e.slug",
            slug,
        )
    )


async def edition_of(conn: Conn, *, table: str, slug: str) -> str | None:
    """The edition a field or core area of this slug belongs to: the current one, else the newest."""
    assert table in ("fields", "core_areas")
    found = await conn.fetchval(
        f"SELECT t.edition FROM {table} t JOIN editions e ON e.slug = t.edition WHERE t.slug = $1"
        " ORDER BY e.is_current DESC, e.position DESC LIMIT 1",
        slug,
    )
    return str(found) if found is not None else None


async def edition_brief(conn: Conn, slug: str | None) -> asyncpg.Record | None:
    """An edition's slug, name, year and whether it is current; None if there is none of this slug.

    Without a slug: the current edition.
    """
    return await conn.fetchrow(
        "SELECT slug, name, year, is_current, translations FROM editions"
        " WHERE slug = $1 OR ($1::text IS NULL AND is_current)",
        slug,
    )
