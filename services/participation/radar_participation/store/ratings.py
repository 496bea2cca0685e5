"""Ratings: one per participant and measure."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeAlias

import asyncpg

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool


async def put_rating(
    conn: Conn, *, measure_id: uuid.UUID, participant_id: uuid.UUID, stars: int, rated_at: datetime
) -> None:
    """Rate a measure, or change one's rating of it."""
    await conn.execute(
        "INSERT INTO ratings (measure_id, participant_id, stars, rated_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (measure_id, participant_id) DO UPDATE SET stars = EXCLUDED.stars,"
        " rated_at = EXCLUDED.rated_at",
        measure_id,
        participant_id,
        stars,
        rated_at,
    )


async def remove_rating(conn: Conn, *, measure_id: uuid.UUID, participant_id: uuid.UUID) -> bool:
    """Remove one's rating; True if there was one."""
    status = await conn.execute(
        "DELETE FROM ratings WHERE measure_id = $1 AND participant_id = $2", measure_id, participant_id
    )
    return status != "DELETE 0"


async def stars_counted(conn: Conn, *, measure_id: uuid.UUID) -> dict[int, int]:
    """How many ratings a measure has with each number of stars."""
    rows = await conn.fetch(
        "SELECT stars, count(*) AS n FROM ratings WHERE measure_id = $1 GROUP BY stars", measure_id
    )
    return {int(r["stars"]): int(r["n"]) for r in rows}


async def own_stars(conn: Conn, *, measure_id: uuid.UUID, participant_id: uuid.UUID | None) -> int | None:
    """The viewer's own rating of a measure, if any."""
    if participant_id is None:
        return None
    stars = await conn.fetchval(
        "SELECT stars FROM ratings WHERE measure_id = $1 AND participant_id = $2", measure_id, participant_id
    )
    return None if stars is None else int(stars)
