"""Loading a city's data set: editions and their structure, vocabularies and measures, in one transaction."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from radar_catalog.deciding import record_adoption
from radar_catalog.domain.languages import clean_translations
from radar_catalog.domain.structure import clean_unknown
from radar_catalog.domain.texts import clean_introduction, clean_media, clean_quote
from radar_catalog.domain.vocabulary import SLUG_PATTERN, CatalogError, ensure_slug
from radar_catalog.editing import publish_measure
from radar_catalog.presenting import announce, announce_moved
from radar_catalog.reporting import report_measure
from radar_catalog.store import editions, measures, structure
from radar_catalog.store import fields as field_store
from radar_catalog.store.vocabulary import insert_department, insert_principle, vocabulary
from radar_lib.db import migrate
from radar_lib.service import Runtime

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
MIGRATIONS = Path(__file__).parent / "migrations"
SEED_LOCK = 7_340_101  # advisory lock id: one loader at a time per catalog database
SEED_NOTE = "Aus dem Datensatz übernommen."
MEASURE_TEXTS = ("title", "summary", "description")
REPORT_UNSURE = {"year": "Berichtsjahr", "progress": "Fortschritt"}  # what a report entry may be unsure of


def read_dataset(name: str) -> dict[str, Any]:
    """A data set shipped with the catalog, by name ("munich")."""
    path = DATA_DIR / f"{name}.json"
    if not SLUG_PATTERN.match(name) or not path.is_file():
        known = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.json")))
        raise ValueError(f"no data set named {name!r}; known: {known}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


async def _load_vocabularies(conn: asyncpg.Connection, data: dict[str, Any]) -> None:
    for position, p in enumerate(data.get("principles", []), start=1):
        await insert_principle(
            conn, slug=p["slug"], name=p["name"], position=position, translations=_translated(p, "name")
        )
    for d in data.get("departments", []):
        await insert_department(conn, code=d["code"], name=d["name"])


async def _load_editions(conn: asyncpg.Connection, data: dict[str, Any]) -> str:
    """Add the data set's editions; its current one names the provisional edition. Return the current slug."""
    for position, e in enumerate(data.get("editions", []), start=1):
        values = {
            "slug": ensure_slug(e["slug"]),
            "name": e["name"],
            "year": e.get("year"),
            "position": position,
            "introduction": clean_introduction(e.get("introduction")),
            "translations": _translated(e, "name", "introduction"),
        }
        if e.get("current") and await editions.adopt_provisional_edition(conn, **values):
            await announce_moved(conn, edition=values["slug"])
        else:
            await editions.insert_edition(conn, **values)
    return await editions.current_edition(conn)


def _translated(item: dict[str, Any], *attributes: str) -> dict[str, dict[str, str]]:
    """An item's translations ({"en": {"name": ...}}) as stored."""
    return clean_translations(item.get("translations"), attributes=attributes)


def _presentation(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": item["name"],
        "introduction": clean_introduction(item.get("introduction")),
        "quote": clean_quote(item.get("quote")),
        "media": clean_media(item.get("media")),
        "unknown": clean_unknown(item.get("unknown")),
    }


async def _load_structure(conn: asyncpg.Connection, part: dict[str, Any], *, edition: str) -> None:
    """The core areas and fields of one edition, each announced as it is added."""
    for position, area in enumerate(part.get("core_areas", []), start=1):
        row = await structure.insert_core_area(
            conn, edition=edition, slug=area["slug"], position=position, presentation=_presentation(area),
            translations=_translated(area, "name", "introduction"),
        )  # fmt: skip
        if row is not None:
            await announce(conn, table="core_areas", row=row, changes=["added"])
    for position, f in enumerate(part.get("fields", []), start=1):
        row = await field_store.insert_field(
            conn, edition=edition, slug=f["slug"], position=position, core_area=f.get("core_area"),
            presentation=_presentation(f), translations=_translated(f, "name", "introduction"),
        )  # fmt: skip
        if row is None:
            continue
        for n, focus in enumerate(f.get("focus_areas", []), start=1):
            await field_store.insert_focus_area(
                conn, edition=edition, field_slug=f["slug"], slug=focus["slug"], name=focus["name"],
                position=n, translations=_translated(focus, "name"),
            )  # fmt: skip
        for n, goal in enumerate(f.get("goals", []), start=1):
            await field_store.insert_goal(
                conn, edition=edition, field_slug=f["slug"], slug=goal["slug"], title=goal["title"],
                description=goal.get("description", ""), position=n,
                translations=_translated(goal, "title", "description"),
            )  # fmt: skip
        await announce(conn, table="fields", row=row, changes=["added"])


