"""The gateway's rate limits on what citizens send (limits.py), through /api/v1 on real servers.

Comments, ratings and reports each count per participant (the radar_pid cookie) and per keyed
hash of the address, which may send ADDRESS_FACTOR times as much; reports also count per
comment over all participants. Beyond a window: 429 RATE_LIMITED with Retry-After and
retry_after in the body, and nothing stored. The limits are small here, set by settings.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from radar_gateway.limits import ADDRESS_FACTOR
from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration
API = "/api/v1"
PER_PARTICIPANT = 2
PER_COMMENT = 3
WINDOW = {"comment": 600, "rating": 900, "report": 1200}


@pytest.fixture
async def system(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    """Every service and the gateway, with two of each per participant and window."""
    async with start_system(
        new_database,
        redis_url,
        city=SMALL_CITY,
        comments_per_window=PER_PARTICIPANT,
        comment_window_seconds=WINDOW["comment"],
        ratings_per_window=PER_PARTICIPANT,
        rating_window_seconds=WINDOW["rating"],
        reports_per_window=PER_PARTICIPANT,
        report_window_seconds=WINDOW["report"],
        reports_per_comment_per_window=PER_COMMENT,
    ) as running:
        yield running


def addresses(n: int) -> list[str]:
    """n client addresses of their own (TEST-NET-2), each a new browser's."""
    return [f"198.51.100.{i + 1}" for i in range(n)]


def assert_limited(r: httpx.Response, window: str) -> None:
    """429 RATE_LIMITED, with the wait in Retry-After and in the body, within the window."""
    assert (r.status_code, r.json()["error"]) == (429, "RATE_LIMITED"), r.text
    wait = int(r.headers["Retry-After"])
    assert r.json()["retry_after"] == wait
    assert 0 < wait <= WINDOW[window]


async def comment(browser: httpx.AsyncClient, slug: str, body: str = "Gute Idee") -> httpx.Response:
    return await browser.post(f"{API}/measures/{slug}/comments", json={"body": body})


async def rate(browser: httpx.AsyncClient, slug: str, stars: int) -> httpx.Response:
    return await browser.put(f"{API}/measures/{slug}/rating", json={"stars": stars})


async def report(browser: httpx.AsyncClient, comment_id: str, reason: str = "SPAM") -> httpx.Response:
    return await browser.post(f"{API}/comments/{comment_id}/reports", json={"reason": reason})


async def count(system: System, table: str) -> int:
    return int(await system.participation_app.state.runtime.pool.fetchval(f"SELECT count(*) FROM {table}"))


async def published_comments(system: System, slug: str, n: int) -> list[str]:
    """n comments, each from a browser and address of its own, approved by a moderator."""
    moderator = await system.moderator()
    ids = []
    for i in range(n):
        r = await comment(system.client(f"203.0.113.{i + 1}"), slug, f"Beitrag Nummer {i}")
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])

    async def all_queued() -> bool:
        q = await moderator.get(f"{API}/moderation/queue")
        return {i["comment_id"] for i in q.json()["items"]} >= set(ids)

    await eventually(all_queued)
    r = await moderator.post(
        f"{API}/moderation/comments/bulk-decision", json={"ids": ids, "decision": "approve"}
    )
    assert r.status_code == 200, r.text

    async def all_published() -> bool:
        t = await system.client().get(f"{API}/measures/{slug}/comments")
        return {c["id"] for c in t.json()["items"]} >= set(ids)

    await eventually(all_published)
    return ids


# --- per participant ------------------------------------------------------------------------


