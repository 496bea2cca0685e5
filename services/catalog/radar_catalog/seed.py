"""Loading a city's data set: structure, vocabularies and measures, in one transaction."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import asyncpg

from radar_catalog.domain.texts import clean_introduction, clean_media, clean_quote
from radar_catalog.domain.vocabulary import SLUG_PATTERN
from radar_catalog.editing import publish_measure
from radar_catalog.store import measures, structure
from radar_lib.db import migrate
from radar_lib.service import Runtime

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
MIGRATIONS = Path(__file__).parent / "migrations"
SEED_LOCK = 7_340_101  # advisory lock id: one loader at a time per catalog database
SEED_NOTE = "Aus dem Datensatz übernommen."


def read_dataset(name: str) -> dict[str, Any]:
    """A data set shipped with the catalog, by name ("munich")."""
    path = DATA_DIR / f"{name}.json"
    if not SLUG_PATTERN.match(name) or not path.is_file():
        known = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.json")))
        raise ValueError(f"no data set named {name!r}; known: {known}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


async def _load_structure(conn: asyncpg.Connection, data: dict[str, Any]) -> None:
    for position, p in enumerate(data.get("principles", []), start=1):
        await structure.insert_principle(conn, slug=p["slug"], name=p["name"], position=position)
    for d in data.get("departments", []):
        await structure.insert_department(conn, code=d["code"], name=d["name"])
    for position, area in enumerate(data.get("core_areas", []), start=1):
        if await structure.insert_core_area(conn, slug=area["slug"], name=area["name"], position=position):
            await _present(conn, table="core_areas", item=area)
    for position, f in enumerate(data.get("fields", []), start=1):
        added = await structure.insert_field(
            conn, slug=f["slug"], name=f["name"], position=position, core_area=f.get("core_area")
        )
        if not added:
            continue
        await _present(conn, table="fields", item=f)
        for n, focus in enumerate(f.get("focus_areas", []), start=1):
            await structure.insert_focus_area(
                conn, field_slug=f["slug"], slug=focus["slug"], name=focus["name"], position=n
            )
        for n, goal in enumerate(f.get("goals", []), start=1):
            await structure.insert_goal(
                conn,
                field_slug=f["slug"],
                slug=goal["slug"],
                title=goal["title"],
                description=goal.get("description", ""),
                position=n,
            )


async def _present(conn: asyncpg.Connection, *, table: str, item: dict[str, Any]) -> None:
    await structure.set_presentation(
        conn,
        table=table,
        slug=item["slug"],
        introduction=clean_introduction(item.get("introduction")),
        quote=clean_quote(item.get("quote")),
        media=clean_media(item.get("media")),
    )


async def load_dataset(conn: asyncpg.Connection, data: dict[str, Any], *, actor: str = "seed") -> int:
    """Load a data set; what exists (by slug) is kept as it is. Return how many measures were added."""
    added = 0
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", SEED_LOCK)
        await _load_structure(conn, data)
        for m in data.get("measures", []):
            if await measures.find_measure(conn, m["slug"]) is not None:
                continue
            values = {k: v for k, v in m.items() if k != "slug"}
            await publish_measure(conn, values=values, actor=actor, slug=m["slug"], change_note=SEED_NOTE)
            added += 1
    return added


async def seed_when_empty(runtime: Runtime) -> None:
    """On start: load the configured data set into a catalog that has no measures yet."""
    name = getattr(runtime.settings, "seed", "")
    if not name:
        return
    data = read_dataset(name)
    async with runtime.pool.acquire() as conn:
        if await measures.count_measures(conn):
            return
        added = await load_dataset(conn, data)
    log.info("loaded the %s data set: %d measures", name, added)


async def seed_database(dsn: str, name: str = "munich") -> int:
    """Bring a catalog database up to date and load a data set into it; return the measures added."""
    data = read_dataset(name)
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        return await load_dataset(conn, data)
    finally:
        await conn.close()
