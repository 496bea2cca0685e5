"""SQL for measures, their versions and the search over them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.domain.measures import MeasureState

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool

# a measure with the names of what it refers to, ready for the views
SELECT_MEASURES = """
SELECT m.measure_id, m.slug, m.title, m.summary, m.description, m.field_slug, f.name AS field_name,
       m.goals, m.status, m.start_year, m.end_year, m.progress, m.lead_code, d.name AS lead_name,
       m.principles, m.links, m.unsure, m.archived, m.version, m.created_at, m.updated_at,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('slug', g.slug, 'title', g.title)
                                  ORDER BY g.position), '[]')
          FROM goals g WHERE g.field_slug = m.field_slug AND g.slug = ANY (m.goals)) AS goal_list,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('slug', p.slug, 'name', p.name)
                                  ORDER BY p.position), '[]')
          FROM principles p WHERE p.slug = ANY (m.principles)) AS principle_list
  FROM measures m
  JOIN fields f ON f.slug = m.field_slug
  LEFT JOIN departments d ON d.code = m.lead_code
"""


def as_uuid(ref: str) -> uuid.UUID | None:
    """The reference as a measure id, if it is one."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


def state_of(row: asyncpg.Record) -> MeasureState:
    """The editable state of a stored measure."""
    return MeasureState(
        title=row["title"],
        field=row["field_slug"],
        summary=row["summary"],
        description=row["description"],
        goals=tuple(row["goals"]),
        status=row["status"],
        start_year=row["start_year"],
        end_year=row["end_year"],
        progress=row["progress"],
        lead=row["lead_code"],
        principles=tuple(row["principles"]),
        links=tuple(json.loads(row["links"])),
        unsure=tuple(row["unsure"]),
    )


async def lock_measure(conn: asyncpg.Connection, ref: str) -> asyncpg.Record | None:
    """A measure by id or slug, locked for the rest of the transaction."""
    return await conn.fetchrow(
        "SELECT * FROM measures WHERE measure_id = $1 OR slug = $2 FOR UPDATE", as_uuid(ref), ref
    )


async def find_measure(conn: Conn, ref: str) -> asyncpg.Record | None:
    """A measure by id or slug, with the names of its field, goals, principles and lead."""
    return await conn.fetchrow(SELECT_MEASURES + " WHERE m.measure_id = $1 OR m.slug = $2", as_uuid(ref), ref)


async def slugs_like(conn: asyncpg.Connection, base: str) -> set[str]:
    """The slugs already taken that a new measure's slug could collide with."""
    rows = await conn.fetch("SELECT slug FROM measures WHERE slug = $1 OR slug LIKE $1 || '-%'", base)
    return {r["slug"] for r in rows}


async def count_measures(conn: Conn) -> int:
    """How many measures the catalog holds, archived ones included."""
    return int(await conn.fetchval("SELECT count(*) FROM measures"))


async def insert_measure(
    conn: asyncpg.Connection, *, measure_id: uuid.UUID, slug: str, state: MeasureState, now: datetime
) -> None:
    """Store a new measure at version 1."""
    await conn.execute(
        "INSERT INTO measures (measure_id, slug, title, summary, description, field_slug, goals, status,"
        " start_year, end_year, progress, lead_code, principles, links, unsure, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $16, $16)",
        measure_id,
        slug,
        *_columns(state),
        now,
    )


async def update_measure(
    conn: asyncpg.Connection,
    *,
    measure_id: uuid.UUID,
    state: MeasureState,
    version: int,
    archived: bool,
    now: datetime,
) -> None:
    """Store a measure's next version."""
    await conn.execute(
        "UPDATE measures SET title = $2, summary = $3, description = $4, field_slug = $5, goals = $6,"
        " status = $7, start_year = $8, end_year = $9, progress = $10, lead_code = $11, principles = $12,"
        " links = $13::jsonb, unsure = $14, version = $15, archived = $16, updated_at = $17"
        " WHERE measure_id = $1",
        measure_id,
        *_columns(state),
        version,
        archived,
        now,
    )


