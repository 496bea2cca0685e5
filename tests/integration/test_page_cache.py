"""The gateway's rendered public pages (web/page_cache.py) against the whole system: a page is
rendered once and served to every browser with that browser's own form token; it changes with
every change the events announce; and nothing personal or staff-only is ever kept for others."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from radar_gateway.cache import PublicReadCache
from radar_gateway.web.page_cache import TOKEN_HOLE
from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration


def pages_of(system: System) -> PublicReadCache:
    pages: PublicReadCache = system.apps["gateway"].state.gateway.pages
    return pages


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "the page has no form token"
    return found.group(1)


async def comment(browser: httpx.AsyncClient, slug: str, text: str, *, token: str) -> httpx.Response:
    return await browser.post(f"/massnahmen/{slug}/kommentare", data={"csrf_token": token, "body": text})


async def test_one_kept_page_serves_every_browser_its_own_form_token(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        slug = await system.measure(title="Offene Daten")
        first, second = system.client(), system.client()
        one, two = await first.get(f"/massnahmen/{slug}"), await second.get(f"/massnahmen/{slug}")
        assert (one.status_code, two.status_code) == (200, 200)
        assert len(pages_of(system)) == 1  # rendered once, served twice
        assert TOKEN_HOLE not in one.text + two.text
        assert token_of(one.text) != token_of(two.text)
        assert "etag" not in one.headers  # a first visit sets the form cookie: not kept by the browser

        again, other = await first.get(f"/massnahmen/{slug}"), await second.get(f"/massnahmen/{slug}")
        assert token_of(again.text) == token_of(one.text)  # the same browser, the same token
        assert again.headers["etag"] != other.headers["etag"]  # the tag covers the browser's token
        unchanged = await first.get(f"/massnahmen/{slug}", headers={"If-None-Match": again.headers["etag"]})
        assert unchanged.status_code == 304
        others = await first.get(f"/massnahmen/{slug}", headers={"If-None-Match": other.headers["etag"]})
        assert others.status_code == 200
        assert len(pages_of(system)) == 1

        refused = await comment(first, slug, "Mit fremdem Schlüssel.", token=token_of(two.text))
        assert refused.status_code in (403, 422) and "Mit fremdem Schlüssel." not in str(
            (await first.get("/api/v1/me/comments")).text
        )
        taken = await comment(first, slug, "Mit eigenem Schlüssel.", token=token_of(one.text))
        assert taken.status_code == 303, taken.text


async def test_a_kept_page_changes_with_the_catalog_and_with_participation(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        slug = await system.measure(title="Digitale Bürgerdienste")
        public = system.client()
        assert "Digitale Bürgerdienste" in (await public.get("/")).text
        assert "Digitale Bürgerdienste" in (await public.get("/feeds/changes.atom")).text
        assert len(pages_of(system)) == 2  # the radar and the feed, each built once
        editor = await system.staff("editor")
        current = (await editor.get(f"/api/v1/measures/{slug}")).json()
        renamed = await editor.patch(
            f"/api/v1/measures/{slug}",
            json={
                "title": "Bürgerdienste online",
                "change_note": "Neuer Name.",
                "expected_version": current["version"],
            },
        )
        assert renamed.status_code == 200, renamed.text

        async def renamed_on_the_radar() -> bool:
            return "Bürgerdienste online" in (await system.client().get("/")).text

        await eventually(renamed_on_the_radar)
        assert "Bürgerdienste online" in (await public.get("/feeds/changes.atom")).text

        author = system.client()
        page = (await author.get(f"/massnahmen/{slug}")).text
        posted = await comment(author, slug, "Bitte auch auf Englisch.", token=token_of(page))
        assert posted.status_code == 303, posted.text
        moderator = await system.moderator()

        async def approved() -> bool:
            queue = (await moderator.get("/api/v1/moderation/queue", params={"per_page": 100})).json()[
                "items"
            ]
            for item in queue:
                decided = await moderator.post(
                    f"/api/v1/moderation/comments/{item['comment_id']}/decision", json={"decision": "approve"}
                )
                assert decided.status_code == 200, decided.text
            return bool(queue)

        await eventually(approved)

        async def shown_to_everyone() -> bool:
            return "Bitte auch auf Englisch." in (await system.client().get(f"/massnahmen/{slug}")).text

        await eventually(shown_to_everyone)


async def test_nothing_personal_or_for_staff_is_kept_for_others(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        slug = await system.measure(title="Smarte Ampeln")
        editor = await system.staff("editor")
        staff_view = await editor.get("/")
        assert (
            f'href="/redaktion/massnahmen/{slug}"' in staff_view.text
            or 'href="/redaktion"' in staff_view.text
        )
        assert staff_view.headers["cache-control"] == "no-store"

        author = system.client()
        page = (await author.get(f"/massnahmen/{slug}")).text
        assert (
            await comment(author, slug, "Noch nicht freigegeben.", token=token_of(page))
        ).status_code == 303
        own = await author.get(f"/massnahmen/{slug}")  # a page of the author's own: the pending comment
        assert "Noch nicht freigegeben." in own.text

        anyone = system.client()
        radar, measure = await anyone.get("/"), await anyone.get(f"/massnahmen/{slug}")
        assert 'href="/redaktion"' not in radar.text  # not the editor's radar
        assert "Noch nicht freigegeben." not in measure.text  # not the author's page
        kept = pages_of(system)
        assert len(kept) == 2  # the radar and the measure as anyone sees them, nothing else


async def test_with_the_cache_turned_off_every_page_is_rendered_anew(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY, page_cache_entries=0) as system:
        slug = await system.measure(title="Offene Daten")
        public = system.client()
        for path in ("/", f"/massnahmen/{slug}", "/felder/teilhabe", "/berichte"):
            answer: Any = await public.get(path)
            assert answer.status_code == 200, path
            assert TOKEN_HOLE not in answer.text
        assert len(pages_of(system)) == 0
