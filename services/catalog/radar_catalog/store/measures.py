"""SQL for measures, their placements in the editions, and their versions."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.domain.measures import MeasureState

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool

# a measure with the names of what it refers to, ready for the views: placed in the field of the
# edition given as $1, or, when $1 is NULL, of the current edition (or the newest it appears in)
MEASURE_COLUMNS = """
SELECT m.measure_id, m.slug, m.title, m.summary, m.description, m.translations, p.edition,
       e.name AS edition_name, e.year AS edition_year, e.is_current AS edition_current,
       e.translations AS edition_translations, p.field_slug, f.name AS field_name,
       f.translations AS field_translations,
       m.goals, m.status, m.start_year, m.end_year, m.progress, m.lead_code, d.name AS lead_name,
       m.principles, m.links, m.unsure, m.archived, m.version, m.created_at, m.updated_at,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('slug', g.slug, 'title', g.title,
                                                     'translations', g.translations)
                                  ORDER BY g.position), '[]')
          FROM goals g
         WHERE g.edition = p.edition AND g.field_slug = p.field_slug AND g.slug = ANY (m.goals)) AS goal_list,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('slug', pr.slug, 'name', pr.name,
                                                     'translations', pr.translations)
                                  ORDER BY pr.position), '[]')
          FROM principles pr WHERE pr.slug = ANY (m.principles)) AS principle_list,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'edition', pf.edition,
                   'field', jsonb_build_object('slug', pf.slug, 'name', pf.name,
                                               'translations', pf.translations),
                   'core_area', CASE WHEN pc.slug IS NULL THEN NULL
                                     ELSE jsonb_build_object('slug', pc.slug, 'name', pc.name,
                                                             'translations', pc.translations) END)
                   ORDER BY pe.position, pe.slug), '[]')
          FROM measure_fields pm
          JOIN editions pe ON pe.slug = pm.edition
          JOIN fields pf ON pf.edition = pm.edition AND pf.slug = pm.field_slug
          LEFT JOIN core_areas pc ON pc.edition = pf.edition AND pc.slug = pf.core_area_slug
         WHERE pm.measure_id = m.measure_id) AS placement_list
"""
_NAMES = """  JOIN editions e ON e.slug = p.edition
  JOIN fields f ON f.edition = p.edition AND f.slug = p.field_slug
  LEFT JOIN departments d ON d.code = m.lead_code
"""
PLACED_NEWEST = (
    """  FROM measures m
  JOIN LATERAL (
        SELECT mf.edition, mf.field_slug
          FROM measure_fields mf JOIN editions me ON me.slug = mf.edition
         WHERE mf.measure_id = m.measure_id AND ($1::text IS NULL OR mf.edition = $1)
         ORDER BY me.is_current DESC, me.position DESC
         LIMIT 1) p ON true
"""
    + _NAMES
)
# the same for lists, which always name their edition ($1 NOT NULL): a plain join the planner answers
# for all measures at once (the lateral search took 14 µs a measure: 140 ms of a list at 10,000)
PLACED_IN_EDITION = (
    """  FROM measures m
  JOIN measure_fields p ON p.measure_id = m.measure_id AND p.edition = $1::text
"""
    + _NAMES
)
SELECT_MEASURES = MEASURE_COLUMNS + PLACED_NEWEST


def as_uuid(ref: str) -> uuid.UUID | None:
    """The reference as a measure id, if it is one."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


