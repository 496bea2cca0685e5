"""The catalog's texts in the reader's language over the Munich data: each feed in its own language
whatever the cookie says, API answers that vary by Accept-Language, and every text on an English page
that is still German (a new measure's title, a department) marked lang="de"."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable

import feedparser
import httpx
import pytest

from radar_catalog.seed import read_dataset
from tests.integration.gateway_system import System, start_system

pytestmark = pytest.mark.integration
E_AKTE_EN = "Electronic files (E-Akte)"


@pytest.fixture
async def munich(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    async with start_system(new_database, redis_url, city=read_dataset("munich")) as system:
        yield system


def english(system: System) -> httpx.AsyncClient:
    """A browser whose cookie asks for English pages."""
    browser = system.client()
    browser.cookies.set("radar_lang", "en")
    return browser


async def untranslated(system: System) -> str:
    """The slug of a new measure in the field Bildung whose title has no English translation."""
    editor = await system.staff("editor")
    r = await editor.post("/api/v1/measures", json={"title": "Schulcloud München", "field": "bildung"})
    assert r.status_code == 201, r.text
    return str(r.json()["slug"])


async def test_each_feed_speaks_its_own_language_whatever_the_cookie(munich: System) -> None:
    browser = english(munich)
    for path in ("/feeds/changes.atom", "/feeds/measures/e-akte.atom"):
        german = feedparser.parse((await browser.get(path)).content)
        other = feedparser.parse((await browser.get(path, params={"lang": "en"})).content)
        titles = [e.title for e in german.entries if "E-Akte" in e.title]
        assert titles and all(t.startswith("E-Akte:") for t in titles), path
        assert any(e.title.startswith(f"{E_AKTE_EN}:") for e in other.entries), path
        assert not any(E_AKTE_EN in e.title for e in german.entries), path
    german = feedparser.parse((await browser.get("/feeds/measures/e-akte.atom")).content)
    assert german.feed.title.startswith("E-Akte –")


async def test_public_reads_vary_by_accept_language_and_keep_the_languages_apart(munich: System) -> None:
    api = munich.client()
    first = await api.get("/api/v1/measures/e-akte", headers={"Accept-Language": "en"})
    german = await api.get("/api/v1/measures/e-akte", headers={"Accept-Language": "de"})
    asked = await api.get("/api/v1/measures/e-akte", params={"lang": "en"}, headers={"Accept-Language": "de"})
    assert first.json()["title"] == E_AKTE_EN and first.headers["vary"] == "Accept-Language"
    assert german.json()["title"] == "E-Akte" and german.headers["vary"] == "Accept-Language"
    assert asked.json()["title"] == E_AKTE_EN
    assert first.headers["etag"] != german.headers["etag"]
    again = await api.get(
        "/api/v1/measures/e-akte", headers={"Accept-Language": "en", "If-None-Match": first.headers["etag"]}
    )
    assert (again.status_code, again.headers["vary"]) == (304, "Accept-Language")
    other = await api.get(
        "/api/v1/measures/e-akte", headers={"Accept-Language": "de", "If-None-Match": first.headers["etag"]}
    )
    assert other.status_code == 200 and other.json()["title"] == "E-Akte"


async def test_an_english_radar_marks_only_the_titles_still_in_german(munich: System) -> None:
    slug = await untranslated(munich)
    html = (await english(munich).get("/")).text
    assert '<html lang="en">' in html
    blips = dict(re.findall(r'<a href="/massnahmen/([a-z0-9-]+)"([^>]*class="blip[^"]*"[^>]*)>', html))
    assert re.search(r'\blang="de"', blips[slug]) and "Schulcloud München" in blips[slug]
    assert "lang=" not in blips["e-akte"] and E_AKTE_EN in blips["e-akte"]
    keys = re.findall(r'<ul class="radar-key">(.*?)</ul>', html, re.S)
    legend = dict(re.findall(r'<a href="/massnahmen/([a-z0-9-]+)"([^>]*)>', "".join(keys)))
    assert legend[slug] == ' lang="de"' and legend["e-akte"] == ""
    field = (await english(munich).get("/felder/bildung")).text
    figure = re.search(r'<div class="field-radar-figure">(.*?)</div>', field, re.S)
    assert figure and re.search(rf'href="/massnahmen/{slug}"[^>]*lang="de"', figure.group(1))


async def test_english_pages_link_english_feeds_and_mark_german_topics(munich: System) -> None:
    browser = english(munich)
    measure = (await browser.get("/massnahmen/e-akte")).text
    feeds = re.findall(r'href="(/feeds/measures/e-akte\.atom[^"]*)"', measure)
    assert feeds and all(href == "/feeds/measures/e-akte.atom?lang=en" for href in feeds)
    german = (await munich.client().get("/massnahmen/e-akte")).text
    assert (
        re.findall(r'href="(/feeds/measures/e-akte\.atom[^"]*)"', german)[0] == "/feeds/measures/e-akte.atom"
    )

    found = (await browser.get("/", params={"q": "Wirtschaft"})).text
    topics = re.search(r'<ul class="search-topics">(.*?)</ul>', found, re.S)
    assert topics
    by_name = {
        name: attrs for attrs, name in re.findall(r'<a href="[^"]*"([^>]*)>([^<]+)</a>', topics.group(1))
    }
    assert by_name["Work and economy"] == ""  # translated: in the page's language
    assert by_name["Referat für Arbeit und Wirtschaft"] == ' lang="de"'  # a department: German only
