"""Editions of the strategy in the catalog: Munich's 2019 core areas beside its 2022 fields, measures
placed in each edition, and field.updated / core_area.updated leaving through the outbox."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from radar_catalog.config import CatalogSettings
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.main import create_app
from radar_catalog.seed import MIGRATIONS, load_dataset
from radar_lib.db import apply_migrations, lib_migrations, migrate
from tests.conftest import TOKEN_SECRET, editor, running_service, token_headers
from tests.integration.test_catalog import READER, TINY_CITY, announced, catalog

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]
STADTGESELLSCHAFT_FIELDS = [
    "Digitale Gemeinschaften und Partizipation",
    "Arbeit und Wirtschaft",
    "Digitales erproben und erleben (Labs & Apps)",
]
NO_MEASURES = [
    {"status": s, "label": label, "count": 0}
    for s, label in (
        ("geplant", "Geplant"),
        ("in_umsetzung", "In Umsetzung"),
        ("abgeschlossen", "Abgeschlossen"),
        ("eingestellt", "Eingestellt"),
        ("unbekannt", "unbekannt"),
    )
]
TWO_EDITIONS: dict[str, Any] = {
    "departments": [{"code": "RIT", "name": "IT-Referat"}],
    "editions": [
        {
            "slug": "2019", "name": "Erste Fassung", "year": 2019, "introduction": "Drei Kernbereiche.",
            "core_areas": [{"slug": "stadtgesellschaft", "name": "Stadtgesellschaft"}],
            "fields": [
                {"slug": "labs", "name": "Labs & Apps", "core_area": "stadtgesellschaft"},
                {"slug": "netze", "name": "Netze von damals"},
            ],
        },
        {"slug": "2022", "name": "Fortschreibung", "year": 2022, "current": True},
    ],
    "fields": [
        {"slug": "netze", "name": "Netze", "goals": [{"slug": "glasfaser", "title": "Glasfaser"}]},
        {"slug": "bildung", "name": "Bildung"},
    ],
    "measures": [
        {"slug": "reallabor", "title": "Reallabor", "field": "netze", "status": "geplant",
         "placements": {"2019": "labs"}},
        {"slug": "glasfaser", "title": "Glasfaser", "field": "netze", "goals": ["glasfaser"],
         "placements": {"2019": "netze"}},
        {"slug": "schulcloud", "title": "Schulcloud", "field": "bildung"},
    ],
}  # fmt: skip


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    r = await client.get(path, params=params, headers=token_headers(READER))
    assert r.status_code == 200, (path, params, r.text)
    return dict(r.json())


async def test_munich_has_two_editions_and_serves_the_current_one_by_default(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        editions = await get(client, "/editions")
        assert [(e["slug"], e["year"], e["current"]) for e in editions["items"]] == [
            ("2019", 2019, False),
            ("2022", 2022, True),
        ]
        assert editions["current"] == "2022"
        first, current = editions["items"]
        assert (first["core_area_count"], first["field_count"], first["measure_count"]) == (3, 3, 0)
        assert (current["core_area_count"], current["field_count"], current["measure_count"]) == (0, 9, 23)
        assert first["introduction"].startswith("Im Juli 2019 hat der Stadtrat")
        assert (await get(client, "/editions/2019"))["name"] == "Digitalisierungsstrategie 2019"
        fields = await get(client, "/fields")
        assert (fields["total"], fields["edition"]["slug"]) == (9, "2022")
        measures = await get(client, "/measures", per_page=100)
        assert measures["total"] == 23
        assert {m["edition"]["slug"] for m in measures["items"]} == {"2022"}
        areas = await get(client, "/core-areas", edition="2019")
        assert [(a["slug"], [f["name"] for f in a["fields"]], a["unknown"]) for a in areas["items"]] == [
            ("stadtgesellschaft", STADTGESELLSCHAFT_FIELDS, ["quote", "media"]),
            ("stadtverwaltung", [], ["fields"]),
            ("infrastruktur", [], ["fields"]),
        ]


async def test_stadtgesellschaft_answers_with_introduction_fields_goals_measures_and_counts(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        area = await get(client, "/core-areas/stadtgesellschaft")
        assert area["edition"] == {"slug": "2019", "name": "Digitalisierungsstrategie 2019", "year": 2019,
                                   "current": False}  # fmt: skip
        assert "drei Handlungsfelder" in area["introduction"]
        # the data set knows of no statement or media links: they stay unknown, not invented
        assert (area["quote"], area["media"], area["unknown"]) == (None, [], ["quote", "media"])
        assert [f["name"] for f in area["fields"]] == STADTGESELLSCHAFT_FIELDS
        assert [f["slug"] for f in area["fields"]] == [
            "digitale-gemeinschaften-und-partizipation",
            "arbeit-und-wirtschaft",
            "digitales-erproben-und-erleben-labs-apps",
        ]
        for field in area["fields"]:
            assert field["introduction"].strip()
            assert (field["core_area"], field["edition"]["slug"]) == ("stadtgesellschaft", "2019")
            assert (field["goals"], field["measures"], field["unknown"]) == ([], [], ["goals", "measures"])
            assert (field["status_counts"], field["measure_count"]) == (NO_MEASURES, 0)
        assert (area["status_counts"], area["measure_count"]) == (NO_MEASURES, 0)


async def test_every_core_area_field_and_measure_of_both_editions_answers_200(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        answered = 0
        for edition in (await get(client, "/editions"))["items"]:
            slug = edition["slug"]
            for area in (await get(client, "/core-areas", edition=slug))["items"]:
                assert (await get(client, f"/core-areas/{area['slug']}", edition=slug))["slug"] == area[
                    "slug"
                ]
                await get(client, f"/core-areas/{area['slug']}")  # also without naming the edition
                answered += 1
            for field in (await get(client, "/fields", edition=slug))["items"]:
                shown = await get(client, f"/fields/{field['slug']}", edition=slug)
                assert (shown["slug"], shown["edition"]["slug"]) == (field["slug"], slug)
                await get(client, f"/fields/{field['slug']}")
                answered += 1
            for measure in (await get(client, "/measures", edition=slug, per_page=100))["items"]:
                shown = await get(client, f"/measures/{measure['slug']}", edition=slug)
                assert shown["edition"]["slug"] == slug
                await get(client, f"/measures/{measure['slug']}")
                answered += 1
        assert answered == 3 + 3 + 9 + 23


async def test_the_current_editions_urls_keep_their_answers(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        current = await get(client, "/fields/arbeit-und-wirtschaft")
        assert (current["edition"]["slug"], current["core_area"], current["measure_count"]) == (
            "2022",
            None,
            3,
        )
        assert [m["slug"] for m in current["measures"]] == [
            "arbeiten-4-0", "lhm-innovationswettbewerb", "munich-urban-colab",
        ]  # fmt: skip
        earlier = await get(client, "/fields/arbeit-und-wirtschaft", edition="2019")
        assert (earlier["edition"]["slug"], earlier["core_area"], earlier["measure_count"]) == (
            "2019",
            "stadtgesellschaft",
            0,
        )
        listed = await get(client, "/measures", field="arbeit-und-wirtschaft")
        assert (listed["total"], listed["edition"]["slug"]) == (3, "2022")
        # a field only the 2019 edition has is looked up there, so its page can list its measures
        labs = await get(client, "/measures", field="digitales-erproben-und-erleben-labs-apps")
        assert (labs["total"], labs["edition"]["slug"]) == (0, "2019")
        e_akte = await get(client, "/measures/e-akte")
        assert e_akte["field"] == {"slug": "digital-government", "name": "Digital Government"}
        assert e_akte["placements"] == [
            {"edition": "2022", "field": e_akte["field"], "core_area": None},
        ]


async def test_a_measure_belongs_to_the_field_of_each_edition_it_appears_in(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TWO_EDITIONS) as (client, _):
        lab = await get(client, "/measures/reallabor")
        assert (lab["field"]["slug"], lab["edition"]["slug"]) == ("netze", "2022")
        assert lab["placements"] == [
            {"edition": "2019", "field": {"slug": "labs", "name": "Labs & Apps"},
             "core_area": {"slug": "stadtgesellschaft", "name": "Stadtgesellschaft"}},
            {"edition": "2022", "field": {"slug": "netze", "name": "Netze"}, "core_area": None},
        ]  # fmt: skip
        then = await get(client, "/measures/reallabor", edition="2019")
        assert (then["field"]["name"], then["edition"]["current"]) == ("Labs & Apps", False)
        glasfaser = await get(client, "/measures/glasfaser", edition="2019")
        assert (glasfaser["field"]["name"], glasfaser["goals"]) == ("Netze von damals", [])  # goals: 2022's
        now = await get(client, "/measures/glasfaser")
        assert now["goals"] == [{"slug": "glasfaser", "title": "Glasfaser"}]
        in_2019 = await get(client, "/measures", edition="2019")
        assert sorted(m["slug"] for m in in_2019["items"]) == ["glasfaser", "reallabor"]
        area = await get(client, "/core-areas/stadtgesellschaft")
        assert [(f["slug"], [m["slug"] for m in f["measures"]]) for f in area["fields"]] == [
            ("labs", ["reallabor"])
        ]
        assert {c["status"]: c["count"] for c in area["status_counts"]}["geplant"] == 1
        netze = await get(client, "/fields/netze", edition="2019")
        assert [m["slug"] for m in netze["measures"]] == ["glasfaser"]
        # a 2019 field's name finds the measure placed in it
        found = await get(client, "/measures", q="Labs")
        assert [m["slug"] for m in found["items"]] == ["reallabor"]
        missing = await client.get(
            "/measures/schulcloud", params={"edition": "2019"}, headers=token_headers(READER)
        )
        assert (missing.status_code, missing.json()["error"]) == (404, "MEASURE_NOT_FOUND")


async def test_unknown_editions_and_fields_of_two_editions_are_refused_with_codes(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        refusals: list[tuple[str, dict[str, Any], int, str]] = [
            ("/editions/1999", {}, 404, "EDITION_UNKNOWN"),
            ("/editions/Nicht%20da", {}, 404, "EDITION_UNKNOWN"),
            ("/fields", {"edition": "1999"}, 404, "EDITION_UNKNOWN"),
            ("/fields/bildung", {"edition": "1999"}, 404, "EDITION_UNKNOWN"),
            ("/fields/bildung", {"edition": "x" * 81}, 422, "VALIDATION_FAILED"),
            ("/core-areas", {"edition": "--"}, 404, "EDITION_UNKNOWN"),
            ("/core-areas/stadtgesellschaft", {"edition": "2022"}, 404, "CORE_AREA_NOT_FOUND"),
            ("/fields/bildung", {"edition": "2019"}, 404, "FIELD_NOT_FOUND"),
            ("/measures/e-akte", {"edition": "1999"}, 404, "EDITION_UNKNOWN"),
            ("/measures/e-akte", {"edition": "2019"}, 404, "MEASURE_NOT_FOUND"),
            ("/measures", {"edition": "1999"}, 422, "EDITION_UNKNOWN"),
            (
                "/measures",
                {"field": ["bildung", "digitales-erproben-und-erleben-labs-apps"]},
                422,
                "FIELD_NOT_FOUND",
            ),
            ("/measures", {"field": "bildung", "edition": "2019"}, 422, "FIELD_NOT_FOUND"),
        ]
        for path, params, status, code in refusals:
            r = await client.get(path, params=params, headers=token_headers(READER))
            assert (r.status_code, r.json()["error"]) == (status, code), (path, params, r.text)


async def test_presentation_changes_leave_through_the_outbox_as_field_and_core_area_events(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, dsn):
        headers = token_headers(editor())
        added = await announced(redis_url, "field.updated", at_least=12)
        assert len(added) == 12 and {e["payload"]["changes"][0] for e in added} == {"added"}
        r = await client.patch("/fields/bildung", json={"introduction": "Lernen mit digitalen Mitteln."},
                               headers=headers)  # fmt: skip
        assert r.status_code == 200, r.text
        assert (r.json()["version"], r.json()["edition"]["slug"]) == (2, "2022")
        events = await announced(redis_url, "field.updated", at_least=13)
        [changed] = [e for e in events if e["payload"]["changes"] != ["added"]]
        assert changed["producer"] == "catalog"
        payload = changed["payload"]
        assert {k: payload[k] for k in ("edition", "slug", "name", "version", "changes")} == {
            "edition": "2022", "slug": "bildung", "name": "Bildung", "version": 2,
            "changes": ["introduction"],
        }  # fmt: skip
        quote = {"text": "Digitale Teilhabe für alle.", "author": "Eine Stadträtin"}
        r = await client.patch("/core-areas/stadtgesellschaft", json={"quote": quote}, headers=headers)
        assert r.status_code == 200, r.text
        assert (r.json()["quote"], r.json()["unknown"]) == (quote, ["media"])  # the quote is known now
        areas = await announced(redis_url, "core_area.updated", at_least=4)
        [presented] = [e["payload"] for e in areas if e["payload"]["changes"] != ["added"]]
        assert (presented["edition"], presented["slug"], presented["changes"]) == (
            "2019",
            "stadtgesellschaft",
            ["quote"],
        )
        r = await client.patch(
            "/fields/arbeit-und-wirtschaft", params={"edition": "2019"}, json={"media": []}, headers=headers
        )
        assert (r.status_code, r.json()["error"]) == (422, "NOTHING_TO_CHANGE")
        assert await stream_rows(dsn, "radar.field.updated") == 13  # a refused change leaves no event


async def stream_rows(dsn: str, stream: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE stream = $1", stream))
    finally:
        await conn.close()


async def test_loading_announces_each_added_field_and_core_area_once(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TWO_EDITIONS) as (_, dsn):
        fields = await announced(redis_url, "field.updated", at_least=4)
        assert sorted((e["payload"]["edition"], e["payload"]["slug"]) for e in fields) == [
            ("2019", "labs"), ("2019", "netze"), ("2022", "bildung"), ("2022", "netze"),
        ]  # fmt: skip
        labs = next(e["payload"] for e in fields if e["payload"]["slug"] == "labs")
        assert (labs["core_area_slug"], labs["version"], labs["changes"]) == (
            "stadtgesellschaft",
            1,
            ["added"],
        )
        [area] = await announced(redis_url, "core_area.updated")
        assert (area["payload"]["edition"], area["payload"]["slug"]) == ("2019", "stadtgesellschaft")
        conn = await asyncpg.connect(dsn)
        try:
            assert await load_dataset(conn, TWO_EDITIONS) == 0
        finally:
            await conn.close()
        assert await stream_rows(dsn, "radar.field.updated") == 4
        assert await stream_rows(dsn, "radar.core_area.updated") == 1


async def test_loading_again_keeps_placements_and_refuses_a_field_no_edition_has(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TWO_EDITIONS) as (client, dsn):
        moved = {
            **TWO_EDITIONS,
            "measures": [{**TWO_EDITIONS["measures"][0], "placements": {"2019": "netze"}}],
        }
        wrong = {
            **TWO_EDITIONS,
            "principles": [{"slug": "neu", "name": "Neu"}],
            "measures": [
                {"slug": "neu", "title": "Neu", "field": "netze", "placements": {"2019": "bildung"}}
            ],
        }
        conn = await asyncpg.connect(dsn)
        try:
            assert await load_dataset(conn, moved) == 0
            with pytest.raises(CatalogError) as refused:
                await load_dataset(conn, wrong)
            assert refused.value.code == "FIELD_NOT_FOUND"
        finally:
            await conn.close()
        lab = await get(client, "/measures/reallabor", edition="2019")
        assert lab["field"]["slug"] == "labs"  # what exists is kept as it is
        missing = await client.get("/measures/neu", headers=token_headers(READER))
        assert missing.status_code == 404  # nothing of the refused data set stays
        assert (await get(client, "/principles"))["items"] == []


async def test_a_catalog_without_editions_adopts_the_current_edition_of_the_next_data_set(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        r = await client.post(
            "/measures", json={"title": "Glasfaser", "field": "netze"}, headers=token_headers(editor())
        )
        assert r.status_code == 201, r.text
        before = await get(client, "/editions")
        assert [(e["slug"], e["current"]) for e in before["items"]] == [("aktuell", True)]
        later = {
            "editions": [
                {"slug": "2019", "name": "Erste Fassung", "year": 2019,
                 "fields": [{"slug": "alt", "name": "Alte Netze"}]},
                {"slug": "2022", "name": "Fortschreibung", "year": 2022, "current": True},
            ],
            "fields": [{"slug": "bildung", "name": "Bildung"}],
            "measures": [{"slug": "glasfaser", "title": "Glasfaser", "field": "netze",
                          "placements": {"2019": "alt"}}],
        }  # fmt: skip
        conn = await asyncpg.connect(dsn)
        try:
            assert await load_dataset(conn, later) == 0
        finally:
            await conn.close()
        after = await get(client, "/editions")
        assert [(e["slug"], e["current"], e["field_count"]) for e in after["items"]] == [
            ("2019", False, 1),
            ("2022", True, 4),  # the three fields it had, and the one the data set added
        ]
        glasfaser = await get(client, "/measures/glasfaser")
        assert [(p["edition"], p["field"]["slug"]) for p in glasfaser["placements"]] == [
            ("2019", "alt"),
            ("2022", "netze"),
        ]
        area = await get(client, "/core-areas/stadtgesellschaft")
        assert (area["edition"]["slug"], area["version"]) == ("2022", 2)
        moved = [e["payload"] for e in await announced(redis_url, "field.updated", at_least=6)]
        assert sorted(p["slug"] for p in moved if p["changes"] == ["edition"]) == [
            "labs",
            "netze",
            "teilhabe",
        ]
        assert {p["edition"] for p in moved if p["changes"] == ["edition"]} == {"2022"}


async def test_a_catalog_from_before_editions_keeps_its_fields_and_measures_in_the_current_edition(
    new_database: NewDatabase, redis_url: str, tmp_path: Path
) -> None:
    dsn = new_database("catalog")
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(MIGRATIONS / "0001_catalog.sql", first / "0001_catalog.sql")
    conn = await asyncpg.connect(dsn)
    try:
        await apply_migrations(conn, directories={"lib": lib_migrations(), "service": first})
        await conn.execute("INSERT INTO fields (slug, name) VALUES ('netze', 'Netze')")
        await conn.execute(
            "INSERT INTO measures (measure_id, slug, title, field_slug)"
            " VALUES ($1, 'e-akte', 'E-Akte', 'netze')",
            uuid.uuid4(),
        )
    finally:
        await conn.close()
    await migrate(dsn, service_migrations=MIGRATIONS)
    settings = CatalogSettings(database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET)
    async with running_service(create_app(settings)) as client:
        shown = await get(client, "/measures/e-akte")
        assert (shown["field"]["slug"], shown["edition"]["slug"]) == ("netze", "aktuell")
        found = await get(client, "/measures", q="eakte")
        assert [m["slug"] for m in found["items"]] == ["e-akte"]
        assert (await get(client, "/fields/netze"))["measure_count"] == 1