def state_of(row: asyncpg.Record) -> MeasureState:
    """The editable state of a stored measure (its field: the one in the current edition)."""
    return MeasureState(
        title=row["title"],
        field=row["field_slug"] or "",
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
    """A measure by id or slug with its field in the current edition, locked for the transaction."""
    return await conn.fetchrow(
        "SELECT m.*, mf.field_slug FROM measures m"
        " LEFT JOIN measure_fields mf ON mf.measure_id = m.measure_id"
        "  AND mf.edition = (SELECT slug FROM editions WHERE is_current)"
        " WHERE m.measure_id = $1 OR m.slug = $2 FOR UPDATE OF m",
        as_uuid(ref),
        ref,
    )


async def find_measure(conn: Conn, ref: str, *, edition: str | None = None) -> asyncpg.Record | None:
    """A measure by id or slug, placed in its field of this edition (default: the current one)."""
    return await conn.fetchrow(
        SELECT_MEASURES + " WHERE m.measure_id = $2 OR m.slug = $3", edition, as_uuid(ref), ref
    )


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
    """Store a new measure at version 1, in its field of the current edition."""
    await conn.execute(
        "INSERT INTO measures (measure_id, slug, title, summary, description, goals, status, start_year,"
        " end_year, progress, lead_code, principles, links, unsure, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $15)",
        measure_id,
        slug,
        *_columns(state),
        now,
    )
    await place_measure(conn, measure_id=measure_id, field=state.field)


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
        "UPDATE measures SET title = $2, summary = $3, description = $4, goals = $5, status = $6,"
        " start_year = $7, end_year = $8, progress = $9, lead_code = $10, principles = $11,"
        " links = $12::jsonb, unsure = $13, version = $14, archived = $15, updated_at = $16"
        " WHERE measure_id = $1",
        measure_id,
        *_columns(state),
        version,
        archived,
        now,
    )


async def place_measure(
    conn: asyncpg.Connection,
    *,
    measure_id: uuid.UUID,
    field: str,
    edition: str | None = None,
    replace: bool = True,
) -> None:
    """Put a measure into a field of an edition (default: the current one), replacing its field or not."""
    await conn.execute(
        "INSERT INTO measure_fields (measure_id, edition, field_slug)"
        " VALUES ($1, coalesce($3, (SELECT slug FROM editions WHERE is_current)), $2)"
        " ON CONFLICT (measure_id, edition) DO "
        + ("UPDATE SET field_slug = EXCLUDED.field_slug" if replace else "NOTHING"),
        measure_id,
        field,
        edition,
    )


async def refresh_search(
    conn: asyncpg.Connection, *, measure_ids: list[uuid.UUID] | None = None, names: bool = False
) -> None:
    """Rebuild the search documents of these measures (all when None) and the words search suggests
    from them; `names`: from the names of fields, core areas, goals, principles and departments too."""
    await conn.execute("SELECT catalog_refresh_search($1::uuid[])", measure_ids)
    await conn.execute(
        "SELECT catalog_refresh_terms($1::uuid[], $2)", measure_ids, names or measure_ids is None
    )


def _columns(s: MeasureState) -> tuple[Any, ...]:
    return (
        s.title, s.summary, s.description, list(s.goals), s.status, s.start_year, s.end_year,
        s.progress, s.lead, list(s.principles), json.dumps(s.wire()["links"]), list(s.unsure),
    )  # fmt: skip


async def set_translations(
    conn: asyncpg.Connection, *, measure_id: uuid.UUID, translations: dict[str, dict[str, str]]
) -> None:
    """Store the translations of a measure's texts ({language: {attribute: text}})."""
    await conn.execute(
        "UPDATE measures SET translations = $2::jsonb WHERE measure_id = $1",
        measure_id,
        json.dumps(translations),
    )


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
    "SELECT c.measure_id, m.slug, m.title, m.translations, c.version, c.kind, c.changes, c.change_note,"
    " c.changed_by, c.changed_at"
    " FROM measure_changes c JOIN measures m USING (measure_id)"
)


async def history(conn: Conn, *, measure_id: uuid.UUID) -> list[asyncpg.Record]:
    """Every version of one measure, newest first."""
    return list(
        await conn.fetch(HISTORY_COLUMNS + " WHERE c.measure_id = $1 ORDER BY c.version DESC", measure_id)
    )


async def recent_changes(conn: Conn, *, limit: int, offset: int) -> tuple[list[asyncpg.Record], int]:
    """One page of all changes to all measures, newest first, and how many there are.

    The page is read along the index of the newest changes and counted apart: counting it with the
    page (a window) joined every change of every measure first, 44 ms of the feed at 10,000 measures.
    """
    rows = await conn.fetch(
        HISTORY_COLUMNS + " ORDER BY c.changed_at DESC, c.measure_id, c.version DESC LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    if offset == 0 and len(rows) < limit:
        return list(rows), len(rows)
    return list(rows), int(await conn.fetchval("SELECT count(*) FROM measure_changes"))
