"""Growth seeding (section 6): more measures and published comments, put in as a data import would.

Measures: before migration 0008 every create through the catalog's API rebuilt the search terms of
all measures under one lock (0.24 s at 1,000 measures, 3.9 s at 10,000; creates queued behind each
other), and 10,000 creates one at a time would still take minutes. So they
are published straight into the catalog's database with the catalog's own functions, BATCH to a
transaction, each as `editing.publish_measure` writes it (the measure in its field, its first
history row, its measure.published through the outbox), the search updated once per batch. They
are spread in turn over the current edition's fields (with one goal of each), the statuses and
the lead departments, with generated German texts. The services learn them from their events as
from any create; the seeding waits until participation, moderation and notifications hold them.

Comments: 100,000 through the real pipeline (submit, queue, approve, publish) would take most of
an hour, so they are written straight into participation's database with COPY, like a data
migration: published, spread over the measures by Zipf's law (the measure the reads look at gets
most), one in REPLY_EVERY a reply to an earlier comment of its measure. Participation keeps no
counters (counts and threads are read from the comments), so the rows are all it needs; in the
same transaction goes the participation.changed that participation writes for a change of any
measure, so the gateway empties its rendered pages. Moderation holds no queue item for these, as
for comments from before it ran, and no comment.* event was sent for them.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from radar_catalog.domain.measures import MeasureState, Vocabulary, validate_measure
from radar_catalog.domain.vocabulary import STATUSES, slugify
from radar_catalog.store import measures as catalog_store
from radar_catalog.store.vocabulary import vocabulary
from radar_cli.databases import DEFAULT_PREFIX, database_name
from radar_cli.embedded import EmbeddedPostgres
from radar_lib.events import (
    MeasurePublished,
    MeasureSnapshot,
    ParticipationChanged,
    ParticipationChangedPayload,
    utcnow,
)
from radar_lib.outbox import add_event

BATCH = 1_000  # measures per transaction; the catalog rebuilds its search once per batch
SEED_NOTE = "Für den Lasttest angelegt."
PROJECTIONS = ("participation", "moderation", "notifications")  # services that keep the measures
KNOWN_TIMEOUT = 900.0  # seconds the projections may take to catch up with the catalog
PARTICIPANTS = 5_000  # distinct authors of the seeded comments
REPLY_EVERY = 4
COMMENT_COLUMNS = (
    "comment_id", "measure_id", "participant_id", "parent_id", "body", "status", "display_name",
    "submitted_at", "decided_at", "published_at",
)  # fmt: skip
TOPICS = (
    "Digitale Antragsstrecke", "Online-Terminvergabe", "Sensornetz", "Offene Daten", "Lernplattform",
    "Bürgerkonto", "Datenschnittstelle", "Auskunftsassistent", "Geodatenportal", "E-Rechnung",
    "Videosprechstunde", "WLAN-Ausbau", "Mängelmelder", "Digitale Bauakte", "Parkraumsensorik",
)  # fmt: skip
PLACES = (
    "für Wohngeld", "im Bürgerbüro", "an Grundschulen", "in den Stadtbibliotheken", "für Vereine",
    "im Klinikum", "für Kitas", "in den Bezirksausschüssen", "für Gewerbetreibende", "im Nahverkehr",
    "für Seniorinnen und Senioren",
)  # fmt: skip
OPENINGS = (
    "Gute Idee,", "Endlich!", "Ich frage mich,", "Aus meiner Erfahrung im Viertel:", "Bitte bedenken Sie,",
    "Danke für die Übersicht.", "Schade,", "Als Elternteil sehe ich das so:",
)  # fmt: skip
REMARKS = (
    "ob das auch ohne Smartphone gut benutzbar ist.",
    "dass der Zeitplan realistisch bleibt und die Kosten offen gelegt werden.",
    "wie die Daten geschützt werden und wer darauf zugreifen darf.",
    "es wäre schön, wenn ältere Menschen bei der Einführung begleitet würden.",
    "die bisherige Lösung funktioniert nur eingeschränkt, hier lohnt sich der Umbau.",
    "wann erste Ergebnisse in unserem Stadtbezirk sichtbar werden.",
    "bitte auch in leichter Sprache und auf Englisch anbieten.",
)  # fmt: skip


def measure_values(number: int, known: Vocabulary) -> dict[str, Any]:
    """The attributes of the `number`-th seeded measure: field, goal, status and lead in turn."""
    fields, leads = sorted(known.goals_by_field), sorted(known.departments)
    field, goals = fields[number % len(fields)], known.goals_by_field[fields[number % len(fields)]]
    topic, place = TOPICS[number % len(TOPICS)], PLACES[number % len(PLACES)]
    status = STATUSES[number % len(STATUSES)]
    start = 2018 + number % 7
    return {
        "title": f"Maßnahme {number:05d}: {topic} {place}",  # the number keeps titles and slugs apart
        "summary": f"{topic} {place}: schneller, einfacher und barrierefrei.",
        "description": (
            f"Die Stadt führt das Vorhaben „{topic}“ {place} ein. Anträge und Auskünfte sollen rund um"
            " die Uhr digital möglich sein, ohne Medienbrüche und mit verständlichen Formularen."
        ),
        "field": field,
        "goals": [goals[number % len(goals)]] if goals else [],
        "status": status,
        "start_year": start,
        "end_year": start + 1 + number % 5,
        "progress": {"in_umsetzung": number * 37 % 100, "abgeschlossen": 100}.get(status),
        "lead": leads[number % len(leads)] if leads else None,
    }


def zipf_counts(total: int, buckets: int) -> list[int]:
    """`total` split over `buckets` in proportion to 1, 1/2, 1/3 ...; whole numbers that add up to it."""
    weights = [1 / rank for rank in range(1, buckets + 1)]
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(buckets), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def comment_rows(
    measure_ids: Sequence[uuid.UUID], *, total: int, now: datetime, rng: random.Random
) -> list[tuple[Any, ...]]:
    """`total` published comments (COMMENT_COLUMNS) over the measures, the first measure most; in each
    measure's thread every REPLY_EVERY-th answers one of the top-level comments before it."""
    participants = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(PARTICIPANTS)]
    numbers = itertools.count(1)
    rows: list[tuple[Any, ...]] = []
    for measure_id, count in zip(measure_ids, zipf_counts(total, len(measure_ids)), strict=True):
        top: list[uuid.UUID] = []
        published, step = now - timedelta(days=365), timedelta(days=360) / max(count, 1)
        for index in range(count):
            number, author = next(numbers), rng.randrange(PARTICIPANTS)
            comment_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            parent = rng.choice(top) if top and index % REPLY_EVERY == REPLY_EVERY - 1 else None
            if parent is None:
                top.append(comment_id)
            published += step
            body = f"{OPENINGS[number % len(OPENINGS)]} {REMARKS[number % len(REMARKS)]} (Beitrag {number})"
            name = f"Bürgerin {author}" if author % 3 else None  # a third stay anonymous
            rows.append(
                (
                    comment_id, measure_id, participants[author], parent, body, "published", name,
                    published - timedelta(minutes=30), published, published,
                )
            )  # fmt: skip
    return rows


