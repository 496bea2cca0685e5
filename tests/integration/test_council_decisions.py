"""Council decisions in the catalog against real PostgreSQL and Valkey: recording, linking, their events."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import editor, moderator, participant, token_headers
from tests.integration.catalog_rows import a_measure, counts, outbox_bodies
from tests.integration.gateway_system import SMALL_CITY, start_system
from tests.integration.helpers import eventually
from tests.integration.test_catalog import READER, TINY_CITY, NewDatabase, catalog

pytestmark = pytest.mark.integration

PAPER = "14-20 / V 14953"
DECISION = {
    "date": "2019-07-24",
    "title": "Digitalisierungsstrategie",
    "url": "https://risi.muenchen.de/risi/sitzungsvorlage/detail/1",
}


async def rows(dsn: str) -> tuple[int, ...]:
    """Decisions, links, and measure.updated events in the outbox."""
    return await counts(dsn, tables=("decisions", "measure_decisions"), stream="radar.measure.updated")


async def updates(dsn: str) -> list[dict[str, Any]]:
    return [body["payload"] for body in await outbox_bodies(dsn, "radar.measure.updated")]


def at(paper: str) -> str:
    return f"/decisions/{quote(paper, safe='')}"


async def test_an_editor_records_a_decision_by_paper_number_and_everyone_reads_it(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        first = await client.put(at(PAPER), json=DECISION, headers=token_headers(editor()))
        assert first.status_code == 201, first.text
        assert first.json()["paper_number"] == PAPER
        again = await client.put(
            at(PAPER), json={**DECISION, "title": "Strategie"}, headers=token_headers(editor())
        )
        assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
        by_id = await client.put(f"/decisions/{first.json()['id']}", json={}, headers=token_headers(editor()))
        assert (by_id.status_code, by_id.json()["paper_number"], by_id.json()["date"]) == (200, PAPER, None)
        listed = (await client.get("/decisions", headers=token_headers(READER))).json()
        assert [(d["paper_number"], d["title"], d["measures"]) for d in listed["items"]] == [(PAPER, "", [])]
        unknown = await client.put(f"/decisions/{uuid.uuid4()}", json={}, headers=token_headers(editor()))
        assert (unknown.status_code, unknown.json()["error"]) == (404, "DECISION_NOT_FOUND")
        assert await rows(dsn) == (1, 0, 0)  # a decision no measure shows changes no measure


async def test_only_editors_record_and_link_decisions(new_database: NewDatabase, redis_url: str) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        measure = await a_measure(client)
        await client.put(at(PAPER), json=DECISION, headers=token_headers(editor()))
        before = await rows(dsn)
        writes = [
            ("PUT", at("V 1"), DECISION),
            ("POST", f"/measures/{measure['slug']}/decisions", {"decision": PAPER, "role": "created"}),
        ]
        for method, path, body in writes:
            for who, status in ((READER, 401), (participant(), 401), (moderator(), 403)):
                r = await client.request(method, path, json=body, headers=token_headers(who))
                assert r.status_code == status, (method, path, r.text)
        assert await rows(dsn) == before


async def test_linking_a_decision_makes_the_measures_next_version_and_announces_it(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        measure = await a_measure(client)
        headers = token_headers(editor())
        await client.put(at(PAPER), json=DECISION, headers=headers)
        link = {"decision": PAPER, "role": "created"}
        linked = await client.post(f"/measures/{measure['slug']}/decisions", json=link, headers=headers)
        assert linked.status_code == 200, linked.text
        shown = (
            await client.get(f"/measures/{measure['slug']}/decisions", headers=token_headers(READER))
        ).json()
        assert [(d["paper_number"], d["date"], d["title"], d["url"], d["role"]) for d in shown["items"]] == [
            (PAPER, "2019-07-24", DECISION["title"], DECISION["url"], "created")
        ]
        again = await client.post(f"/measures/{measure['id']}/decisions", json=link, headers=headers)
        assert again.status_code == 200
        assert await rows(dsn) == (1, 1, 1)  # the same link again changes nothing
        await client.put(at(PAPER), json={**DECISION, "date": "2019-07-25"}, headers=headers)
        events = await updates(dsn)
        assert [e["version"] for e in events] == [2, 3]
        assert events[0]["changes"] == [
            {"field": "decisions", "old": [], "new": [f"{PAPER} (created) · 2019-07-24 · {DECISION['title']}"
                                                      f" · {DECISION['url']}"]}
        ]  # fmt: skip
        assert "2019-07-25" in events[1]["changes"][0]["new"][0]
        history = (
            await client.get(f"/measures/{measure['slug']}/history", headers=token_headers(READER))
        ).json()
        assert history["items"][0]["change_note"] == f"Ratsbeschluss {PAPER} geändert."
        read = (await client.get(f"/measures/{measure['slug']}", headers=token_headers(READER))).json()
        assert read["version"] == 3
        assert [(d["paper_number"], d["date"], d["role"]) for d in read["decisions"]] == [
            (PAPER, "2019-07-25", "created")
        ]  # the measure's own read names its decisions too


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("PUT", at(PAPER), {**DECISION, "date": "24.07.2019"}, 422, "DECISION_DATE_INVALID"),
        ("PUT", at(PAPER), {**DECISION, "date": ""}, 422, "DECISION_DATE_INVALID"),  # unknown is null
        ("PUT", at(PAPER), {**DECISION, "url": "javascript:alert(1)"}, 422, "LINK_INVALID"),
        ("PUT", at(PAPER), {**DECISION, "oparl_id": "nicht"}, 422, "OPARL_ID_INVALID"),
        ("PUT", at("  "), DECISION, 422, "PAPER_NUMBER_REQUIRED"),
        ("PUT", at(PAPER), {**DECISION, "votes": 3}, 422, "VALIDATION_FAILED"),
        ("POST", "{measure}/decisions", {"decision": "V 0"}, 404, "DECISION_NOT_FOUND"),
        ("POST", "{measure}/decisions", {"decision": "V 1", "role": "ended"}, 422, "DECISION_ROLE_UNKNOWN"),
        ("POST", "/measures/gibt-es-nicht/decisions", {"decision": "V 1"}, 404, "MEASURE_NOT_FOUND"),
        ("POST", "{archived}/decisions", {"decision": "V 1"}, 409, "MEASURE_ARCHIVED"),
    ],
)
async def test_bad_decisions_and_links_are_refused_and_write_nothing(
    new_database: NewDatabase,
    redis_url: str,
    method: str,
    path: str,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, dsn):
        headers = token_headers(editor())
        measure, archived = await a_measure(client), await a_measure(client)
        await client.post(
            f"/measures/{archived['slug']}/archive", json={"change_note": "Weg."}, headers=headers
        )
        await client.put(at("V 1"), json={}, headers=headers)
        before = await rows(dsn)
        target = path.format(measure=f"/measures/{measure['slug']}", archived=f"/measures/{archived['slug']}")
        r = await client.request(method, target, json=body, headers=headers)
        assert (r.status_code, r.json()["error"]) == (status, code), r.text
        assert await rows(dsn) == before


async def test_through_the_gateway_a_linked_decision_reaches_the_cached_public_read_at_once(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        slug = await system.measure(title="Digitale Bürgerdienste")
        public = system.client()
        shown = f"/api/v1/measures/{slug}/decisions"
        empty = await public.get(shown)
        assert (empty.status_code, empty.json()["items"]) == (200, [])
        editor = await system.staff("editor")
        # the gateway refuses an encoded slash in a segment: a paper number's slashes stay as they are
        recorded = await editor.put(f"/api/v1/decisions/{quote(PAPER, safe='/')}", json=DECISION)
        assert recorded.status_code == 201, recorded.text
        linked = await editor.post(
            f"/api/v1/measures/{slug}/decisions", json={"decision": PAPER, "role": "created"}
        )
        assert linked.status_code == 200, linked.text

        async def everyone_sees_it() -> bool:
            seen = await system.client().get(shown)
            return [d["paper_number"] for d in seen.json()["items"]] == [PAPER]

        await eventually(everyone_sees_it)
        assert [d["paper_number"] for d in (await public.get("/api/v1/decisions")).json()["items"]] == [PAPER]
