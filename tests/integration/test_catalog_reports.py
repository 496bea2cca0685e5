"""Yearly measure reports in the catalog against real PostgreSQL and Valkey: drafts, versions, events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from radar_lib.token import Principal
from tests.conftest import editor, moderator, participant, token_headers
from tests.integration.catalog_rows import a_measure, counts, outbox_bodies
from tests.integration.test_catalog import READER, TINY_CITY, NewDatabase, announced, catalog

pytestmark = pytest.mark.integration
REPORTED = "radar.measure.reported"

YEAR = 2024
KPI = {"name": "Digitale Akten", "unit": "%", "target": 100, "actual": 58, "as_of": "2024-12-31"}
DRAFT = {"achievements": "Pilot im IT-Referat.", "outlook": "Rollout 2025.", "status": "draft"}
FIRST = {
    "achievements": "Die E-Akte läuft in 12 Referaten.",
    "outlook": "Alle Referate bis 2026.",
    "highlights": "<b>Meilenstein</b>: 10.000 Nutzende",
    "kpis": [KPI],
    "progress": 58,
    "status": "published",
    "change_note": "Bericht 2024 veröffentlicht.",
}
SECOND = {**FIRST, "progress": 60, "change_note": "Fortschritt nach Prüfung korrigiert."}


async def rows(dsn: str) -> tuple[int, ...]:
    """Rows in measure_reports, measure_report_versions, and measure.reported rows in the outbox."""
    return await counts(dsn, tables=("measure_reports", "measure_report_versions"), stream=REPORTED)


async def reported_rows(dsn: str) -> list[dict[str, Any]]:
    return await outbox_bodies(dsn, REPORTED)


async def put(client: httpx.AsyncClient, ref: str, body: dict[str, Any], *, who: Principal) -> httpx.Response:
    return await client.put(f"/measures/{ref}/reports/{YEAR}", json=body, headers=token_headers(who))


async def listed(client: httpx.AsyncClient, ref: str, *, who: Principal = READER) -> list[dict[str, Any]]:
    r = await client.get(f"/measures/{ref}/reports", headers=token_headers(who))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_a_draft_stays_with_editors_and_each_publication_is_a_new_version(
    new_database: NewDatabase, redis_url: str
) -> None:
    who = editor()
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        measure = await a_measure(client)
        drafted = await put(client, measure["slug"], DRAFT, who=who)
        assert drafted.status_code == 200, drafted.text
        assert (drafted.json()["status"], drafted.json()["version"]) == ("draft", None)
        assert await listed(client, measure["slug"]) == []
        [draft] = await listed(client, measure["id"], who=editor())
        assert (draft["status"], draft["achievements"]) == ("draft", "Pilot im IT-Referat.")
        assert (await client.get(f"/reports/{YEAR}", headers=token_headers(READER))).json()["total"] == 0
        assert await rows(dsn) == (1, 0, 0)
        assert (await client.get("/reports/years", headers=token_headers(READER))).json()["items"] == []

        first = await put(client, measure["slug"], FIRST, who=who)
        assert first.status_code == 200, first.text
        assert (first.json()["status"], first.json()["version"]) == ("published", 1)
        [public] = await listed(client, measure["slug"])
        assert (public["year"], public["version"], public["progress"]) == (YEAR, 1, 58)
        assert public["highlights"] == "<b>Meilenstein</b>: 10.000 Nutzende"  # text, escaped where shown
        assert public["kpis"] == [KPI]

        # a new draft over the published year changes nothing public until it is published
        await put(client, measure["slug"], {**DRAFT, "achievements": "Entwurf 2"}, who=who)
        [still] = await listed(client, measure["slug"])
        assert (still["version"], still["achievements"]) == (1, FIRST["achievements"])
        assert [e["status"] for e in await listed(client, measure["slug"], who=who)] == ["draft", "published"]

        second = await put(client, measure["slug"], SECOND, who=who)
        assert second.json()["version"] == 2
        [newest] = await listed(client, measure["slug"])
        assert (newest["version"], newest["progress"], newest["change_note"]) == (
            2,
            60,
            SECOND["change_note"],
        )
        assert [(h["version"], h["change_note"]) for h in newest["history"]] == [
            (2, SECOND["change_note"]),
            (1, FIRST["change_note"]),
        ]
        assert await rows(dsn) == (1, 2, 2)
        published = (await client.get("/reports", headers=token_headers(READER))).json()
        listed_versions = [(p["measure"]["slug"], p["year"], p["version"], p["change_note"])
                           for p in published["items"]]  # fmt: skip
        assert listed_versions == [
            (measure["slug"], YEAR, 2, SECOND["change_note"]),
            (measure["slug"], YEAR, 1, FIRST["change_note"]),
        ]  # newest first, every publication, never the drafts
        assert published["total"] == 2
        years = (await client.get("/reports/years", headers=token_headers(READER))).json()["items"]
        assert [(y["year"], y["measures"]) for y in years] == [(YEAR, 1)]  # versions are one measure

        year = (await client.get(f"/reports/{YEAR}", headers=token_headers(READER))).json()
        assert year["total"] == 1
        [area] = year["core_areas"]
        [field] = area["fields"]
        assert (area["slug"], field["slug"]) == (None, "netze")
        [entry] = field["entries"]
        assert (entry["measure"]["slug"], entry["version"]) == (measure["slug"], 2)
        assert {c["status"]: c["count"] for c in year["status_counts"]}["unbekannt"] == 1

        events = [e for e in await announced(redis_url, "measure.reported", at_least=2)
                  if e["payload"]["measure_id"] == measure["id"]]  # fmt: skip
        assert [e["payload"]["version"] for e in events] == [1, 2]
        payload = events[1]["payload"]
        assert (payload["slug"], payload["title"], payload["field_slug"]) == (
            measure["slug"], measure["title"], "netze",
        )  # fmt: skip
        assert (payload["year"], payload["progress"], payload["change_note"]) == (
            YEAR,
            60,
            SECOND["change_note"],
        )
        assert payload["achievements_excerpt"] == FIRST["achievements"]
        assert [r["event_id"] for r in await reported_rows(dsn)] == [e["event_id"] for e in events]


async def test_only_editors_write_reports(new_database: NewDatabase, redis_url: str) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        measure = await a_measure(client)
        for who, status, code in (
            (moderator(), 403, "ROLE_REQUIRED"),
            (participant(), 401, "LOGIN_REQUIRED"),
            (READER, 401, "LOGIN_REQUIRED"),
        ):
            r = await put(client, measure["slug"], FIRST, who=who)
            assert (r.status_code, r.json()["error"]) == (status, code)
        # drafts are for editors only
        await put(client, measure["slug"], DRAFT, who=editor())
        assert await listed(client, measure["slug"], who=moderator()) == []
        assert await rows(dsn) == (1, 0, 0)


@pytest.mark.parametrize(
    ("year", "body", "status", "code"),
    [
        ("2999", FIRST, 404, "REPORT_YEAR_INVALID"),
        ("24", FIRST, 404, "REPORT_YEAR_INVALID"),
        (str(YEAR), {**FIRST, "progress": 150}, 422, "PROGRESS_OUT_OF_RANGE"),
        (str(YEAR), {**FIRST, "kpis": [{**KPI, "as_of": "Ende 2024"}]}, 422, "KPI_INVALID"),
        (str(YEAR), {**FIRST, "kpis": [{**KPI, "target": "viel"}]}, 422, "KPI_INVALID"),
        (str(YEAR), {**FIRST, "change_note": None}, 422, "CHANGE_NOTE_REQUIRED"),
        (str(YEAR), {**FIRST, "achievements": ""}, 422, "ACHIEVEMENTS_REQUIRED"),
        (str(YEAR), {**FIRST, "status": "final"}, 422, "REPORT_STATUS_UNKNOWN"),
        (str(YEAR), {**FIRST, "outlook": "a\x00b"}, 422, "TEXT_INVALID_CHARACTERS"),
        (str(YEAR), {**FIRST, "author": "x"}, 422, "VALIDATION_FAILED"),
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    new_database: NewDatabase, redis_url: str, year: str, body: dict[str, Any], status: int, code: str
) -> None:
    who = editor()
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        measure = await a_measure(client)
        assert (await put(client, measure["slug"], FIRST, who=who)).status_code == 200
        before = await listed(client, measure["slug"], who=who)
        r = await client.put(
            f"/measures/{measure['slug']}/reports/{year}", json=body, headers=token_headers(who)
        )
        assert (r.status_code, r.json()["error"]) == (status, code), r.text
        assert await listed(client, measure["slug"], who=who) == before
        assert await rows(dsn) == (1, 1, 1)


async def test_reports_of_an_unknown_measure_are_not_found(new_database: NewDatabase, redis_url: str) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        for ref in ("gibt-es-nicht", "00000000-0000-0000-0000-000000000000"):
            r = await put(client, ref, FIRST, who=editor())
            assert (r.status_code, r.json()["error"]) == (404, "MEASURE_NOT_FOUND")
            r = await client.get(f"/measures/{ref}/reports", headers=token_headers(READER))
            assert (r.status_code, r.json()["error"]) == (404, "MEASURE_NOT_FOUND")
        assert await rows(dsn) == (0, 0, 0)
