"""The fast path of the page cache (web/page_cache.py KeptAnswers) against the whole system: a GET or
HEAD of a kept page or feed is answered before routing, word for word as the route answers it, and
every request that may see more than anyone does (a staff session, a one-time notice, a participant,
a cookie the gateway does not know, a method other than GET) goes on to the routes."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.types import ASGIApp, Receive, Scope, Send

from radar_gateway.web.i18n import translator
from radar_gateway.web.page_cache import KeptAnswers
from radar_gateway.web.render import NOTICE_COOKIE, notice_cookie
from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration


@dataclass
class Routed:
    """Sits behind the fast path and notes every request it passes on to the routes."""

    app: ASGIApp
    paths: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await self.app(scope, receive, send)


@dataclass
class Site:
    system: System
    routed: Routed
    slug: str

    def fresh(self, **cookies: str) -> httpx.AsyncClient:
        """A browser with these cookies and no others."""
        browser = self.system.client()
        for name, value in cookies.items():
            browser.cookies.set(name, value)
        return browser

    async def is_routed(
        self, browser: httpx.AsyncClient, method: str, path: str, **options: Any
    ) -> tuple[bool, httpx.Response]:
        """The answer to this request, and whether it went on to the routes."""
        before = len(self.routed.paths)
        answer = await browser.request(method, path, **options)
        return len(self.routed.paths) > before, answer

    async def kept(self, path: str, **cookies: str) -> None:
        """Wait until a new browser (without cookies, or with these) gets this path from the fast path."""

        async def answered_before_routing() -> bool:
            routed, answer = await self.is_routed(self.fresh(**cookies), "GET", path)
            assert answer.status_code == 200, answer.text
            return not routed

        await eventually(answered_before_routing)


@pytest.fixture
async def site(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Site]:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        slug = await system.measure(title="Offene Daten")
        assert (await system.client().get("/")).status_code == 200  # the middleware stack is built now
        node = system.apps["gateway"].middleware_stack
        while not isinstance(node, KeptAnswers):
            node = node.app  # type: ignore[union-attr]
        node.app = routed = Routed(node.app)
        yield Site(system, routed, slug)


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def without_token(answer: httpx.Response) -> bytes:
    """The body with the browser's own form token taken out, if it has one."""
    found = re.search(rb'name="csrf_token" value="([^"]*)"', answer.content)
    return answer.content.replace(found.group(1), b"") if found else answer.content


def assert_same_answer(fast: httpx.Response, routed: httpx.Response, *, page: bool) -> None:
    """The same status and headers, in the same order (a cookie's value and a page's ETag are per browser)."""
    assert fast.status_code == routed.status_code
    fast_headers, routed_headers = fast.headers.multi_items(), routed.headers.multi_items()
    assert [name for name, _ in fast_headers] == [name for name, _ in routed_headers]
    for (name, one), (_, other) in zip(fast_headers, routed_headers, strict=True):
        if name == "set-cookie":
            assert one.split("=")[0] == other.split("=")[0] and one.split(";")[1:] == other.split(";")[1:]
        elif name != "etag" or not page:
            assert one == other, name


async def test_a_kept_page_or_feed_is_answered_before_routing_as_the_route_answers_it(site: Site) -> None:
    for path in ("/", f"/massnahmen/{site.slug}", "/feeds/changes.atom", "/felder/teilhabe"):
        page = not path.startswith("/feeds/")
        await site.kept(path)
        first_routed, first_fast = site.fresh(other="1"), site.fresh()
        routed, by_route = await site.is_routed(first_routed, "GET", path)
        fast_routed, fast = await site.is_routed(first_fast, "GET", path)
        assert (routed, fast_routed) == (True, False), path
        assert_same_answer(fast, by_route, page=page)
        assert without_token(fast) == without_token(by_route)

        fast_routed, again = await site.is_routed(first_fast, "GET", path)  # with its form cookie now
        _, routed_again = await site.is_routed(first_routed, "GET", path)
        assert not fast_routed
        assert_same_answer(again, routed_again, page=page)
        unchanged = {"If-None-Match": again.headers["etag"]}
        fast_routed, not_modified = await site.is_routed(first_fast, "GET", path, headers=unchanged)
        _, routed_not_modified = await site.is_routed(
            first_routed, "GET", path, headers={"If-None-Match": routed_again.headers["etag"]}
        )
        assert (fast_routed, not_modified.status_code) == (False, 304)
        assert_same_answer(not_modified, routed_not_modified, page=page)

        fast_routed, head = await site.is_routed(first_fast, "HEAD", path)
        _, routed_head = await site.is_routed(first_routed, "HEAD", path)
        assert not fast_routed and head.content == b""
        assert_same_answer(head, routed_head, page=page)
        assert head.headers["content-length"] == again.headers["content-length"]


