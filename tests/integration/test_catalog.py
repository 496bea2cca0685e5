"""The catalog service against real PostgreSQL and Valkey: seeding, editing, events, search, export."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from faststream.redis.parser.binary import BinaryMessageFormatV1
from redis.asyncio import Redis

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app
from radar_catalog.seed import MIGRATIONS, load_dataset, seed_database
from radar_lib.db import migrate
from radar_lib.events import ErasureRequestedPayload, ParticipantErasureRequested, utcnow
from radar_lib.outbox import pending_count
from radar_lib.token import Principal
from tests.conftest import TOKEN_SECRET, editor, moderator, participant, running_service, token_headers
from tests.integration.helpers import emit, eventually

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]
READER = Principal(kind="anonymous")
TINY_CITY: dict[str, Any] = {
    "principles": [{"slug": "standards", "name": "Standards"}, {"slug": "offenheit", "name": "Offenheit"}],
    "departments": [{"code": "RIT", "name": "IT-Referat"}, {"code": "RKU", "name": "Klimareferat"}],
    "core_areas": [{"slug": "stadtgesellschaft", "name": "Stadtgesellschaft", "introduction": "Für alle."}],
    "fields": [
        {"slug": "teilhabe", "name": "Teilhabe", "core_area": "stadtgesellschaft",
         "goals": [{"slug": "beteiligung", "title": "Beteiligung", "description": "Mitreden."}]},
        {"slug": "labs", "name": "Labs & Apps", "core_area": "stadtgesellschaft"},
        {"slug": "netze", "name": "Netze", "goals": [{"slug": "glasfaser", "title": "Glasfaser"}]},
    ],
    "measures": [],
}  # fmt: skip


@asynccontextmanager
async def catalog(
    new_database: NewDatabase, redis_url: str, *, seed: str = "", data: dict[str, Any] | None = None
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A running catalog on a database of its own, loaded with a data set first if one is given."""
    dsn = new_database("catalog")
    if data is not None:
        await migrate(dsn, service_migrations=MIGRATIONS)
        conn = await asyncpg.connect(dsn)
        try:
            await load_dataset(conn, data)
        finally:
            await conn.close()
    settings = CatalogSettings(
        database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET, seed=seed
    )
    async with running_service(create_app(settings)) as client:
        yield client, dsn
        # leave only once every event is out: the relay is then idle when the service stops
        await eventually(lambda: nothing_pending(dsn))


async def nothing_pending(dsn: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        return await pending_count(conn) == 0
    finally:
        await conn.close()


async def announced(redis_url: str, event_type: str, *, at_least: int = 1) -> list[dict[str, Any]]:
    """The events on a stream, once at least this many have arrived."""
    redis = Redis.from_url(redis_url)

    async def read() -> list[dict[str, Any]]:
        entries: Any = await redis.xrange(f"radar.{event_type}")
        events = [json.loads(BinaryMessageFormatV1.parse(f[b"__data__"])[0]) for _, f in entries]
        return events if len(events) >= at_least else []

    try:
        return await eventually(read)
    finally:
        await redis.aclose()


async def counts(dsn: str) -> tuple[int, int, int]:
    """Rows in measures, measure_changes and the outbox."""
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM measures), (SELECT count(*) FROM measure_changes),"
            " (SELECT count(*) FROM outbox)"
        )
        return (row[0], row[1], row[2])
    finally:
        await conn.close()


def new_measure(**values: Any) -> dict[str, Any]:
    return {"title": f"Glasfaser für Schulen {uuid.uuid4().hex[:6]}", "field": "netze", **values}


