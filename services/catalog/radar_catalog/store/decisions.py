"""SQL for council decisions and their links to measures and editions."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from radar_catalog.domain.decisions import Decision
from radar_catalog.store.measures import Conn

COLUMNS = "d.decision_id, d.paper_number, d.decided_on, d.title, d.url, d.oparl_id, d.adopts_edition"


async def lock_decision(
    conn: asyncpg.Connection, *, decision_id: uuid.UUID | None = None, paper_number: str | None = None
) -> asyncpg.Record | None:
    """A decision by id or paper number, locked for the transaction."""
    return await conn.fetchrow(
        "SELECT * FROM decisions WHERE decision_id = $1 OR paper_number = $2 FOR UPDATE",
        decision_id,
        paper_number,
    )


async def lock_decision_of_oparl(conn: asyncpg.Connection, oparl_id: str) -> asyncpg.Record | None:
    """The decision imported from this OParl paper, locked for the transaction."""
    return await conn.fetchrow("SELECT * FROM decisions WHERE oparl_id = $1 FOR UPDATE", oparl_id)


async def save_decision(
    conn: asyncpg.Connection, *, decision_id: uuid.UUID, decision: Decision, actor: str, now: datetime
) -> asyncpg.Record:
    """Insert a decision or replace what is known of it (by id); return it as stored."""
    row = await conn.fetchrow(
        "INSERT INTO decisions AS d (decision_id, paper_number, decided_on, title, url, oparl_id, updated_by,"
        " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (decision_id) DO UPDATE SET paper_number = EXCLUDED.paper_number,"
        "  decided_on = EXCLUDED.decided_on, title = EXCLUDED.title, url = EXCLUDED.url,"
        "  oparl_id = EXCLUDED.oparl_id, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at"
        " RETURNING *",
        decision_id,
        decision.paper_number,
        decision.decided_on,
        decision.title,
        decision.url,
        decision.oparl_id,
        actor,
        now,
    )
    assert row is not None
    return row


async def adopt_edition(conn: asyncpg.Connection, *, decision_id: uuid.UUID, edition: str) -> None:
    """Record that this decision adopted the edition."""
    await conn.execute(
        "UPDATE decisions SET adopts_edition = $2 WHERE decision_id = $1", decision_id, edition
    )


async def link_measure(
    conn: asyncpg.Connection, *, measure_id: uuid.UUID, decision_id: uuid.UUID, role: str, keep: bool = False
) -> None:
    """Link a decision to a measure, or give the link this role (unless `keep`: a link that exists stays)."""
    await conn.execute(
        "INSERT INTO measure_decisions (measure_id, decision_id, role) VALUES ($1, $2, $3)"
        " ON CONFLICT (measure_id, decision_id) DO "
        + ("NOTHING" if keep else "UPDATE SET role = EXCLUDED.role"),
        measure_id,
        decision_id,
        role,
    )


async def linked_measures(conn: asyncpg.Connection, *, decision_id: uuid.UUID) -> list[uuid.UUID]:
    """The measures a decision is linked to."""
    rows = await conn.fetch("SELECT measure_id FROM measure_decisions WHERE decision_id = $1", decision_id)
    return [r["measure_id"] for r in rows]


async def decisions_of_measure(conn: Conn, *, measure_id: uuid.UUID) -> list[asyncpg.Record]:
    """The decisions linked to a measure, oldest first (undated ones last), each with its role."""
    return list(
        await conn.fetch(
            f"SELECT {COLUMNS}, md.role FROM measure_decisions md JOIN decisions d USING (decision_id)"
            " WHERE md.measure_id = $1 ORDER BY d.decided_on NULLS LAST, d.paper_number",
            measure_id,
        )
    )


async def all_decisions(conn: Conn) -> list[asyncpg.Record]:
    """Every decision, newest first (undated ones last), with the slugs of the measures it is linked to."""
    return list(
        await conn.fetch(
            f"SELECT {COLUMNS}, coalesce((SELECT array_agg(m.slug ORDER BY m.slug) FROM measure_decisions md"
            "  JOIN measures m USING (measure_id) WHERE md.decision_id = d.decision_id), '{{}}') AS measures"
            " FROM decisions d ORDER BY d.decided_on DESC NULLS LAST, d.paper_number"
        )
    )


async def measure_titles(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every measure's id and title that is not archived (what an import links papers to)."""
    return list(await conn.fetch("SELECT measure_id, slug, title FROM measures WHERE NOT archived"))
