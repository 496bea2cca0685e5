"""Changing measures: each change is a new version, a history row and an event, in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import asyncpg

from radar_catalog.domain.measures import (
    MeasureState,
    ensure_editable,
    ensure_expected_version,
    revise,
    validate_measure,
)
from radar_catalog.domain.texts import clean_change_note
from radar_catalog.domain.vocabulary import CatalogError, ensure_slug, numbered_slug, slugify
from radar_catalog.store import measures as store
from radar_catalog.store.vocabulary import vocabulary
from radar_lib.events import (
    MeasureArchived,
    MeasurePublished,
    MeasureSnapshot,
    MeasureUpdated,
    MeasureUpdatedPayload,
    utcnow,
)
from radar_lib.outbox import add_event

PRODUCER = "catalog"
FIRST_NOTE = "Maßnahme in den Katalog aufgenommen."


def _snapshot(
    *, measure_id: uuid.UUID, version: int, slug: str, state: MeasureState, archived: bool
) -> dict[str, Any]:
    return {
        "measure_id": measure_id,
        "version": version,
        "slug": slug,
        "title": state.title,
        "field_slug": state.field,
        "status": state.status,
        "archived": archived,
    }


async def publish_measure(
    conn: asyncpg.Connection,
    *,
    values: Mapping[str, Any],
    actor: str,
    slug: str | None = None,
    change_note: str | None = None,
) -> uuid.UUID:
    """Add a measure at version 1 and announce it (measure.published); return its id."""
    async with conn.transaction():
        state = validate_measure(values, vocabulary=await vocabulary(conn))
        note = clean_change_note(change_note or FIRST_NOTE)
        if slug is None:
            base = slugify(state.title)
            slug = numbered_slug(base, await store.slugs_like(conn, base))
        elif await store.find_measure(conn, ensure_slug(slug)) is not None:
            raise CatalogError("SLUG_TAKEN", "Another measure already has this slug.", status=409)
        measure_id, now = uuid.uuid4(), utcnow()
        try:
            async with conn.transaction():
                await store.insert_measure(conn, measure_id=measure_id, slug=slug, state=state, now=now)
        except asyncpg.UniqueViolationError as exc:  # a concurrent create took the slug first
            raise CatalogError("SLUG_TAKEN", "Another measure already has this slug.", status=409) from exc
        await store.refresh_search(conn, measure_ids=[measure_id])
        await store.insert_change(
            conn,
            measure_id=measure_id,
            version=1,
            kind="published",
            changes=[],
            change_note=note,
            changed_by=actor,
            changed_at=now,
        )
        snapshot = _snapshot(measure_id=measure_id, version=1, slug=slug, state=state, archived=False)
        payload = MeasureSnapshot.model_validate({**snapshot, "change_note": note})
        await add_event(conn, MeasurePublished.create(producer=PRODUCER, payload=payload))
    return measure_id


async def revise_measure(
    conn: asyncpg.Connection,
    *,
    ref: str,
    patch: Mapping[str, Any],
    change_note: str | None,
    actor: str,
    expected_version: int | None = None,
) -> uuid.UUID:
    """Apply a patch as the next version and announce what changed (measure.updated)."""
    async with conn.transaction():
        row = await _editable(conn, ref=ref, expected_version=expected_version)
        note = clean_change_note(change_note)
        state, changes = revise(store.state_of(row), patch, vocabulary=await vocabulary(conn))
        snapshot = await _write_next_version(
            conn,
            row=row,
            state=state,
            archived=False,
            kind="updated",
            changes=changes,
            note=note,
            actor=actor,
        )
        payload = MeasureUpdatedPayload.model_validate(
            {**snapshot, "changes": changes, "change_note": note, "changed_by": actor}
        )
        await add_event(conn, MeasureUpdated.create(producer=PRODUCER, payload=payload))
    return row["measure_id"]


async def _write_next_version(
    conn: asyncpg.Connection,
    *,
    row: asyncpg.Record,
    state: MeasureState,
    archived: bool,
    kind: str,
    changes: list[dict[str, Any]],
    note: str,
    actor: str,
) -> dict[str, Any]:
    """Store the measure's next version and its history row; return the event snapshot."""
    version, now = row["version"] + 1, utcnow()
    await store.update_measure(
        conn, measure_id=row["measure_id"], state=state, version=version, archived=archived, now=now
    )
    if state.field and state.field != row["field_slug"]:  # a new field in the current edition
        await store.place_measure(conn, measure_id=row["measure_id"], field=state.field)
    await store.refresh_search(conn, measure_ids=[row["measure_id"]])
    await store.insert_change(
        conn,
        measure_id=row["measure_id"],
        version=version,
        kind=kind,
        changes=changes,
        change_note=note,
        changed_by=actor,
        changed_at=now,
    )
    return _snapshot(
        measure_id=row["measure_id"], version=version, slug=row["slug"], state=state, archived=archived
    )


async def archive_measure(
    conn: asyncpg.Connection,
    *,
    ref: str,
    change_note: str | None,
    actor: str,
    expected_version: int | None = None,
) -> uuid.UUID:
    """Archive instead of delete: the next version is archived, and measure.archived announces it."""
    async with conn.transaction():
        row = await _editable(conn, ref=ref, expected_version=expected_version)
        note = clean_change_note(change_note)
        changes = [{"field": "archived", "old": False, "new": True}]
        snapshot = await _write_next_version(
            conn, row=row, state=store.state_of(row), archived=True, kind="archived", changes=changes,
            note=note, actor=actor,
        )  # fmt: skip
        payload = MeasureSnapshot.model_validate({**snapshot, "change_note": note, "changed_by": actor})
        await add_event(conn, MeasureArchived.create(producer=PRODUCER, payload=payload))
    return row["measure_id"]


async def _editable(conn: asyncpg.Connection, *, ref: str, expected_version: int | None) -> asyncpg.Record:
    row = await store.lock_measure(conn, ref)
    if row is None:
        raise CatalogError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
    ensure_expected_version(row["version"], expected_version)
    ensure_editable(row["archived"])
    return row