async def test_first_start_loads_the_munich_set_and_announces_each_measure_once(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, dsn):
        listed = (await client.get("/measures?per_page=100", headers=token_headers(READER))).json()
        assert listed["total"] == 23
        events = await announced(redis_url, "measure.published", at_least=23)
        assert sorted(e["payload"]["slug"] for e in events) == sorted(m["slug"] for m in listed["items"])
        assert {e["payload"]["version"] for e in events} == {1}
        e_akte = next(e["payload"] for e in events if e["payload"]["slug"] == "e-akte")
        assert (e_akte["status"], e_akte["field_slug"]) == ("in_umsetzung", "digital-government")
        fields = (await client.get("/fields", headers=token_headers(READER))).json()
        assert fields["total"] == 9
    settings = CatalogSettings(
        database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET, seed="munich"
    )
    async with running_service(create_app(settings)):
        # a second start loads nothing again; the outbox holds the 23 measures and the 12 fields
        # and 3 core areas of both editions, each announced once as it was added, and its 3 reports
        assert await counts(dsn) == (23, 23, 23 + 12 + 3 + 3)
    assert await seed_database(dsn, "munich") == 0


async def test_edits_emit_published_updated_and_archived_with_version_and_changes(
    new_database: NewDatabase, redis_url: str
) -> None:
    who = editor()
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, _):
        created = await client.post(
            "/measures", json=new_measure(status="geplant"), headers=token_headers(who)
        )
        assert created.status_code == 201, created.text
        measure = created.json()
        assert (measure["version"], measure["status_label"]) == (1, "Geplant")
        [published] = await announced(redis_url, "measure.published")
        assert published["payload"]["measure_id"] == measure["id"]
        patch = {"status": "in_umsetzung", "progress": 10, "change_note": "Ausschreibung läuft."}
        changed = await client.patch(f"/measures/{measure['slug']}", json=patch, headers=token_headers(who))
        assert changed.status_code == 200, changed.text
        assert changed.json()["version"] == 2
        [updated] = await announced(redis_url, "measure.updated")
        assert updated["payload"]["version"] == 2
        assert updated["payload"]["status"] == "in_umsetzung"
        assert updated["payload"]["changes"] == [
            {"field": "status", "old": "geplant", "new": "in_umsetzung"},
            {"field": "progress", "old": None, "new": 10},
        ]
        assert updated["payload"]["change_note"] == "Ausschreibung läuft."
        assert updated["payload"]["changed_by"] == str(who.id)
        archived = await client.post(
            f"/measures/{measure['id']}/archive",
            json={"change_note": "In eine andere Maßnahme übergegangen.", "expected_version": 2},
            headers=token_headers(who),
        )
        assert archived.status_code == 200, archived.text
        assert (archived.json()["version"], archived.json()["archived"]) == (3, True)
        [gone] = await announced(redis_url, "measure.archived")
        assert (gone["payload"]["version"], gone["payload"]["archived"]) == (3, True)


