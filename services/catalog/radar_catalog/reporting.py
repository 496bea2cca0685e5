"""Writing a measure's yearly report: a draft stays with the editors; publishing adds the next
version of that year and its measure.reported event in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from radar_catalog.domain.measures import ensure_editable
from radar_catalog.domain.reports import excerpt, validate_report
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.editing import PRODUCER
from radar_catalog.store import measures
from radar_catalog.store import reports as store
from radar_lib.events import MeasureReported, MeasureReportedPayload, utcnow
from radar_lib.outbox import add_event


async def report_measure(
    conn: asyncpg.Connection, *, ref: str, year: int, values: Mapping[str, Any], actor: str
) -> tuple[asyncpg.Record, asyncpg.Record]:
    """Save a measure's report of a year as a draft or publish it; return the measure and the report."""
    async with conn.transaction():
        measure = await measures.lock_measure(conn, ref)
        if measure is None:
            raise CatalogError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
        ensure_editable(measure["archived"])
        report = validate_report(values)
        current = await store.lock_report(conn, measure_id=measure["measure_id"], year=year)
        version = (current["version"] if current else 0) + (1 if report.published else 0)
        now = utcnow()
        saved = await store.save_report(
            conn, measure_id=measure["measure_id"], year=year, report=report, version=version, actor=actor,
            now=now,
        )  # fmt: skip
        if report.published:
            await store.insert_version(
                conn, measure_id=measure["measure_id"], year=year, version=version, report=report,
                actor=actor, now=now,
            )  # fmt: skip
            payload = MeasureReportedPayload(
                measure_id=measure["measure_id"],
                slug=measure["slug"],
                title=measure["title"],
                field_slug=measure["field_slug"] or "",
                year=year,
                version=version,
                progress=report.progress,
                achievements_excerpt=excerpt(report.achievements),
                change_note=report.change_note,
                published_at=now,
            )
            await add_event(conn, MeasureReported.create(producer=PRODUCER, payload=payload))
    return measure, saved