async def _load_reports(conn: asyncpg.Connection, *, reports: list[Any], actor: str) -> None:
    """Report entries of new measures, each published as its year's first version; an unsure one says so."""
    for entry in reports:
        unsure = entry.get("unsure", [])
        if not set(unsure) <= REPORT_UNSURE.keys():
            raise CatalogError(
                "UNSURE_UNKNOWN", f"A report entry is unsure only of {', '.join(REPORT_UNSURE)}."
            )
        doubts = ", ".join(REPORT_UNSURE[name] for name in unsure)
        note = f"{SEED_NOTE} Nicht sicher belegt: {doubts}." if doubts else SEED_NOTE
        values = {k: v for k, v in entry.items() if k not in ("measure", "year", "unsure")}
        await report_measure(
            conn, ref=entry["measure"], year=entry["year"], actor=actor,
            values={**values, "status": "published", "change_note": note},
        )  # fmt: skip


async def _place_elsewhere(
    conn: asyncpg.Connection, *, measure_id: uuid.UUID, placements: dict[str, str], current: str
) -> None:
    """A measure's fields in the editions other than the current one; a field it has there is kept."""
    for edition, field in placements.items():
        if edition == current or field not in (await vocabulary(conn, edition=edition)).goals_by_field:
            raise CatalogError(
                "FIELD_NOT_FOUND", f"No field {field!r} in edition {edition!r} to place a measure in."
            )
        await measures.place_measure(conn, measure_id=measure_id, field=field, edition=edition, replace=False)


async def load_dataset(conn: asyncpg.Connection, data: dict[str, Any], *, actor: str = "seed") -> int:
    """Load a data set; what exists (by slug) is kept as it is. Return how many measures were added.

    Its top-level core areas and fields belong to the current edition; its other editions
    bring their own. A measure's `field` is its field in the current edition, `placements`
    name its fields in others ({"2019": "slug"}). Its `reports` are published for the measures it adds.
    """
    new: set[str] = set()
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", SEED_LOCK)
        await _load_vocabularies(conn, data)
        current = await _load_editions(conn, data)
        await _load_structure(conn, data, edition=current)
        for e in data.get("editions", []):
            if e["slug"] != current:
                await _load_structure(conn, e, edition=e["slug"])
        for decision in data.get("decisions", []):
            await record_adoption(conn, item=decision, actor=actor)
        for m in data.get("measures", []):
            found = await measures.find_measure(conn, m["slug"])
            if found is None:
                values = {k: v for k, v in m.items() if k not in ("slug", "placements", "translations")}
                measure_id = await publish_measure(
                    conn, values=values, actor=actor, slug=m["slug"], change_note=SEED_NOTE
                )
                await measures.set_translations(
                    conn, measure_id=measure_id, translations=_translated(m, *MEASURE_TEXTS)
                )
                new.add(m["slug"])
            else:
                measure_id = found["measure_id"]
            await _place_elsewhere(
                conn, measure_id=measure_id, placements=m.get("placements", {}), current=current
            )
        reports = [r for r in data.get("reports", []) if r["measure"] in new]
        await _load_reports(conn, reports=reports, actor=actor)
        await measures.refresh_search(conn)
    if not conn.is_in_transaction():  # the planner's statistics, so that searches are fast at once
        await conn.execute("ANALYZE")
    return len(new)


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
