"""SQL for the open-data description: what the catalogue holds."""

from __future__ import annotations

from radar_catalog.store.measures import Conn


async def reported_years(conn: Conn) -> list[int]:
    """The years with at least one published report, newest first."""
    rows = await conn.fetch("SELECT DISTINCT year FROM measure_report_versions ORDER BY year DESC")
    return [r["year"] for r in rows]