async def _admin(postgres: EmbeddedPostgres, service: str) -> asyncpg.Connection:
    return await asyncpg.connect(postgres.admin_dsn(database_name(DEFAULT_PREFIX, service)))


async def _count(postgres: EmbeddedPostgres, service: str) -> int:
    conn = await _admin(postgres, service)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM measures"))
    finally:
        await conn.close()


async def measure_count(postgres: EmbeddedPostgres) -> int:
    """How many measures the catalog holds, archived ones included."""
    return await _count(postgres, "catalog")


async def has_measure(postgres: EmbeddedPostgres, slug: str) -> bool:
    conn = await _admin(postgres, "catalog")
    try:
        return bool(await conn.fetchval("SELECT true FROM measures WHERE slug = $1", slug))
    finally:
        await conn.close()


async def catalog_vocabulary(postgres: EmbeddedPostgres) -> Vocabulary:
    """What a measure may refer to in the current edition."""
    conn = await _admin(postgres, "catalog")
    try:
        return await vocabulary(conn)
    finally:
        await conn.close()


async def wait_until_known(postgres: EmbeddedPostgres, *, timeout: float = KNOWN_TIMEOUT) -> float:
    """Seconds until every projection holds as many measures as the catalog; TimeoutError after `timeout`."""
    began = time.monotonic()
    wanted = await measure_count(postgres)
    while True:
        counts = {service: await _count(postgres, service) for service in PROJECTIONS}
        if all(n >= wanted for n in counts.values()):
            return round(time.monotonic() - began, 1)
        if time.monotonic() - began > timeout:
            raise TimeoutError(f"after {timeout:g} s the services know {counts} of {wanted} measures")
        await asyncio.sleep(1.0)


