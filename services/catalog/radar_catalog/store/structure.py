"""SQL for the strategy's core areas, and for what fields and core areas share: their presentation
(name, introduction, quote, media, unknown), its versions, and the measures placed under them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.store.editions import EDITION_COLUMNS, Translations

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
# introduction, quote, media and unknown of a field or core area
Presentation: TypeAlias = Mapping[str, Any]
# what a field or core area's presentation holds: name, introduction, quote, media, unknown
PRESENTED = "name, introduction, quote, media, unknown"


# what an event about a field or core area carries
ANNOUNCED = "edition, slug, name, version, updated_at"


async def insert_core_area(
    conn: asyncpg.Connection,
    *,
    edition: str,
    slug: str,
    position: int,
    presentation: Presentation,
    translations: Translations,
) -> asyncpg.Record | None:
    """Add a core area to an edition unless its slug exists there; the added row, or None."""
    return await conn.fetchrow(
        f"INSERT INTO core_areas (edition, slug, position, {PRESENTED}, translations)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9::jsonb)"
        f" ON CONFLICT (edition, slug) DO NOTHING RETURNING {ANNOUNCED}",
        edition,
        slug,
        position,
        *presented(presentation),
        json.dumps(translations),
    )


def presented(p: Presentation) -> tuple[Any, ...]:
    """A presentation as the columns of PRESENTED take it."""
    quote = json.dumps(p["quote"]) if p["quote"] is not None else None
    return (p["name"], p["introduction"], quote, json.dumps(p["media"]), list(p["unknown"]))


async def set_presentation(
    conn: asyncpg.Connection,
    *,
    table: str,
    edition: str,
    slug: str,
    presentation: Presentation,
) -> asyncpg.Record:
    """Store the name, introduction, quote, media links and translations of a field or core area as its
    next version."""
    assert table in ("fields", "core_areas")
    row = await conn.fetchrow(
        f"UPDATE {table} SET name = $3, introduction = $4, quote = $5::jsonb, media = $6::jsonb,"
        " unknown = $7, translations = $8::jsonb, version = version + 1, updated_at = now()"
        " WHERE edition = $1 AND slug = $2"
        f" RETURNING {ANNOUNCED}{', core_area_slug' if table == 'fields' else ''}",
        edition,
        slug,
        *presented(presentation),
        json.dumps(presentation["translations"]),
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


def decoded(row: asyncpg.Record) -> dict[str, Any]:
    """A field's or core area's row with its quote, media and translations read from JSON."""
    item = dict(row)
    item["quote"] = json.loads(item["quote"]) if item["quote"] else None
    item["media"] = json.loads(item["media"])
    item["translations"] = json.loads(item["translations"])
    return item


async def core_areas(conn: Conn, *, edition: str, slug: str | None = None) -> list[dict[str, Any]]:
    """Core areas of an edition in their order, all of them or one."""
    rows = await conn.fetch(
        "SELECT c.slug, c.name, c.position, c.edition, c.introduction, c.quote, c.media, c.unknown,"
        f" c.translations, c.version, c.updated_at, {EDITION_COLUMNS}"
        " FROM core_areas c JOIN editions e ON e.slug = c.edition"
        " WHERE c.edition = $1 AND ($2::text IS NULL OR c.slug = $2) ORDER BY c.position, c.slug",
        edition,
        slug,
    )
    return [decoded(r) for r in rows]


async def lock_presentation(
    conn: asyncpg.Connection, *, table: str, edition: str, slug: str
) -> dict[str, Any] | None:
    """The presentation and translations of a field or core area, locked for the transaction."""
    assert table in ("fields", "core_areas")
    row = await conn.fetchrow(
        f"SELECT slug, {PRESENTED}, translations FROM {table} WHERE edition = $1 AND slug = $2 FOR UPDATE",
        edition,
        slug,
    )
    return decoded(row) if row else None


async def measures_under(conn: Conn, *, table: str, edition: str, slug: str) -> list[Any]:
    """The ids of the measures placed in a field, or in the fields of a core area, of an edition."""
    assert table in ("fields", "core_areas")
    column = "f.slug" if table == "fields" else "f.core_area_slug"
    rows = await conn.fetch(
        "SELECT mf.measure_id FROM measure_fields mf"
        " JOIN fields f ON f.edition = mf.edition AND f.slug = mf.field_slug"
        f" WHERE mf.edition = $1 AND {column} = $2",
        edition,
        slug,
    )
    return [r["measure_id"] for r in rows]
