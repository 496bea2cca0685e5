"""The fast path of public catalog reads (api.py KeptReads) against the whole system: a GET of a
read the cache holds is answered before routing, word for word as the forwarding route answers it,
in the language asked for; a staff session, a cookie the gateway does not know and every other
service's path go on to the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from radar_gateway.api import KeptReads
from tests.integration.gateway_system import SMALL_CITY, start_system
from tests.integration.helpers import eventually
from tests.integration.test_kept_answers import Routed, Site, assert_same_answer

pytestmark = pytest.mark.integration
LIST = "/api/v1/measures"


@pytest.fixture
async def site(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Site]:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        slug = await system.measure(title="Offene Daten")
        assert (await system.client().get(LIST)).status_code == 200  # the middleware stack is built now
        node = system.apps["gateway"].middleware_stack
        while not isinstance(node, KeptReads):
            node = node.app  # type: ignore[union-attr]
        node.app = routed = Routed(node.app)
        yield Site(system, routed, slug)


async def kept(site: Site, path: str, **options: Any) -> None:
    """Wait until a new client gets this read from the fast path."""

    async def answered_before_routing() -> bool:
        routed, answer = await site.is_routed(site.fresh(), "GET", path, **options)
        assert answer.status_code == 200, answer.text
        return not routed

    await eventually(answered_before_routing)


async def test_a_kept_read_is_answered_before_routing_as_the_route_answers_it(site: Site) -> None:
    for path in (LIST, f"/api/v1/measures/{site.slug}", "/api/v1/fields"):
        await kept(site, path)
        routed, by_route = await site.is_routed(site.fresh(other="1"), "GET", path)
        fast_routed, fast = await site.is_routed(site.fresh(), "GET", path)
        assert (routed, fast_routed) == (True, False), path
        assert_same_answer(fast, by_route, page=False)
        assert fast.content == by_route.content

        unchanged = {"If-None-Match": fast.headers["etag"]}
        fast_routed, not_modified = await site.is_routed(site.fresh(), "GET", path, headers=unchanged)
        _, routed_not_modified = await site.is_routed(site.fresh(other="1"), "GET", path, headers=unchanged)
        assert (fast_routed, not_modified.status_code) == (False, 304)
        assert_same_answer(not_modified, routed_not_modified, page=False)

        fast_routed, head = await site.is_routed(site.fresh(), "HEAD", path)
        assert not fast_routed and head.content == b"" and head.status_code == 200


async def test_each_language_asked_for_is_kept_and_answered_apart(site: Site) -> None:
    english = {"Accept-Language": "en"}
    await kept(site, LIST)
    await kept(site, LIST, headers=english)
    _, german = await site.is_routed(site.fresh(), "GET", LIST)
    routed, in_english = await site.is_routed(site.fresh(), "GET", LIST, headers=english)
    _, routed_english = await site.is_routed(site.fresh(other="1"), "GET", LIST, headers=english)
    assert not routed
    assert in_english.content == routed_english.content
    assert in_english.headers["etag"] != german.headers["etag"]


async def test_a_staff_session_and_unknown_cookies_go_on_to_the_routes(site: Site) -> None:
    await kept(site, LIST)
    editor = await site.system.staff("editor")
    routed, staff = await site.is_routed(editor, "GET", LIST)
    assert routed and staff.status_code == 200
    routed, _ = await site.is_routed(site.fresh(tracker="1"), "GET", LIST)
    assert routed
    for neutral in ({"radar_form": "x"}, {"radar_lang": "en"}, {"radar_pid": "x"}):
        routed, _ = await site.is_routed(site.fresh(**neutral), "GET", LIST)
        assert not routed, neutral


async def test_only_catalog_reads_are_answered_before_routing(site: Site) -> None:
    counts = f"/api/v1/counts?measures={site.slug}"
    for _ in range(2):
        routed, answer = await site.is_routed(site.fresh(), "GET", counts)
        assert routed and answer.status_code == 200
    routed, missing = await site.is_routed(site.fresh(), "GET", "/api/v1/gibt-es-nicht")
    assert routed and missing.status_code == 404


async def test_reads_before_routing_are_timed_under_the_forwarding_route(site: Site) -> None:
    await kept(site, LIST)
    wanted = {"method": "GET", "route": "/api/v1/{path:path}", "status": "2xx"}

    async def counted(client: httpx.AsyncClient) -> float:
        scraped = (await client.get("/metrics")).text
        return sum(
            sample.value
            for family in text_string_to_metric_families(scraped)
            for sample in family.samples
            if sample.name == "radar_http_request_duration_seconds_count"
            and wanted.items() <= sample.labels.items()
        )

    before = await counted(site.fresh())
    for _ in range(3):
        routed, _ = await site.is_routed(site.fresh(), "GET", LIST)
        assert not routed
    assert await counted(site.fresh()) == before + 3
