"""A field or core area changes as its next version plus field.updated or core_area.updated, at once.

Whatever changes one, an editor's presentation patch or a data set that adds one, leaves an
event through the outbox, so that caches and projections of every process follow at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from radar_catalog.domain.languages import merge_translations
from radar_catalog.domain.structure import presentation_changes, still_unknown
from radar_catalog.domain.texts import revise_presentation
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.store import measures, structure
from radar_lib.events import CoreAreaUpdated, FieldUpdated, FieldUpdatedPayload, StructureChange
from radar_lib.outbox import add_event

PRODUCER = "catalog"
TABLES = ("fields", "core_areas")
NAMING_TEXTS = ("name", "introduction")  # what a field's or core area's translations hold


async def announce(
    conn: asyncpg.Connection, *, table: str, row: Mapping[str, Any], changes: list[str]
) -> None:
    """Write the event of a field or core area, as `row` now stands, into the outbox."""
    assert table in TABLES
    values = {k: row[k] for k in ("edition", "slug", "name", "version", "updated_at")}
    if table == "fields":
        payload = FieldUpdatedPayload(**values, changes=changes, core_area_slug=row["core_area_slug"])
        await add_event(conn, FieldUpdated.create(producer=PRODUCER, payload=payload))
    else:
        await add_event(
            conn,
            CoreAreaUpdated.create(producer=PRODUCER, payload=StructureChange(**values, changes=changes)),
        )


async def present(
    conn: asyncpg.Connection,
    *,
    table: str,
    edition: str,
    slug: str,
    patch: Mapping[str, Any],
    missing: tuple[str, str],
) -> None:
    """Apply a patch of name, presentation or translations as the next version and announce what changed."""
    assert table in TABLES
    async with conn.transaction():
        current = await structure.lock_presentation(conn, table=table, edition=edition, slug=slug)
        if current is None:
            raise CatalogError(*missing, status=404)
        translations = merge_translations(
            current["translations"], patch.get("translations"), attributes=NAMING_TEXTS
        )
        revised = revise_presentation(current, {**patch, "translations": translations})
        presentation = {**revised, "unknown": still_unknown(current["unknown"], revised)}
        row = await structure.set_presentation(
            conn, table=table, edition=edition, slug=slug, presentation=presentation
        )
        if revised["name"] != current["name"]:  # its name is part of its measures' search documents
            ids = await structure.measures_under(conn, table=table, edition=edition, slug=slug)
            await measures.refresh_search(conn, measure_ids=ids, names=True)
        await announce(conn, table=table, row=row, changes=presentation_changes(current, revised))


async def announce_moved(conn: asyncpg.Connection, *, edition: str) -> None:
    """Announce every field and core area of an edition whose slug changed (its next version each)."""
    for table in TABLES:
        for row in await structure.moved_structure(conn, table=table, edition=edition):
            await announce(conn, table=table, row=row, changes=["edition"])