async def test_a_participant_past_the_comment_limit_gets_429_and_nothing_is_stored(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    for n in range(PER_PARTICIPANT):
        assert (await comment(citizen, slug, f"Nummer {n}")).status_code == 202
    stored = await count(system, "comments")
    assert_limited(await comment(citizen, slug, "Einer zu viel"), "comment")
    assert await count(system, "comments") == stored
    assert (await comment(system.client("192.0.2.7"), slug)).status_code == 202  # others go on


async def test_a_participant_past_the_rating_limit_gets_429_and_the_rating_stays(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    for stars in (4, 5):
        assert (await rate(citizen, slug, stars)).status_code == 200
    assert_limited(await rate(citizen, slug, 1), "rating")
    r = await citizen.get(f"{API}/measures/{slug}/rating")
    assert (r.json()["own"], r.json()["count"]) == (5, 1)
    assert (await citizen.delete(f"{API}/measures/{slug}/rating")).status_code == 200  # removing is free
    assert (await rate(system.client("192.0.2.7"), slug, 3)).status_code == 200


async def test_a_participant_past_the_report_limit_gets_429_and_nothing_is_stored(system: System) -> None:
    slug = await system.measure()
    targets = await published_comments(system, slug, PER_PARTICIPANT + 1)
    reporter = system.client("192.0.2.7")
    for comment_id in targets[:PER_PARTICIPANT]:
        assert (await report(reporter, comment_id)).status_code == 202
    stored = await count(system, "reports")
    assert_limited(await report(reporter, targets[-1]), "report")
    assert await count(system, "reports") == stored
    assert (await report(system.client("192.0.2.8"), targets[-1])).status_code == 202


# --- per address ----------------------------------------------------------------------------


async def test_new_cookies_from_one_address_are_limited_by_the_address(system: System) -> None:
    """Each browser from one address sends once: the address's window fills, not theirs."""
    slug = await system.measure()
    per_address = PER_PARTICIPANT * ADDRESS_FACTOR
    shared = "192.0.2.50"
    for n in range(per_address):
        browser = system.client(shared)  # a browser of its own: a participant of its own
        assert (await comment(browser, slug, f"Von Nummer {n}")).status_code == 202
        assert (await rate(browser, slug, 4)).status_code == 200
    stored = {table: await count(system, table) for table in ("comments", "ratings")}
    newcomer = system.client(shared)
    assert_limited(await comment(newcomer, slug, "Noch jemand"), "comment")
    assert_limited(await rate(newcomer, slug, 2), "rating")
    assert {table: await count(system, table) for table in stored} == stored
    elsewhere = system.client("192.0.2.51")
    assert (await comment(elsewhere, slug, "Von anderswo")).status_code == 202
    assert (await rate(elsewhere, slug, 2)).status_code == 200


async def test_reports_from_new_cookies_at_one_address_are_limited_by_the_address(system: System) -> None:
    slug = await system.measure()
    per_address = PER_PARTICIPANT * ADDRESS_FACTOR
    assert per_address % PER_COMMENT == 0
    targets = await published_comments(system, slug, per_address // PER_COMMENT + 1)
    shared = "192.0.2.60"
    for target in targets[:-1]:  # each takes as many reports as one comment may, each by a new browser
        for _ in range(PER_COMMENT):
            assert (await report(system.client(shared), target)).status_code == 202
    stored = await count(system, "reports")
    assert_limited(await report(system.client(shared), targets[-1]), "report")
    assert await count(system, "reports") == stored
    assert (await report(system.client("192.0.2.61"), targets[-1])).status_code == 202


# --- per comment ----------------------------------------------------------------------------


async def test_reports_on_one_comment_are_limited_over_all_participants(system: System) -> None:
    slug = await system.measure()
    buried, other = await published_comments(system, slug, 2)
    reporters = [system.client(address) for address in addresses(PER_COMMENT + 1)]
    for reporter in reporters[:PER_COMMENT]:
        assert (await report(reporter, buried)).status_code == 202
    stored = await count(system, "reports")
    late = reporters[-1]
    assert_limited(await report(late, buried, "INSULT"), "report")
    assert await count(system, "reports") == stored
    assert (await report(late, other)).status_code == 202  # the same participant, another comment


# --- the API's description ------------------------------------------------------------------


def responses(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(document["paths"][f"{API}{path}"][method]["responses"])


async def test_the_openapi_document_gives_429_with_retry_after_exactly_where_limits_count(
    system: System,
) -> None:
    r = await system.gateway.get(f"{API}/openapi.json")
    assert r.status_code == 200, r.text
    document = r.json()
    limited = [
        ("post", "/measures/{measure_ref}/comments"),
        ("put", "/measures/{measure_ref}/rating"),
        ("post", "/comments/{ref}/reports"),
    ]
    for method, path in limited:
        refusal = responses(document, method, path)["429"]
        assert refusal["headers"]["Retry-After"]["schema"]["type"] == "integer", (method, path)
        assert refusal["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "retry_after" in document["components"]["schemas"]["Error"]["properties"]
    for method, path in [
        ("get", "/measures/{measure_ref}/comments"),
        ("get", "/measures/{measure_ref}/rating"),
        ("delete", "/measures/{measure_ref}/rating"),
        ("post", "/comments/{ref}/withdraw"),
        ("post", "/me/erasure"),
    ]:
        assert "429" not in responses(document, method, path), (method, path)


async def test_reports_that_name_no_comment_count_toward_the_participants_limit(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    assert (await rate(citizen, slug, 3)).status_code == 200  # now a participant with a cookie
    for ref in ("kein-kommentar", str(uuid.uuid4())):
        r = await report(citizen, ref)
        assert (r.status_code, r.json()["error"]) == (404, "COMMENT_NOT_FOUND")
    assert_limited(await report(citizen, str(uuid.uuid4())), "report")