async def test_a_kept_page_comes_in_the_language_the_route_would_choose(site: Site) -> None:
    path = f"/massnahmen/{site.slug}"
    await site.kept(path)  # in German
    await site.kept(path, radar_lang="en")
    routed, page = await site.is_routed(site.fresh(radar_lang="en"), "GET", path)  # the cookie chooses
    assert not routed and '<html lang="en">' in page.text
    await site.kept(f"{path}?lang=de", radar_lang="en")
    routed, switched = await site.is_routed(site.fresh(radar_lang="en"), "GET", path, params={"lang": "de"})
    assert not routed and '<html lang="de">' in switched.text
    assert any(c.startswith("radar_lang=de;") for c in switched.headers.get_list("set-cookie"))


async def test_a_staff_session_goes_on_to_the_routes(site: Site) -> None:
    await site.kept("/")
    editor = await site.system.staff("editor")
    routed, radar = await site.is_routed(editor, "GET", "/")
    assert routed
    assert 'href="/redaktion' in radar.text and radar.headers["cache-control"] == "no-store"


async def test_a_one_time_notice_goes_on_to_the_routes(site: Site) -> None:
    path = f"/massnahmen/{site.slug}"
    await site.kept(path)
    key = site.system.apps["gateway"].state.gateway.settings.form_token_key
    told = site.fresh(**{NOTICE_COOKIE: notice_cookie("gespeichert", key=key, now=time.time())})
    routed, page = await site.is_routed(told, "GET", path)
    assert routed
    assert translator("de")("notice.saved") in page.text
    assert any(c.startswith(f'{NOTICE_COOKIE}=""') for c in page.headers.get_list("set-cookie"))


async def test_a_participant_goes_on_to_the_routes_and_sees_their_own_comment(site: Site) -> None:
    path = f"/massnahmen/{site.slug}"
    author = site.fresh()
    token = token_of((await author.get(path)).text)
    posted = await author.post(f"{path}/kommentare", data={"csrf_token": token, "body": "Noch nicht frei."})
    assert posted.status_code == 303, posted.text
    await site.kept(path)
    routed, own = await site.is_routed(author, "GET", path)
    assert routed and "Noch nicht frei." in own.text


async def test_only_get_and_head_are_answered_before_routing(site: Site) -> None:
    path = f"/massnahmen/{site.slug}"
    await site.kept(path)
    for method in ("DELETE", "PUT", "OPTIONS"):
        routed, refused = await site.is_routed(site.fresh(), method, path)
        assert routed and refused.status_code == 405, method


async def test_an_unknown_cookie_goes_on_to_the_routes(site: Site) -> None:
    await site.kept("/")
    routed, radar = await site.is_routed(site.fresh(tracker="1"), "GET", "/")
    assert routed and radar.status_code == 200


async def test_answers_before_routing_are_timed_under_their_route(site: Site) -> None:
    path = f"/massnahmen/{site.slug}"
    await site.kept(path)
    wanted = {"method": "GET", "route": "/massnahmen/{slug}", "status": "2xx"}

    async def counted() -> float:
        scraped = (await site.fresh().get("/metrics")).text
        return sum(
            sample.value
            for family in text_string_to_metric_families(scraped)
            for sample in family.samples
            if sample.name == "radar_http_request_duration_seconds_count"
            and wanted.items() <= sample.labels.items()
        )

    before = await counted()
    for method in ("GET", "GET", "HEAD"):
        routed, _ = await site.is_routed(site.fresh(), method, path)
        assert not routed
    assert await counted() == before + 3
