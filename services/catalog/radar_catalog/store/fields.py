"""SQL for the fields of action of an edition: the fields, their focus areas and goals, their counts per
status and their measures."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from radar_catalog.store.editions import EDITION_COLUMNS, Translations
from radar_catalog.store.structure import ANNOUNCED, PRESENTED, Conn, Presentation, decoded, presented


async def insert_field(
    conn: asyncpg.Connection,
    *,
    edition: str,
    slug: str,
    position: int,
    core_area: str | None,
    presentation: Presentation,
    translations: Translations,
) -> asyncpg.Record | None:
    """Add a field of action to an edition unless its slug exists there; the added row, or None."""
    return await conn.fetchrow(
        f"INSERT INTO fields (edition, slug, position, core_area_slug, {PRESENTED}, translations)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10::jsonb)"
        f" ON CONFLICT (edition, slug) DO NOTHING RETURNING {ANNOUNCED}, core_area_slug",
        edition,
        slug,
        position,
        core_area,
        *presented(presentation),
        json.dumps(translations),
    )


async def insert_focus_area(
    conn: asyncpg.Connection,
    *,
    edition: str,
    field_slug: str,
    slug: str,
    name: str,
    position: int,
    translations: Translations,
) -> None:
    """Add a focus area to a field unless it exists."""
    await conn.execute(
        "INSERT INTO focus_areas (edition, field_slug, slug, name, position, translations)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING",
        edition,
        field_slug,
        slug,
        name,
        position,
        json.dumps(translations),
    )


async def insert_goal(
    conn: asyncpg.Connection,
    *,
    edition: str,
    field_slug: str,
    slug: str,
    title: str,
    description: str,
    position: int,
    translations: Translations,
) -> None:
    """Add a goal to a field unless it exists."""
    await conn.execute(
        "INSERT INTO goals (edition, field_slug, slug, title, description, position, translations)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT DO NOTHING",
        edition,
        field_slug,
        slug,
        title,
        description,
        position,
        json.dumps(translations),
    )


async def fields(
    conn: Conn, *, edition: str, slug: str | None = None, core_area: str | None = None
) -> list[dict[str, Any]]:
    """Fields of action of an edition in their order, all of them or one, or those of one core area."""
    rows = await conn.fetch(
        "SELECT f.slug, f.name, f.position, f.edition, f.core_area_slug, f.introduction, f.quote, f.media,"
        f" f.unknown, f.translations, f.version, f.updated_at, {EDITION_COLUMNS}"
        " FROM fields f JOIN editions e ON e.slug = f.edition"
        " WHERE f.edition = $1 AND ($2::text IS NULL OR f.slug = $2)"
        " AND ($3::text IS NULL OR f.core_area_slug = $3) ORDER BY f.position, f.slug",
        edition,
        slug,
        core_area,
    )
    return [decoded(r) for r in rows]


async def goals(conn: Conn, *, edition: str) -> list[asyncpg.Record]:
    """Every goal of an edition, grouped by field, in order."""
    return list(
        await conn.fetch(
            "SELECT field_slug, slug, title, description, translations FROM goals WHERE edition = $1"
            " ORDER BY field_slug, position, slug",
            edition,
        )
    )


async def focus_areas(conn: Conn, *, edition: str) -> list[asyncpg.Record]:
    """Every focus area of an edition, grouped by field, in order."""
    return list(
        await conn.fetch(
            "SELECT field_slug, slug, name, translations FROM focus_areas WHERE edition = $1"
            " ORDER BY field_slug, position, slug",
            edition,
        )
    )


async def status_counts(conn: Conn, *, edition: str) -> list[asyncpg.Record]:
    """How many current (not archived) measures each field of an edition has per status."""
    return list(
        await conn.fetch(
            "SELECT mf.field_slug, m.status, count(*) AS n"
            " FROM measure_fields mf JOIN measures m USING (measure_id)"
            " WHERE mf.edition = $1 AND NOT m.archived GROUP BY 1, 2",
            edition,
        )
    )


async def measures_in(
    conn: Conn, *, edition: str, fields: list[str], per_field: int | None = None
) -> list[asyncpg.Record]:
    """The current measures of these fields of an edition, briefly, by title; at most `per_field` of each."""
    return list(
        await conn.fetch(
            "SELECT * FROM ("
            " SELECT mf.field_slug, m.measure_id, m.slug, m.title, m.summary, m.translations, m.status,"
            " m.start_year, m.end_year, m.progress, m.lead_code, d.name AS lead_name,"
            " row_number() OVER (PARTITION BY mf.field_slug ORDER BY lower(m.title), m.slug) AS place"
            " FROM measure_fields mf JOIN measures m USING (measure_id)"
            " LEFT JOIN departments d ON d.code = m.lead_code"
            " WHERE mf.edition = $1 AND mf.field_slug = ANY ($2) AND NOT m.archived) x"
            " WHERE $3::int IS NULL OR x.place <= $3"
            " ORDER BY lower(x.title), x.slug",
            edition,
            fields,
            per_field,
        )
    )
