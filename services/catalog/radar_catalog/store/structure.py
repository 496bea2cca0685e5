"""SQL for the strategy's structure: core areas, fields, focus areas, goals; principles, departments."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.domain.measures import Vocabulary
from radar_catalog.store.editions import EDITION_COLUMNS, current_edition

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
# introduction, quote, media and unknown of a field or core area
Presentation: TypeAlias = Mapping[str, Any]


# what an event about a field or core area carries
ANNOUNCED = "edition, slug, name, version, updated_at"


async def insert_core_area(
    conn: asyncpg.Connection, *, edition: str, slug: str, name: str, position: int, presentation: Presentation
) -> asyncpg.Record | None:
    """Add a core area to an edition unless its slug exists there; the added row, or None."""
    return await conn.fetchrow(
        "INSERT INTO core_areas (edition, slug, name, position, introduction, quote, media, unknown)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)"
        f" ON CONFLICT (edition, slug) DO NOTHING RETURNING {ANNOUNCED}",
        edition,
        slug,
        name,
        position,
        *_presented(presentation),
    )


async def insert_field(
    conn: asyncpg.Connection,
    *,
    edition: str,
    slug: str,
    name: str,
    position: int,
    core_area: str | None,
    presentation: Presentation,
) -> asyncpg.Record | None:
    """Add a field of action to an edition unless its slug exists there; the added row, or None."""
    return await conn.fetchrow(
        "INSERT INTO fields"
        " (edition, slug, name, position, core_area_slug, introduction, quote, media, unknown)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)"
        f" ON CONFLICT (edition, slug) DO NOTHING RETURNING {ANNOUNCED}, core_area_slug",
        edition,
        slug,
        name,
        position,
        core_area,
        *_presented(presentation),
    )


def _presented(p: Presentation) -> tuple[Any, ...]:
    quote = json.dumps(p["quote"]) if p["quote"] is not None else None
    return (p["introduction"], quote, json.dumps(p["media"]), list(p["unknown"]))


async def set_presentation(
    conn: asyncpg.Connection,
    *,
    table: str,
    edition: str,
    slug: str,
    presentation: Presentation,
) -> asyncpg.Record:
    """Store the introduction, quote and media links of a field or core area as its next version."""
    assert table in ("fields", "core_areas")
    row = await conn.fetchrow(
        f"UPDATE {table} SET introduction = $3, quote = $4::jsonb, media = $5::jsonb, unknown = $6,"
        " version = version + 1, updated_at = now() WHERE edition = $1 AND slug = $2"
        f" RETURNING {ANNOUNCED}{', core_area_slug' if table == 'fields' else ''}",
        edition,
        slug,
        *_presented(presentation),
    )
    assert row is not None
    return row


async def moved_structure(conn: asyncpg.Connection, *, table: str, edition: str) -> list[asyncpg.Record]:
    """Every field or core area of an edition, each as its next version (after the edition was renamed)."""
    assert table in ("fields", "core_areas")
    return list(
        await conn.fetch(
            f"UPDATE {table} SET version = version + 1, updated_at = now() WHERE edition = $1"
            f" RETURNING {ANNOUNCED}{', core_area_slug' if table == 'fields' else ''}",
            edition,
        )
    )


async def insert_focus_area(
    conn: asyncpg.Connection, *, edition: str, field_slug: str, slug: str, name: str, position: int
) -> None:
    """Add a focus area to a field unless it exists."""
    await conn.execute(
        "INSERT INTO focus_areas (edition, field_slug, slug, name, position) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT DO NOTHING",
        edition,
        field_slug,
        slug,
        name,
        position,
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
) -> None:
    """Add a goal to a field unless it exists."""
    await conn.execute(
        "INSERT INTO goals (edition, field_slug, slug, title, description, position)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        edition,
        field_slug,
        slug,
        title,
        description,
        position,
    )


async def insert_principle(conn: asyncpg.Connection, *, slug: str, name: str, position: int) -> None:
    """Add a strategic principle unless it exists."""
    await conn.execute(
        "INSERT INTO principles (slug, name, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        slug,
        name,
        position,
    )


async def insert_department(conn: asyncpg.Connection, *, code: str, name: str) -> None:
    """Add a department unless its code exists."""
    await conn.execute(
        "INSERT INTO departments (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", code, name
    )


def _decoded(row: asyncpg.Record) -> dict[str, Any]:
    item = dict(row)
    item["quote"] = json.loads(item["quote"]) if item["quote"] else None
    item["media"] = json.loads(item["media"])
    return item


async def fields(
    conn: Conn, *, edition: str, slug: str | None = None, core_area: str | None = None
) -> list[dict[str, Any]]:
    """Fields of action of an edition in their order, all of them or one, or those of one core area."""
    rows = await conn.fetch(
        "SELECT f.slug, f.name, f.position, f.edition, f.core_area_slug, f.introduction, f.quote, f.media,"
        f" f.unknown, f.version, f.updated_at, {EDITION_COLUMNS}"
        " FROM fields f JOIN editions e ON e.slug = f.edition"
        " WHERE f.edition = $1 AND ($2::text IS NULL OR f.slug = $2)"
        " AND ($3::text IS NULL OR f.core_area_slug = $3) ORDER BY f.position, f.slug",
        edition,
        slug,
        core_area,
    )
    return [_decoded(r) for r in rows]


async def core_areas(conn: Conn, *, edition: str, slug: str | None = None) -> list[dict[str, Any]]:
    """Core areas of an edition in their order, all of them or one."""
    rows = await conn.fetch(
        "SELECT c.slug, c.name, c.position, c.edition, c.introduction, c.quote, c.media, c.unknown,"
        f" c.version, c.updated_at, {EDITION_COLUMNS}"
        " FROM core_areas c JOIN editions e ON e.slug = c.edition"
        " WHERE c.edition = $1 AND ($2::text IS NULL OR c.slug = $2) ORDER BY c.position, c.slug",
        edition,
        slug,
    )
    return [_decoded(r) for r in rows]


async def goals(conn: Conn, *, edition: str) -> list[asyncpg.Record]:
    """Every goal of an edition, grouped by field, in order."""
    return list(
        await conn.fetch(
            "SELECT field_slug, slug, title, description FROM goals WHERE edition = $1"
            " ORDER BY field_slug, position, slug",
            edition,
        )
    )


async def focus_areas(conn: Conn, *, edition: str) -> list[asyncpg.Record]:
    """Every focus area of an edition, grouped by field, in order."""
    return list(
        await conn.fetch(
            "SELECT field_slug, slug, name FROM focus_areas WHERE edition = $1"
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


async def measures_in(conn: Conn, *, edition: str, fields: list[str]) -> list[asyncpg.Record]:
    """The current measures of these fields of an edition, briefly, by title."""
    return list(
        await conn.fetch(
            "SELECT mf.field_slug, m.measure_id, m.slug, m.title, m.summary, m.status, m.start_year,"
            " m.end_year, m.progress, m.lead_code, d.name AS lead_name"
            " FROM measure_fields mf JOIN measures m USING (measure_id)"
            " LEFT JOIN departments d ON d.code = m.lead_code"
            " WHERE mf.edition = $1 AND mf.field_slug = ANY ($2) AND NOT m.archived"
            " ORDER BY lower(m.title), m.slug",
            edition,
            fields,
        )
    )


async def vocabulary(conn: Conn, *, edition: str | None = None) -> Vocabulary:
    """What measures may refer to in an edition (default: the current one), as the database holds it now."""
    edition = edition or await current_edition(conn)
    field_rows = await conn.fetch("SELECT slug FROM fields WHERE edition = $1", edition)
    goal_rows = await goals(conn, edition=edition)
    by_field: dict[str, list[str]] = {r["slug"]: [] for r in field_rows}
    for g in goal_rows:
        by_field[g["field_slug"]].append(g["slug"])
    principle_rows = await conn.fetch("SELECT slug FROM principles ORDER BY position, slug")
    department_rows = await conn.fetch("SELECT code FROM departments")
    return Vocabulary(
        goals_by_field=by_field,
        principles=[r["slug"] for r in principle_rows],
        departments=frozenset(r["code"] for r in department_rows),
    )


async def lock_presentation(
    conn: asyncpg.Connection, *, table: str, edition: str, slug: str
) -> dict[str, Any] | None:
    """The introduction, quote, media and unknowns of a field or core area, locked for the transaction."""
    assert table in ("fields", "core_areas")
    row = await conn.fetchrow(
        f"SELECT slug, introduction, quote, media, unknown FROM {table} WHERE edition = $1 AND slug = $2"
        " FOR UPDATE",
        edition,
        slug,
    )
    return _decoded(row) if row else None


async def principles(conn: Conn) -> list[asyncpg.Record]:
    """The strategy's principles in their order."""
    return list(await conn.fetch("SELECT slug, name FROM principles ORDER BY position, slug"))


async def departments(conn: Conn) -> list[asyncpg.Record]:
    """The departments that may lead a measure, by code."""
    return list(await conn.fetch("SELECT code, name FROM departments ORDER BY code"))
