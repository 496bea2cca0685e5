"""HTTP as clients expect it: HEAD wherever GET works, validators and 304, Allow on every 405."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import pytest

from radar_gateway.web.i18n import catalogs
from tests.integration.edge_system import PUBLIC_URL, Edge, start_edge

pytestmark = pytest.mark.integration
EVERY_KIND = ("/", "/massnahmen/e-akte", "/feeds/changes.atom", "/feeds/measures/e-akte.atom",
              "/api/v1/measures", "/api/v1/measures/e-akte", "/netiquette", "/impressum")  # fmt: skip


@pytest.fixture
async def edge(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Edge]:
    async with start_edge(new_database, redis_url) as running:
        yield running


async def test_head_answers_wherever_get_does_with_the_headers_and_no_body(edge: Edge) -> None:
    browser = edge.browser()
    static = re.search(r'href="(/static/site\.css\?v=[0-9a-f]+)"', (await browser.get("/")).text)
    assert static
    for path in (*EVERY_KIND, static.group(1)):
        got = await browser.get(path)
        head = await browser.head(path)
        assert (head.status_code, got.status_code) == (200, 200), path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert "content-security-policy" in head.headers, path
    for path in ("/feeds/changes.atom", "/api/v1/measures", static.group(1)):  # the same bytes each time
        got, head = await browser.get(path), await browser.head(path)
        assert head.headers["content-length"] == str(len(got.content)), path
        assert head.headers.get("etag") == got.headers.get("etag"), path


async def test_a_page_answers_304_to_its_etag_and_never_to_another_browsers(edge: Edge) -> None:
    german, english = edge.browser(), edge.browser()
    english.cookies.set("radar_lang", "en")
    cookie_set = await german.get("/")  # the first visit sets the form cookie the forms are signed against
    assert "set-cookie" in cookie_set.headers and cookie_set.headers["cache-control"] == "no-store"
    assert "etag" not in cookie_set.headers
    first = await german.get("/")
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong: a hash of the body
    assert first.headers["cache-control"] == "private, no-cache"  # no shared cache keeps a page
    assert first.headers["vary"] == "Cookie"

    again = await german.get("/", headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert (await german.head("/", headers={"If-None-Match": etag})).status_code == 304
    assert (await german.get("/", headers={"If-None-Match": f'"x", W/{etag}'})).status_code == 304
    assert (await german.get("/", headers={"If-None-Match": '"other"'})).status_code == 200
    other = await english.get("/", headers={"If-None-Match": etag})  # another browser, another page
    assert other.status_code == 200 and 'lang="en"' in other.text


async def test_staff_pages_are_stored_nowhere_and_get_no_etag(edge: Edge) -> None:
    staff = await edge.staff("moderator")
    page = await staff.get("/netiquette")
    assert page.status_code == 200 and "Abmelden" in page.text
    assert page.headers["cache-control"] == "no-store" and "etag" not in page.headers


async def test_a_feed_answers_304_to_its_etag_or_its_last_modified(edge: Edge) -> None:
    browser = edge.browser()
    for path in ("/feeds/changes.atom", "/feeds/measures/e-akte.atom", "/feeds/changes.atom?lang=en"):
        feed = await browser.get(path)
        etag, modified = feed.headers["etag"], feed.headers["last-modified"]
        assert feed.headers["cache-control"] == "public, no-cache"
        updated = re.search(r"<updated>([^<]+)</updated>", feed.text)
        assert updated and parsedate_to_datetime(modified).isoformat() == updated.group(1)[:19] + "+00:00"
        earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)

        by_tag = await browser.get(path, headers={"If-None-Match": etag})
        by_date = await browser.get(path, headers={"If-Modified-Since": modified})
        assert (by_tag.status_code, by_tag.content) == (304, b"")
        assert (by_date.status_code, by_date.headers["etag"]) == (304, etag)
        assert (await browser.head(path, headers={"If-Modified-Since": modified})).status_code == 304
        assert (await browser.get(path, headers={"If-Modified-Since": earlier})).status_code == 200
        assert (await browser.get(path, headers={"If-Modified-Since": "gestern"})).status_code == 200
        changed = {"If-None-Match": '"other"', "If-Modified-Since": modified}  # the tag decides
        assert (await browser.get(path, headers=changed)).status_code == 200


async def test_every_405_says_what_is_allowed(edge: Edge) -> None:
    browser = edge.browser()
    refused = {
        "/": await browser.delete("/"),
        "/massnahmen/e-akte": await browser.put("/massnahmen/e-akte"),
        "/feeds/changes.atom": await browser.post("/feeds/changes.atom"),
        "/impressum": await browser.post("/impressum"),
        "/api/v1/measures/e-akte": await browser.delete("/api/v1/measures/e-akte"),
        "/api/v1/auth/login": await browser.get("/api/v1/auth/login"),
    }
    for path, r in refused.items():
        assert r.status_code == 405, (path, r.text)
        allowed = {m.strip() for m in r.headers.get("allow", "").split(",") if m.strip()}
        assert allowed, path
        assert "HEAD" in allowed or "GET" not in allowed, (path, allowed)


async def test_the_comment_form_links_the_netiquette_and_the_privacy_page(edge: Edge) -> None:
    page = (await edge.browser().get("/massnahmen/e-akte")).text
    form = page.split('action="/massnahmen/e-akte/kommentare"')[1].split("</form>")[0]
    assert 'href="/netiquette"' in form and 'href="/datenschutz"' in form


async def test_feedparser_reads_every_served_feed_in_every_language(edge: Edge) -> None:
    browser = edge.browser()
    slugs = [
        m["slug"] for m in (await browser.get("/api/v1/measures", params={"per_page": 100})).json()["items"]
    ]
    paths = ["/feeds/changes.atom", *(f"/feeds/measures/{slug}.atom" for slug in slugs)]
    for path in paths:
        for lang in catalogs().languages:
            r = await browser.get(path, params={"lang": lang})
            feed = feedparser.parse(r.content, response_headers=dict(r.headers))
            assert not feed.bozo, (path, lang, feed.get("bozo_exception"))
            assert feed.entries and all(e.id.startswith("urn:uuid:") for e in feed.entries), path
            own = f"{PUBLIC_URL}{path}" + ("" if lang == "de" else f"?lang={lang}")
            assert {link.rel: link.href for link in feed.feed.links}["self"] == own
