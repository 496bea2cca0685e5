"""What the catalog's tables and outbox hold, read straight from its database, and a new measure."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg
import httpx

from tests.conftest import editor, token_headers
from tests.integration.test_catalog import new_measure


async def counts(dsn: str, *, tables: Sequence[str], stream: str) -> tuple[int, ...]:
    """The rows of each table, then the outbox rows of one stream."""
    parts = [f"(SELECT count(*) FROM {table})" for table in tables]
    parts.append("(SELECT count(*) FROM outbox WHERE stream = $1)")
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(f"SELECT {', '.join(parts)}", stream)
        assert row is not None
        return tuple(row)
    finally:
        await conn.close()


async def outbox_bodies(dsn: str, stream: str) -> list[dict[str, Any]]:
    """The events of one stream in the outbox, oldest first."""
    conn = await asyncpg.connect(dsn)
    try:
        bodies = await conn.fetch("SELECT body FROM outbox WHERE stream = $1 ORDER BY seq", stream)
        return [json.loads(r["body"]) for r in bodies]
    finally:
        await conn.close()


async def a_measure(client: httpx.AsyncClient) -> dict[str, Any]:
    """A new measure, created by an editor."""
    created = await client.post("/measures", json=new_measure(), headers=token_headers(editor()))
    assert created.status_code == 201, created.text
    measure: dict[str, Any] = created.json()
    return measure