async def analyze(postgres: EmbeddedPostgres) -> None:
    """ANALYZE every service's database, as autovacuum soon would after so many new rows."""
    for service in ("catalog", *PROJECTIONS):
        conn = await _admin(postgres, service)
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()


async def _publish(conn: asyncpg.Connection, states: list[MeasureState]) -> None:
    """Measures at version 1 as editing.publish_measure writes them; one transaction, one search rebuild."""
    async with conn.transaction():
        ids = []
        for state in states:
            measure_id, now, slug = uuid.uuid4(), utcnow(), slugify(state.title)
            await catalog_store.insert_measure(conn, measure_id=measure_id, slug=slug, state=state, now=now)
            await catalog_store.insert_change(
                conn, measure_id=measure_id, version=1, kind="published", changes=[],
                change_note=SEED_NOTE, changed_by="seed", changed_at=now,
            )  # fmt: skip
            payload = MeasureSnapshot.model_validate(
                {
                    "measure_id": measure_id, "version": 1, "slug": slug, "title": state.title,
                    "field_slug": state.field, "status": state.status, "change_note": SEED_NOTE,
                }
            )  # fmt: skip
            await add_event(conn, MeasurePublished.create(producer="catalog", payload=payload))
            ids.append(measure_id)
        await catalog_store.refresh_search(conn, measure_ids=ids)


async def add_measures(postgres: EmbeddedPostgres, *, total: int) -> dict[str, Any]:
    """Publish measures until the catalog holds `total`, then wait until the other services know them."""
    began = time.monotonic()
    conn = await _admin(postgres, "catalog")
    try:
        first = await catalog_store.count_measures(conn)
        known = await vocabulary(conn)
        numbers = range(first + 1, total + 1)
        print(f"seed: {len(numbers):,} measures into the catalog, {BATCH:,} to a transaction", flush=True)
        for at in range(0, len(numbers), BATCH):
            states = [
                validate_measure(measure_values(n, known), vocabulary=known) for n in numbers[at : at + BATCH]
            ]
            await _publish(conn, states)
    finally:
        await conn.close()
    published = time.monotonic() - began
    known_after = await wait_until_known(postgres)
    await analyze(postgres)
    return {
        "added": len(numbers),
        "seconds": round(time.monotonic() - began, 1),
        "published_s": round(published, 1),
        "known_after_s": known_after,
    }


async def add_comments(postgres: EmbeddedPostgres, *, total: int, busiest: str) -> dict[str, Any]:
    """`total` published comments into participation's database, the measure `busiest` with most."""
    began = time.monotonic()
    conn = await _admin(postgres, "participation")
    try:
        rows = await conn.fetch("SELECT measure_id, slug FROM measures WHERE NOT archived ORDER BY slug")
        rng = random.Random(12)
        ordered = sorted(rows, key=lambda r: (r["slug"] != busiest, rng.random()))
        generated = comment_rows([r["measure_id"] for r in ordered], total=total, now=utcnow(), rng=rng)
        print(f"seed: {total:,} published comments over {len(ordered):,} measures", flush=True)
        async with conn.transaction():
            await conn.copy_records_to_table("comments", records=generated, columns=list(COMMENT_COLUMNS))
            changed = ParticipationChangedPayload(
                measure_id=None, cause="comment_published", changed_at=utcnow()
            )
            await add_event(conn, ParticipationChanged.create(producer="participation", payload=changed))
        await conn.execute("ANALYZE comments")
        on_busiest = await conn.fetchval(
            "SELECT count(*) FROM comments JOIN measures USING (measure_id)"
            " WHERE slug = $1 AND comments.status = 'published'",
            busiest,
        )
    finally:
        await conn.close()
    return {
        "added": len(generated),
        "seconds": round(time.monotonic() - began, 1),
        "measures": len(ordered),
        "busiest": {"slug": busiest, "published": int(on_busiest)},
    }
