"""Participation's copy of the catalog's measures: the newest version wins, whatever arrives late."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg
import pytest

from radar_lib.events import (
    MeasureArchived,
    MeasureChange,
    MeasureSnapshot,
    MeasureUpdated,
    MeasureUpdatedPayload,
)
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET, participant, running_service, token_headers
from tests.integration.helpers import emit, eventually

pytestmark = pytest.mark.integration


async def projected(dsn: str, measure_id: uuid.UUID) -> tuple[int, bool] | None:
    """(version, archived) of a measure in participation's projection, None while unknown."""
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow("SELECT version, archived FROM measures WHERE measure_id = $1", measure_id)
        return (row["version"], row["archived"]) if row else None
    finally:
        await conn.close()


async def handled(dsn: str, event_id: uuid.UUID) -> bool:
    """Whether participation's consumer has committed its effect of an event."""
    conn = await asyncpg.connect(dsn)
    try:
        return bool(
            await conn.fetchval("SELECT count(*) FROM processed_events WHERE event_id = $1", event_id)
        )
    finally:
        await conn.close()


async def test_older_measure_version_does_not_undo_archiving(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    dsn = new_database("participation")
    app = create_participation(
        ParticipationSettings(database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET)
    )
    measure_id, slug = uuid.uuid4(), f"e-akte-{uuid.uuid4().hex[:6]}"
    snapshot = {"measure_id": measure_id, "slug": slug, "title": "E-Akte", "field_slug": "digital-government"}
    archived_v3 = MeasureArchived.create(
        producer="catalog",
        payload=MeasureSnapshot(**snapshot, version=3, status="eingestellt", archived=True),
    )
    late_update_v2 = MeasureUpdated.create(
        producer="catalog",
        payload=MeasureUpdatedPayload(
            **snapshot,
            version=2,
            status="in_umsetzung",
            changes=[MeasureChange(field="status", old="geplant", new="in_umsetzung")],
            change_note="Umsetzung begonnen",
        ),
    )
    async with running_service(app) as client:
        await emit(app, archived_v3)
        await eventually(lambda: projected(dsn, measure_id))
        assert await projected(dsn, measure_id) == (3, True)

        await emit(app, late_update_v2)
        await eventually(lambda: handled(dsn, late_update_v2.event_id))

        assert await projected(dsn, measure_id) == (3, True)
        r = await client.post(
            f"/measures/{slug}/comments", json={"body": "Noch offen?"}, headers=token_headers(participant())
        )
        assert r.status_code == 409, r.text
        assert r.json()["error"] == "MEASURE_CLOSED"
