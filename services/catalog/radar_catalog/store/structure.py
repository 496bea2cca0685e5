"""SQL for the strategy's structure: core areas, fields, focus areas, goals, principles, departments."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.domain.measures import Vocabulary

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool


async def insert_core_area(conn: asyncpg.Connection, *, slug: str, name: str, position: int) -> bool:
    """Add a core area unless its slug exists; True if added."""
    added = await conn.fetchval(
        "INSERT INTO core_areas (slug, name, position) VALUES ($1, $2, $3)"
        " ON CONFLICT (slug) DO NOTHING RETURNING true",
        slug,
        name,
        position,
    )
    return bool(added)


async def insert_field(
    conn: asyncpg.Connection, *, slug: str, name: str, position: int, core_area: str | None
) -> bool:
    """Add a field of action unless its slug exists; True if added."""
    added = await conn.fetchval(
        "INSERT INTO fields (slug, name, position, core_area_slug) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (slug) DO NOTHING RETURNING true",
        slug,
        name,
        position,
        core_area,
    )
    return bool(added)


async def set_presentation(
    conn: asyncpg.Connection,
    *,
    table: str,
    slug: str,
    introduction: str,
    quote: dict[str, str] | None,
    media: list[dict[str, str]],
) -> None:
    """Store the introduction, quote and media links of a field or core area."""
    assert table in ("fields", "core_areas")
    await conn.execute(
        f"UPDATE {table} SET introduction = $2, quote = $3::jsonb, media = $4::jsonb, updated_at = now()"
        " WHERE slug = $1",
        slug,
        introduction,
        json.dumps(quote) if quote is not None else None,
        json.dumps(media),
    )


async def insert_focus_area(
    conn: asyncpg.Connection, *, field_slug: str, slug: str, name: str, position: int
) -> None:
    """Add a focus area to a field unless it exists."""
    await conn.execute(
        "INSERT INTO focus_areas (field_slug, slug, name, position) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING",
        field_slug,
        slug,
        name,
        position,
    )


async def insert_goal(
    conn: asyncpg.Connection, *, field_slug: str, slug: str, title: str, description: str, position: int
) -> None:
    """Add a goal to a field unless it exists."""
    await conn.execute(
        "INSERT INTO goals (field_slug, slug, title, description, position) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT DO NOTHING",
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
    conn: Conn, *, slug: str | None = None, core_area: str | None = None
) -> list[dict[str, Any]]:
    """Fields of action in their order, all of them or one, or those of one core area."""
    rows = await conn.fetch(
        "SELECT slug, name, position, core_area_slug, introduction, quote, media, updated_at FROM fields"
        " WHERE ($1::text IS NULL OR slug = $1) AND ($2::text IS NULL OR core_area_slug = $2)"
        " ORDER BY position, slug",
        slug,
        core_area,
    )
    return [_decoded(r) for r in rows]


async def core_areas(conn: Conn, *, slug: str | None = None) -> list[dict[str, Any]]:
    """Core areas in their order, all of them or one."""
    rows = await conn.fetch(
        "SELECT slug, name, position, introduction, quote, media, updated_at FROM core_areas"
        " WHERE $1::text IS NULL OR slug = $1 ORDER BY position, slug",
        slug,
    )
    return [_decoded(r) for r in rows]


async def goals(conn: Conn) -> list[asyncpg.Record]:
    """Every goal, grouped by field, in order."""
    return list(
        await conn.fetch(
            "SELECT field_slug, slug, title, description FROM goals ORDER BY field_slug, position, slug"
        )
    )


async def focus_areas(conn: Conn) -> list[asyncpg.Record]:
    """Every focus area, grouped by field, in order."""
    return list(
        await conn.fetch("SELECT field_slug, slug, name FROM focus_areas ORDER BY field_slug, position, slug")
    )


async def status_counts(conn: Conn) -> list[asyncpg.Record]:
    """How many current (not archived) measures each field has per status."""
    return list(
        await conn.fetch(
            "SELECT field_slug, status, count(*) AS n FROM measures WHERE NOT archived GROUP BY 1, 2"
        )
    )


async def vocabulary(conn: Conn) -> Vocabulary:
    """What measures may refer to, as the database holds it now."""
    field_rows = await conn.fetch("SELECT slug FROM fields")
    goal_rows = await goals(conn)
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


async def lock_presentation(conn: asyncpg.Connection, *, table: str, slug: str) -> dict[str, Any] | None:
    """The introduction, quote and media of a field or core area, locked for the transaction."""
    assert table in ("fields", "core_areas")
    row = await conn.fetchrow(
        f"SELECT slug, introduction, quote, media FROM {table} WHERE slug = $1 FOR UPDATE", slug
    )
    return _decoded(row) if row else None


async def principles(conn: Conn) -> list[asyncpg.Record]:
    """The strategy's principles in their order."""
    return list(await conn.fetch("SELECT slug, name FROM principles ORDER BY position, slug"))


async def departments(conn: Conn) -> list[asyncpg.Record]:
    """The departments that may lead a measure, by code."""
    return list(await conn.fetch("SELECT code, name FROM departments ORDER BY code"))
