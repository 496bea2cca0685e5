"""Search in the catalog finds what people type, over the seeded Munich data, through the catalog's API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import editor, token_headers
from tests.integration.test_catalog import READER, catalog

pytestmark = pytest.mark.integration

NewDatabase = Callable[[str], str]
BILDUNG_MEASURE = "digitale-transformation-der-muenchner-bildungseinrichtungen"
OPEN_SOURCE = "digitale-souveraenitaet-open-source"


async def search(client: httpx.AsyncClient, q: str, **params: Any) -> dict[str, Any]:
    r = await client.get(
        "/measures", params={"q": q, "per_page": 100, **params}, headers=token_headers(READER)
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def slugs(answer: dict[str, Any]) -> list[str]:
    return [m["slug"] for m in answer["items"]]


def topics(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["kind"], t["slug"]) for t in answer["topics"]]


async def test_klima_finds_the_climate_protection_monitoring_first_and_names_the_field(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        found = await search(client, "Klima")
        assert slugs(found)[0] == "aufbau-klimaschutz-monitoring"  # "Klima" begins "Klimaschutz-Monitoring"
        assert ("field", "klima-und-umwelt") in topics(found)
        assert ("lead", "RKU") in topics(found)  # Referat für Klima- und Umweltschutz
        assert found["suggestions"] == []


async def test_eakte_finds_the_e_akte_written_without_its_hyphen(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        for typed in ("eakte", "EAkte", "E-Akte", "e akte"):
            assert slugs(await search(client, typed)) == ["e-akte"], typed


async def test_schule_finds_the_transformation_of_munichs_educational_institutions(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        assert slugs(await search(client, "Schule")) == [BILDUNG_MEASURE]
        assert slugs(await search(client, "Schulen")) == [BILDUNG_MEASURE]


async def test_bildung_finds_the_education_fields_measures_first(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        reader = token_headers(READER)
        field = (await client.get("/measures", params={"field": "bildung"}, headers=reader)).json()
        in_field = slugs(field)
        assert in_field == [BILDUNG_MEASURE]
        found = await search(client, "Bildung")
        assert slugs(found)[: len(in_field)] == in_field
        # the sports overview is led by the Referat für Bildung und Sport: found, but after
        assert "verbesserte-uebersicht-ueber-sportangebote" in slugs(found)[len(in_field) :]
        assert topics(found)[0] == ("field", "bildung")
        assert found["topics"][0]["measure_count"] == 1
        assert [t for t in found["topics"] if t["kind"] == "goal"] == []  # the field's page shows its goals


async def test_open_source_finds_the_principle_and_every_measure_that_serves_it(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        reader = token_headers(READER)
        serving = (await client.get("/measures", params={"principle": OPEN_SOURCE}, headers=reader)).json()
        found = await search(client, "Open Source")
        assert sorted(slugs(found)) == sorted(slugs(serving))  # the data set assigns no principles yet
        assert topics(found) == [("principle", OPEN_SOURCE)]
        assert found["topics"][0]["name"] == "Digitale Souveränität / Open Source"
        assert "open-library" not in slugs(found)  # "Open" alone is not enough: every word counts
        r = await client.patch(
            "/measures/m-wlan",
            json={"principles": [OPEN_SOURCE], "change_note": "Grundsatz ergänzt."},
            headers=token_headers(editor()),
        )
        assert r.status_code == 200, r.text
        again = await search(client, "Open Source")
        assert slugs(again) == ["m-wlan"]
        assert again["topics"][0]["measure_count"] == 1


async def test_digitalisierungsbeirat_finds_the_advisory_board_also_by_a_part_of_its_name(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        assert slugs(await search(client, "Digitalisierungsbeirat")) == ["digitalisierungsbeirat"]
        assert slugs(await search(client, "Beirat")) == ["digitalisierungsbeirat"]
        assert slugs(await search(client, "Digitalisierungsbeiräte")) == ["digitalisierungsbeirat"]


async def test_a_typo_finds_nothing_but_gets_suggestions_that_find_something(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        typo = await search(client, "Klimaschuz")
        assert (typo["items"], typo["total"], typo["topics"]) == ([], 0, [])
        assert typo["suggestions"][0] == "Klimaschutz"
        assert "Klimaschutz-Monitoring" in typo["suggestions"]
        for suggestion in typo["suggestions"]:
            offered = await search(client, suggestion)
            assert offered["total"] or offered["topics"], suggestion
        board = await search(client, "Digitalisirungsbeirat")
        assert board["suggestions"][0] == "Digitalisierungsbeirat"
        # in a query of several words, the misspelt one is replaced
        field = await search(client, "Digitale Partizipaton")
        assert field["suggestions"][0] == "Digitale Partizipation"


async def test_no_suggestion_when_every_word_exists_but_not_together_or_not_under_the_filters(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        filtered = await search(client, "Klima", status="in_umsetzung")
        assert (filtered["total"], filtered["suggestions"]) == (0, [])
        apart = await search(client, "Glasfaser Bibliothek")
        assert (apart["total"], apart["suggestions"]) == (0, [])
        nothing_like = await search(client, "Raumfahrtbahnhof")
        assert (nothing_like["total"], nothing_like["topics"], nothing_like["suggestions"]) == (0, [], [])


async def test_stop_words_are_left_out_and_punctuation_alone_finds_nothing(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        assert slugs(await search(client, "Bibliothek für")) == ["open-library"]
        only_punctuation = await search(client, "?!")
        assert (only_punctuation["total"], only_punctuation["suggestions"]) == (0, [])


async def test_hits_in_the_title_come_before_hits_elsewhere(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        headers = token_headers(editor())
        in_text = {"title": "Leitungen für Schulhöfe", "summary": "Ein Netz für alle, das Netz der Stadt."}
        in_title = {"title": "Glasfasernetz Nord"}  # "Netz" only as a part of a compound
        for values in (in_text, in_title):
            r = await client.post("/measures", json={"field": "infrastruktur", **values}, headers=headers)
            assert r.status_code == 201, r.text
        found = slugs(await search(client, "Netz"))
        assert found.index("glasfasernetz-nord") < found.index("leitungen-fuer-schulhoefe")


async def test_search_follows_edits_and_leaves_archived_measures_out(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        headers = token_headers(editor())
        assert (await search(client, "Funknetz"))["total"] == 0
        r = await client.patch(
            "/measures/m-wlan",
            json={"title": "M-WLAN und Funknetz", "change_note": "Titel ergänzt."},
            headers=headers,
        )
        assert r.status_code == 200, r.text
        assert slugs(await search(client, "Funknetz")) == ["m-wlan"]
        r = await client.post(
            "/measures/m-wlan/archive", json={"change_note": "Archiviert."}, headers=headers
        )
        assert r.status_code == 200, r.text
        gone = await search(client, "Funknetz")
        assert gone["total"] == 0
        assert slugs(await search(client, "Funknetz", archived="true")) == ["m-wlan"]
        assert "M-WLAN und Funknetz" not in gone["suggestions"]  # only what current measures hold
        typo = await search(client, "Funknez")
        assert not [s for s in typo["suggestions"] if "Funknetz" in s], typo["suggestions"]
        for suggestion in gone["suggestions"]:
            assert (await search(client, suggestion))["total"], suggestion


async def test_search_answers_in_the_shape_of_the_list_and_refuses_bad_input(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        reader = token_headers(READER)
        found = await search(client, "Klima")
        assert set(found) == {"items", "total", "page", "per_page", "edition", "topics", "suggestions"}
        assert found["edition"] == {
            "slug": "2022",
            "name": "Fortschreibung 2022",
            "year": 2022,
            "current": True,
        }
        item = found["items"][0]
        assert (item["field"], item["edition"]["slug"]) == (
            {"slug": "klima-und-umwelt", "name": "Klima und Umwelt"},
            "2022",
        )
        refusals: list[tuple[dict[str, Any], int, str]] = [
            ({"q": "x" * 201}, 422, "VALIDATION_FAILED"),
            ({"q": "Klima\u0000"}, 422, "TEXT_INVALID_CHARACTERS"),
            ({"q": "Klima", "edition": "1999"}, 422, "EDITION_UNKNOWN"),
            ({"q": "Klima", "edition": "Nicht da"}, 422, "EDITION_UNKNOWN"),
        ]
        for params, status, code in refusals:
            r = await client.get("/measures", params=params, headers=reader)
            assert (r.status_code, r.json()["error"]) == (status, code), params


async def terms_of(dsn: str) -> dict[str, str]:
    conn = await asyncpg.connect(dsn)
    try:
        return {r["folded"]: r["term"] for r in await conn.fetch("SELECT folded, term FROM search_terms")}
    finally:
        await conn.close()


async def rebuilt_terms_of(dsn: str) -> dict[str, str]:
    """The terms as a rebuild from nothing makes them (rolled back: the database stays as it is)."""
    conn = await asyncpg.connect(dsn)
    try:
        tx = conn.transaction()
        await tx.start()
        await conn.execute("DELETE FROM search_term_sources; DELETE FROM search_terms")
        await conn.execute("SELECT catalog_refresh_terms(NULL, true)")
        rows = await conn.fetch("SELECT folded, term FROM search_terms")
        await tx.rollback()
        return {r["folded"]: r["term"] for r in rows}
    finally:
        await conn.close()


async def test_each_write_updates_only_its_own_terms_and_they_equal_a_whole_rebuild(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, dsn):
        headers = token_headers(editor())
        for title in ("Quadrokopterstaffel Nord", "Quadrokopterstaffel Süd"):  # one term, two measures
            r = await client.post(
                "/measures", json={"field": "infrastruktur", "title": title}, headers=headers
            )
            assert r.status_code == 201, r.text
        assert (await terms_of(dsn))["quadrokopterstaffel"] == "Quadrokopterstaffel"
        r = await client.post(
            "/measures/quadrokopterstaffel-nord/archive", json={"change_note": "Archiviert."}, headers=headers
        )
        assert r.status_code == 200, r.text
        terms = await terms_of(dsn)
        assert "quadrokopterstaffel" in terms  # the other measure still holds it
        assert "nord" not in terms or "nord" in await rebuilt_terms_of(dsn)
        r = await client.patch(
            "/measures/quadrokopterstaffel-sued",
            json={"title": "Drohnenstaffel Süd", "change_note": "Umbenannt."},
            headers=headers,
        )
        assert r.status_code == 200, r.text
        terms = await terms_of(dsn)
        assert "quadrokopterstaffel" not in terms and "drohnenstaffel" in terms
        r = await client.patch("/fields/infrastruktur", json={"name": "Netze und Leitungen"}, headers=headers)
        assert r.status_code == 200, r.text
        terms = await terms_of(dsn)
        assert "leitungen" in terms
        assert terms == await rebuilt_terms_of(dsn)
