"""SQL for yearly measure reports: the editors' working copy and the published versions."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import asyncpg

from radar_catalog.domain.reports import Report
from radar_catalog.store.measures import Conn

HISTORY = (
    "(SELECT jsonb_agg(jsonb_build_object('version', h.version, 'change_note', h.change_note,"
    "   'published_at', h.published_at) ORDER BY h.version DESC)"
    " FROM measure_report_versions h WHERE h.measure_id = v.measure_id AND h.year = v.year) AS history"
)
# the edition a year's report is arranged by: the newest adopted by then, else the current one
EDITION_OF_YEAR = (
    "SELECT e.slug, e.name, e.year FROM editions e"
    " ORDER BY (e.year IS NOT NULL AND e.year <= $1) DESC, e.year DESC NULLS LAST, e.is_current DESC,"
    "  e.position DESC LIMIT 1"
)


async def lock_report(conn: asyncpg.Connection, *, measure_id: uuid.UUID, year: int) -> asyncpg.Record | None:
    """A measure's working report of a year, locked for the transaction."""
    return await conn.fetchrow(
        "SELECT * FROM measure_reports WHERE measure_id = $1 AND year = $2 FOR UPDATE", measure_id, year
    )


async def save_report(
    conn: asyncpg.Connection,
    *,
    measure_id: uuid.UUID,
    year: int,
    report: Report,
    version: int,
    actor: str,
    now: datetime,
) -> asyncpg.Record:
    """Write the working report of a year (insert or replace); return it as stored."""
    row = await conn.fetchrow(
        "INSERT INTO measure_reports AS r (measure_id, year, achievements, outlook, highlights, kpis,"
        " progress, status, version, change_note, updated_by, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12)"
        " ON CONFLICT (measure_id, year) DO UPDATE SET achievements = EXCLUDED.achievements,"
        "  outlook = EXCLUDED.outlook, highlights = EXCLUDED.highlights, kpis = EXCLUDED.kpis,"
        "  progress = EXCLUDED.progress, status = EXCLUDED.status, version = EXCLUDED.version,"
        "  change_note = EXCLUDED.change_note, updated_by = EXCLUDED.updated_by,"
        "  updated_at = EXCLUDED.updated_at"
        " RETURNING *",
        measure_id,
        year,
        report.achievements,
        report.outlook,
        report.highlights,
        json.dumps(list(report.kpis)),
        report.progress,
        report.status,
        version,
        report.change_note,
        actor,
        now,
    )
    assert row is not None
    return row


async def insert_version(
    conn: asyncpg.Connection,
    *,
    measure_id: uuid.UUID,
    year: int,
    version: int,
    report: Report,
    actor: str,
    now: datetime,
) -> None:
    """One published version of a measure's report of a year."""
    await conn.execute(
        "INSERT INTO measure_report_versions (measure_id, year, version, achievements, outlook,"
        " highlights, kpis, progress, change_note, published_by, published_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)",
        measure_id,
        year,
        version,
        report.achievements,
        report.outlook,
        report.highlights,
        json.dumps(list(report.kpis)),
        report.progress,
        report.change_note,
        actor,
        now,
    )


async def published_reports(conn: Conn, *, measure_id: uuid.UUID) -> list[asyncpg.Record]:
    """The newest published version of each year of a measure's reports, newest year first."""
    return list(
        await conn.fetch(
            f"SELECT v.*, {HISTORY} FROM (SELECT DISTINCT ON (year) * FROM measure_report_versions"
            "  WHERE measure_id = $1 ORDER BY year DESC, version DESC) v ORDER BY v.year DESC",
            measure_id,
        )
    )


async def draft_reports(conn: Conn, *, measure_id: uuid.UUID) -> list[asyncpg.Record]:
    """A measure's reports that wait as drafts, newest year first."""
    return list(
        await conn.fetch(
            "SELECT * FROM measure_reports WHERE measure_id = $1 AND status = 'draft' ORDER BY year DESC",
            measure_id,
        )
    )


async def edition_of_year(conn: Conn, *, year: int) -> asyncpg.Record:
    """The edition whose structure a year's report follows."""
    row = await conn.fetchrow(EDITION_OF_YEAR, year)
    assert row is not None  # there is always a current edition
    return row


async def year_entries(conn: Conn, *, year: int, edition: str) -> list[asyncpg.Record]:
    """The newest published version of each measure's report of a year, with the measure's place in
    the edition (or, where it is not in it, in its newest one), in the order of the strategy."""
    return list(
        await conn.fetch(
            f"SELECT v.*, {HISTORY}, m.slug, m.title, m.status, f.slug AS field_slug, f.name AS field_name,"
            "  f.position AS field_position, c.slug AS core_area_slug, c.name AS core_area_name,"
            "  c.position AS core_area_position"
            " FROM (SELECT DISTINCT ON (measure_id) * FROM measure_report_versions WHERE year = $1"
            "  ORDER BY measure_id, version DESC) v"
            " JOIN measures m ON m.measure_id = v.measure_id"
            " JOIN LATERAL (SELECT mf.edition, mf.field_slug FROM measure_fields mf"
            "   JOIN editions me ON me.slug = mf.edition WHERE mf.measure_id = m.measure_id"
            "   ORDER BY mf.edition = $2 DESC, me.is_current DESC, me.position DESC LIMIT 1) p ON true"
            " JOIN fields f ON f.edition = p.edition AND f.slug = p.field_slug"
            " LEFT JOIN core_areas c ON c.edition = f.edition AND c.slug = f.core_area_slug"
            " ORDER BY c.position NULLS LAST, c.slug, f.position, f.slug, m.title",
            year,
            edition,
        )
    )


async def recent_publications(
    conn: Conn, *, limit: int, offset: int, measure_id: uuid.UUID | None = None
) -> tuple[list[asyncpg.Record], int]:
    """One page of the publications of yearly reports (of all measures, or of one), newest first, and
    how many there are."""
    rows = await conn.fetch(
        "SELECT v.*, m.slug, m.title, count(*) OVER () AS total FROM measure_report_versions v"
        " JOIN measures m USING (measure_id) WHERE $3::uuid IS NULL OR v.measure_id = $3"
        " ORDER BY v.published_at DESC, v.measure_id, v.year DESC, v.version DESC LIMIT $1 OFFSET $2",
        limit,
        offset,
        measure_id,
    )
    if rows or offset == 0:
        return list(rows), int(rows[0]["total"]) if rows else 0
    counted = "SELECT count(*) FROM measure_report_versions WHERE $1::uuid IS NULL OR measure_id = $1"
    return [], int(await conn.fetchval(counted, measure_id))


async def report_years(conn: Conn) -> list[asyncpg.Record]:
    """The years with published reports, newest first, and how many measures each year reports on."""
    return list(
        await conn.fetch(
            "SELECT year, count(DISTINCT measure_id) AS measures, max(published_at) AS last_published"
            " FROM measure_report_versions GROUP BY year ORDER BY year DESC"
        )
    )
