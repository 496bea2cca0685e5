"""SQL for what measures refer to: the principles, the departments, an edition's fields and goals."""

from __future__ import annotations

import json

import asyncpg

from radar_catalog.domain.measures import Vocabulary
from radar_catalog.store.editions import Translations, current_edition
from radar_catalog.store.fields import goals
from radar_catalog.store.structure import Conn


async def insert_principle(
    conn: asyncpg.Connection, *, slug: str, name: str, position: int, translations: Translations
) -> None:
    """Add a strategic principle unless it exists."""
    await conn.execute(
        "INSERT INTO principles (slug, name, position, translations) VALUES ($1, $2, $3, $4::jsonb)"
        " ON CONFLICT DO NOTHING",
        slug,
        name,
        position,
        json.dumps(translations),
    )


async def insert_department(conn: asyncpg.Connection, *, code: str, name: str) -> None:
    """Add a department unless its code exists."""
    await conn.execute(
        "INSERT INTO departments (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", code, name
    )


async def principles(conn: Conn) -> list[asyncpg.Record]:
    """The strategy's principles in their order."""
    return list(await conn.fetch("SELECT slug, name, translations FROM principles ORDER BY position, slug"))


async def departments(conn: Conn) -> list[asyncpg.Record]:
    """The departments that may lead a measure, by code."""
    return list(await conn.fetch("SELECT code, name FROM departments ORDER BY code"))


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