async def test_callers_without_the_editor_role_cannot_change_anything(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        created = await client.post("/measures", json=new_measure(), headers=token_headers(editor()))
        slug = created.json()["slug"]
        before = await counts(dsn)
        writes = [
            ("POST", "/measures", new_measure()),
            ("PATCH", f"/measures/{slug}", {"title": "Neu", "change_note": "x"}),
            ("POST", f"/measures/{slug}/archive", {"change_note": "x"}),
            ("PATCH", "/fields/netze", {"introduction": "Neu"}),
            ("PATCH", "/core-areas/stadtgesellschaft", {"introduction": "Neu"}),
        ]
        for method, path, body in writes:
            for who, status in ((READER, 401), (participant(), 401), (moderator(), 403)):
                r = await client.request(method, path, json=body, headers=token_headers(who))
                assert r.status_code == status, (method, path, r.text)
                assert r.json()["error"] == ("ROLE_REQUIRED" if status == 403 else "LOGIN_REQUIRED")
            r = await client.request(method, path, json=body)
            assert (r.status_code, r.json()["error"]) == (401, "INTERNAL_TOKEN_INVALID")
        assert await counts(dsn) == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (new_measure(status="fertig"), "STATUS_UNKNOWN"),
        (new_measure(progress=101), "PROGRESS_OUT_OF_RANGE"),
        (new_measure(start_year=2025, end_year=2024), "PERIOD_INVALID"),
        (new_measure(title="  "), "TITLE_EMPTY"),
        (new_measure(field="raumfahrt"), "FIELD_NOT_FOUND"),
        (new_measure(goals=["beteiligung"]), "GOAL_NOT_FOUND"),
        (new_measure(principles=["eile"]), "PRINCIPLE_UNKNOWN"),
        (new_measure(lead="ABC"), "LEAD_UNKNOWN"),
        (new_measure(slug="Nicht Gültig"), "SLUG_INVALID"),
        (new_measure(progress="viel"), "VALIDATION_FAILED"),
    ],
)
async def test_invalid_new_measure_is_refused_and_leaves_no_row_and_no_event(
    new_database: NewDatabase, redis_url: str, body: dict[str, Any], code: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        loaded = await counts(dsn)  # the data set's fields and core area, announced as they were added
        assert loaded == (0, 0, 4)
        r = await client.post("/measures", json=body, headers=token_headers(editor()))
        assert (r.status_code, r.json()["error"]) == (422, code), r.text
        assert await counts(dsn) == loaded


async def test_refused_changes_leave_the_measure_and_the_outbox_as_they_were(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        headers = token_headers(editor())
        created = (await client.post("/measures", json=new_measure(start_year=2022), headers=headers)).json()
        path = f"/measures/{created['slug']}"
        before = await counts(dsn)
        note = {"title": "N", "change_note": "x"}
        refusals = [
            ("PATCH", path, {"status": "in_umsetzung"}, 422, "CHANGE_NOTE_REQUIRED"),
            ("PATCH", path, {"status": "in_umsetzung", "change_note": "  "}, 422, "CHANGE_NOTE_REQUIRED"),
            ("PATCH", path, {"end_year": 2021, "change_note": "Ende"}, 422, "PERIOD_INVALID"),
            ("PATCH", path, {"progress": -5, "change_note": "Fortschritt"}, 422, "PROGRESS_OUT_OF_RANGE"),
            ("PATCH", path, {"start_year": 2022, "change_note": "Gleich"}, 422, "NOTHING_TO_CHANGE"),
            ("PATCH", path, {**note, "expected_version": 7}, 409, "VERSION_CONFLICT"),
            ("PATCH", path, {"slug": "anders", "change_note": "x"}, 422, "VALIDATION_FAILED"),
            ("PATCH", "/measures/gibt-es-nicht", note, 404, "MEASURE_NOT_FOUND"),
            ("POST", f"{path}/archive", {}, 422, "CHANGE_NOTE_REQUIRED"),
            ("POST", f"/measures/{uuid.uuid4()}/archive", {"change_note": "x"}, 404, "MEASURE_NOT_FOUND"),
            ("POST", "/measures", new_measure(slug=created["slug"]), 409, "SLUG_TAKEN"),
        ]  # fmt: skip
        for method, target, body, status, code in refusals:
            r = await client.request(method, target, json=body, headers=headers)
            assert (r.status_code, r.json()["error"]) == (status, code), (body, r.text)
        assert await counts(dsn) == before
        shown = (await client.get(path, headers=token_headers(READER))).json()
        assert (shown["version"], shown["start_year"], shown["status"]) == (1, 2022, "unbekannt")
        await client.post(f"{path}/archive", json={"change_note": "Erledigt."}, headers=headers)
        again = await client.patch(path, json={"title": "Neu", "change_note": "x"}, headers=headers)
        assert (again.status_code, again.json()["error"]) == (409, "MEASURE_ARCHIVED")


async def test_slug_stays_when_the_title_changes_and_a_repeated_title_gets_a_new_slug(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, _):
        headers = token_headers(editor())
        first = (
            await client.post("/measures", json=new_measure(title="Öffentliches WLAN"), headers=headers)
        ).json()
        second = (
            await client.post("/measures", json=new_measure(title="Öffentliches WLAN"), headers=headers)
        ).json()
        assert (first["slug"], second["slug"]) == ("oeffentliches-wlan", "oeffentliches-wlan-2")
        renamed = await client.patch(
            "/measures/oeffentliches-wlan",
            json={"title": "Freies WLAN", "change_note": "Neuer Name."},
            headers=headers,
        )
        assert (renamed.json()["slug"], renamed.json()["title"]) == ("oeffentliches-wlan", "Freies WLAN")
        by_id = (await client.get(f"/measures/{first['id']}", headers=token_headers(READER))).json()
        assert by_id["title"] == "Freies WLAN"
        missing = await client.get("/measures/%00", headers=token_headers(READER))
        assert (missing.status_code, missing.json()["error"]) == (404, "MEASURE_NOT_FOUND")


async def test_search_finds_open_library_by_another_german_word_form(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        reader = token_headers(READER)
        library = (await client.get("/measures/open-library", headers=reader)).json()
        assert "Bibliothek " in library["description"]  # the data set's own text says "Bibliothek"
        found = (await client.get("/measures", params={"q": "Bibliotheken"}, headers=reader)).json()
        assert [m["slug"] for m in found["items"]] == ["open-library"]
        several = (await client.get("/measures", params={"q": "Daten"}, headers=reader)).json()
        assert "zentrale-datenplattform-fuer-mobilitaetsdaten" in [m["slug"] for m in several["items"]]
        nothing = (await client.get("/measures", params={"q": "Raumfahrtbahnhof"}, headers=reader)).json()
        assert (nothing["items"], nothing["total"], nothing["page"], nothing["per_page"]) == ([], 0, 1, 20)
        assert (nothing["topics"], nothing["suggestions"]) == ([], [])


async def test_filters_narrow_by_field_status_lead_principle_and_year(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        reader = token_headers(READER)

        async def slugs(**params: Any) -> set[str]:
            r = await client.get("/measures", params={"per_page": 100, **params}, headers=reader)
            assert r.status_code == 200, r.text
            return {m["slug"] for m in r.json()["items"]}

        assert len(await slugs(field="kultur-sport-und-freizeit")) == 4
        assert await slugs(status="geplant") == {
            "buergerschaftliches-engagement-community-plattform",
            "aufbau-klimaschutz-monitoring",
        }
        assert await slugs(lead="RAW") == {"munich-urban-colab", "arbeiten-4-0", "lhm-innovationswettbewerb"}
        assert await slugs(year=2026) == {"e-akte", "breitbandversorgung-glasfaser-funk"}
        assert await slugs(year=2023, field="mobilitaet") == {"zentrale-datenplattform-fuer-mobilitaetsdaten"}
        assert await slugs(field="digital-government", status="unbekannt", lead="RIT") == {
            "muenchen-portal-der-zukunft",
            "stadtweite-datengovernance-und-aufbau-datenmanagement",
        }
        assert await slugs(principle="standards") == set()
        await client.patch(
            "/measures/e-akte",
            json={"principles": ["standards"], "change_note": "Prinzip ergänzt."},
            headers=token_headers(editor()),
        )
        assert await slugs(principle="standards") == {"e-akte"}
        page = (await client.get("/measures?per_page=5&page=2", headers=reader)).json()
        assert (len(page["items"]), page["total"]) == (5, 23)
        refusals: list[tuple[dict[str, Any], str]] = [
            ({"status": "fertig"}, "STATUS_UNKNOWN"),
            ({"field": "raumfahrt"}, "FIELD_NOT_FOUND"),
            ({"lead": "XYZ"}, "LEAD_UNKNOWN"),
            ({"principle": "eile"}, "PRINCIPLE_UNKNOWN"),
            ({"per_page": 101}, "VALIDATION_FAILED"),
            ({"page": 0}, "VALIDATION_FAILED"),
        ]
        for params, code in refusals:
            r = await client.get("/measures", params=params, headers=reader)
            assert (r.status_code, r.json()["error"]) == (422, code)


async def test_history_lists_every_change_newest_first_and_changes_span_all_measures(
    new_database: NewDatabase, redis_url: str
) -> None:
    who = editor()
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, _):
        headers, reader = token_headers(who), token_headers(READER)
        slug = (await client.post("/measures", json=new_measure(), headers=headers)).json()["slug"]
        other = (await client.post("/measures", json=new_measure(), headers=headers)).json()["slug"]
        steps = [
            {"status": "geplant", "change_note": "Beschlossen."},
            {"start_year": 2024, "end_year": 2026, "lead": "RIT", "change_note": "Zeitraum festgelegt."},
        ]
        for patch in steps:
            assert (await client.patch(f"/measures/{slug}", json=patch, headers=headers)).status_code == 200
        await client.post(
            f"/measures/{slug}/archive", json={"change_note": "Zusammengelegt."}, headers=headers
        )
        history = (await client.get(f"/measures/{slug}/history", headers=reader)).json()
        assert history["total"] == 4
        assert [(h["version"], h["kind"]) for h in history["items"]] == [
            (4, "archived"), (3, "updated"), (2, "updated"), (1, "published"),
        ]  # fmt: skip
        assert history["items"][2]["changes"] == [{"field": "status", "old": "unbekannt", "new": "geplant"}]
        assert [c["field"] for c in history["items"][1]["changes"]] == ["start_year", "end_year", "lead"]
        assert history["items"][1]["change_note"] == "Zeitraum festgelegt."
        assert {h["changed_by"] for h in history["items"]} == {str(who.id)}
        changes = (await client.get("/changes?per_page=2", headers=reader)).json()
        assert changes["total"] == 5
        assert [(c["measure"]["slug"], c["version"]) for c in changes["items"]] == [(slug, 4), (slug, 3)]
        middle = (await client.get("/changes?per_page=2&page=2", headers=reader)).json()
        assert [(c["measure"]["slug"], c["version"]) for c in middle["items"]] == [(slug, 2), (other, 1)]
        oldest = (await client.get("/changes?per_page=2&page=3", headers=reader)).json()
        assert [(c["measure"]["slug"], c["version"]) for c in oldest["items"]] == [(slug, 1)]
        assert middle["total"] == oldest["total"] == 5
        whole = (await client.get("/changes?per_page=100", headers=reader)).json()
        assert whole["total"] == len(whole["items"]) == 5


async def test_exports_hold_every_measure_archived_ones_included(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        reader = token_headers(READER)
        await client.post(
            "/measures/m-wlan/archive", json={"change_note": "Archiviert."}, headers=token_headers(editor())
        )
        exported = (await client.get("/export/measures.json", headers=reader)).json()
        assert exported["total"] == len(exported["items"]) == 23
        assert [m["slug"] for m in exported["items"] if m["archived"]] == ["m-wlan"]
        r = await client.get("/export/measures.csv", headers=reader)
        assert r.headers["content-type"].startswith("text/csv")
        text = r.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
        assert {row["slug"] for row in rows} == {m["slug"] for m in exported["items"]}
        e_akte = next(row for row in rows if row["slug"] == "e-akte")
        assert (e_akte["status_label"], e_akte["start_year"], e_akte["end_year"]) == (
            "In Umsetzung",
            "2019",
            "2026",
        )
        assert (e_akte["progress"], e_akte["lead_code"], e_akte["lead_name"]) == ("58", "RIT", "IT-Referat")
        portal = next(row for row in rows if row["slug"] == "muenchen-portal-der-zukunft")
        assert (portal["title"], portal["status"], portal["start_year"]) == (
            "München Portal der Zukunft",
            "unbekannt",
            "",
        )


async def test_field_overview_counts_its_measures_per_status(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        reader = token_headers(READER)
        field = (await client.get("/fields/digital-government", headers=reader)).json()
        counted = {c["status"]: c["count"] for c in field["status_counts"]}
        assert counted == {
            "geplant": 0,
            "in_umsetzung": 2,
            "abgeschlossen": 0,
            "eingestellt": 0,
            "unbekannt": 3,
        }
        assert field["measure_count"] == 5
        assert [a["name"] for a in field["focus_areas"]] == ["Kultur und Arbeitsumfeld"]
        ozg = (await client.get("/measures/ozg-umsetzung", headers=reader)).json()
        assert (ozg["status"], ozg["unsure"]) == ("in_umsetzung", ["status"])
        mobility = (await client.get("/fields/mobilitaet", headers=reader)).json()
        assert [g["title"] for g in mobility["goals"]] == [
            "Digitalisierung für die Mobilitätswende",
            "Verfügbarkeit von Mobilitätsdaten",
        ]
        missing = await client.get("/fields/raumfahrt", headers=reader)
        assert (missing.status_code, missing.json()["error"]) == (404, "FIELD_NOT_FOUND")
        current = (await client.get("/core-areas", headers=reader)).json()  # 2022 has fields only
        assert (current["items"], current["total"], current["edition"]["slug"]) == ([], 0, "2022")
        principles = (await client.get("/principles", headers=reader)).json()
        assert principles["total"] == 7
        assert principles["items"][-1] == {"slug": "digitale-souveraenitaet-open-source",
                                           "name": "Digitale Souveränität / Open Source"}  # fmt: skip
        departments = (await client.get("/departments", headers=reader)).json()["items"]
        assert {"code": "KULT", "name": "Kulturreferat"} in departments


async def test_core_area_groups_its_fields_and_editors_present_it(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, _):
        reader, headers = token_headers(READER), token_headers(editor())
        await client.post("/measures", json=new_measure(field="labs", status="geplant"), headers=headers)
        areas = (await client.get("/core-areas", headers=reader)).json()
        assert [(a["slug"], [f["slug"] for f in a["fields"]]) for a in areas["items"]] == [
            ("stadtgesellschaft", ["teilhabe", "labs"])
        ]
        area = (await client.get("/core-areas/stadtgesellschaft", headers=reader)).json()
        assert area["introduction"] == "Für alle."
        labs = area["fields"][1]
        assert (labs["name"], labs["core_area"], labs["measure_count"]) == (
            "Labs & Apps",
            "stadtgesellschaft",
            1,
        )
        fields = (await client.get("/fields", headers=reader)).json()["items"]
        assert [f["core_area"] for f in fields] == ["stadtgesellschaft", "stadtgesellschaft", None]
        video = {"kind": "video", "title": "Einführung", "url": "https://example.org/video"}
        presentation: dict[str, Any] = {
            "quote": {"text": "Digital für alle.", "author": "Eine Stadträtin"},
            "media": [video],
        }
        r = await client.patch("/core-areas/stadtgesellschaft", json=presentation, headers=headers)
        assert r.status_code == 200, r.text
        assert (r.json()["quote"], r.json()["media"], r.json()["introduction"]) == (
            presentation["quote"],
            presentation["media"],
            "Für alle.",
        )
        same = await client.patch("/core-areas/stadtgesellschaft", json=presentation, headers=headers)
        assert (same.status_code, same.json()["error"]) == (422, "NOTHING_TO_CHANGE")
        bad = await client.patch("/fields/netze", json={"media": [{**video, "kind": "x"}]}, headers=headers)
        assert (bad.status_code, bad.json()["error"]) == (422, "MEDIA_KIND_UNKNOWN")
        intro = await client.patch("/fields/netze", json={"introduction": "Netze für alle."}, headers=headers)
        assert intro.json()["introduction"] == "Netze für alle."
        missing = await client.get("/core-areas/infrastruktur", headers=reader)
        assert (missing.status_code, missing.json()["error"]) == (404, "CORE_AREA_NOT_FOUND")


async def test_erasure_request_is_acknowledged_without_effect(
    new_database: NewDatabase, redis_url: str
) -> None:
    dsn = new_database("catalog")
    app = create_app(
        CatalogSettings(database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET)
    )
    async with running_service(app):
        event = ParticipantErasureRequested.create(
            producer="gateway",
            payload=ErasureRequestedPayload(participant_id=uuid.uuid4(), requested_at=utcnow()),
        )
        await emit(app, event)  # through the catalog's own outbox: the stream is what counts

        async def processed() -> bool:
            conn = await asyncpg.connect(dsn)
            try:
                return bool(
                    await conn.fetchval("SELECT 1 FROM processed_events WHERE event_id = $1", event.event_id)
                )
            finally:
                await conn.close()

        assert await eventually(processed)
        redis = Redis.from_url(redis_url)
        try:
            pending: Any = await redis.xpending(event.stream(), "catalog")
            assert pending["pending"] == 0
        finally:
            await redis.aclose()
        assert await counts(dsn) == (0, 0, 1)