def _columns(s: MeasureState) -> tuple[Any, ...]:
    return (
        s.title, s.summary, s.description, s.field, list(s.goals), s.status, s.start_year, s.end_year,
        s.progress, s.lead, list(s.principles), json.dumps(s.wire()["links"]), list(s.unsure),
    )  # fmt: skip


async def insert_change(
    conn: asyncpg.Connection,
    *,
    measure_id: uuid.UUID,
    version: int,
    kind: str,
    changes: list[dict[str, Any]],
    change_note: str,
    changed_by: str,
    changed_at: datetime,
) -> None:
    """One row of a measure's history."""
    await conn.execute(
        "INSERT INTO measure_changes"
        " (measure_id, version, kind, changes, change_note, changed_by, changed_at)"
        " VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)",
        measure_id,
        version,
        kind,
        json.dumps(changes),
        change_note,
        changed_by,
        changed_at,
    )


HISTORY_COLUMNS = (
    "SELECT c.measure_id, m.slug, m.title, c.version, c.kind, c.changes, c.change_note, c.changed_by,"
    " c.changed_at, count(*) OVER () AS total FROM measure_changes c JOIN measures m USING (measure_id)"
)


async def history(conn: Conn, *, measure_id: uuid.UUID) -> list[asyncpg.Record]:
    """Every version of one measure, newest first."""
    return list(
        await conn.fetch(HISTORY_COLUMNS + " WHERE c.measure_id = $1 ORDER BY c.version DESC", measure_id)
    )


async def recent_changes(conn: Conn, *, limit: int, offset: int) -> tuple[list[asyncpg.Record], int]:
    """One page of all changes to all measures, newest first, and how many there are."""
    rows = await conn.fetch(
        HISTORY_COLUMNS + " ORDER BY c.changed_at DESC, c.measure_id, c.version DESC LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    if rows:
        return list(rows), int(rows[0]["total"])
    return [], int(await conn.fetchval("SELECT count(*) FROM measure_changes"))


@dataclass(frozen=True)
class MeasureFilter:
    """What a measure list is narrowed to; empty means no narrowing."""

    fields: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    year: int | None = None
    query: str | None = None
    include_archived: bool = False


FILTERED = (
    " WHERE (cardinality($1::text[]) = 0 OR m.field_slug = ANY ($1))"
    " AND (cardinality($2::text[]) = 0 OR m.status = ANY ($2))"
    " AND (cardinality($3::text[]) = 0 OR m.lead_code = ANY ($3))"
    " AND (cardinality($4::text[]) = 0 OR m.principles && $4)"
    " AND ($5::int IS NULL OR (m.start_year <= $5 AND m.end_year >= $5))"
    " AND ($6::text IS NULL OR m.search @@ websearch_to_tsquery('german'::regconfig, $6))"
    " AND ($7 OR NOT m.archived)"
)


async def search_measures(
    conn: Conn, *, where: MeasureFilter, limit: int | None = None, offset: int = 0
) -> tuple[list[asyncpg.Record], int]:
    """One page of the measures that pass the filter (best matches first when searching), and their count."""
    args = (
        list(where.fields), list(where.statuses), list(where.leads), list(where.principles),
        where.year, where.query, where.include_archived,
    )  # fmt: skip
    rows = await conn.fetch(
        SELECT_MEASURES + FILTERED + " ORDER BY CASE WHEN $6::text IS NULL THEN 0"
        " ELSE ts_rank(m.search, websearch_to_tsquery('german'::regconfig, $6)) END DESC,"
        " f.position, lower(m.title), m.slug LIMIT $8 OFFSET $9",
        *args,
        limit,
        offset,
    )
    if offset == 0 and (limit is None or len(rows) < limit):
        return list(rows), offset + len(rows)
    total = await conn.fetchval("SELECT count(*) FROM measures m" + FILTERED, *args)
    return list(rows), int(total)
