"""Search on the radar page over the Munich data: what people type finds what they expect, the page
lists the same measures in the same order as the API, and an empty result offers "did you mean"."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from radar_catalog.seed import read_dataset
from tests.integration.gateway_system import System, start_system

pytestmark = pytest.mark.integration

# each word, and what a person typing it expects first (checked against munich.json)
EXPECTED: dict[str, tuple[str | None, tuple[str, str] | None]] = {
    "Bildung": ("digitale-transformation-der-muenchner-bildungseinrichtungen", ("field", "/felder/bildung")),
    "Klima": ("aufbau-klimaschutz-monitoring", ("field", "/felder/klima-und-umwelt")),
    "Schule": ("digitale-transformation-der-muenchner-bildungseinrichtungen", None),
    # the data set assigns the principle to no measure yet: the principle itself is what is found
    "Open Source": (None, ("principle", "/?principle=digitale-souveraenitaet-open-source")),
    "eakte": ("e-akte", None),
    "Digitalisierungsbeirat": ("digitalisierungsbeirat", None),
}
HIT = re.compile(r'class="measure-link" href="/massnahmen/([a-z0-9-]+)"')


@pytest.fixture
async def munich(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    async with start_system(new_database, redis_url, city=read_dataset("munich")) as system:
        yield system


async def api_search(client: httpx.AsyncClient, q: str) -> dict[str, Any]:
    r = await client.get("/api/v1/measures", params={"q": q, "per_page": 100})
    assert r.status_code == 200, r.text
    return dict(r.json())


def results_section(html: str) -> str:
    found = re.search(r'<section class="search-results".*?</section>', html, re.S)
    assert found, "the page shows no search results"
    return found.group(0)


def page_hits(html: str) -> list[str]:
    ranked = re.search(r'<ol class="measure-list search-hits">(.*?)</ol>', results_section(html), re.S)
    return HIT.findall(ranked.group(1)) if ranked else []


async def test_what_people_type_finds_the_same_measures_in_the_api_and_on_the_page(munich: System) -> None:
    for word, (first, topic) in EXPECTED.items():
        answer = await api_search(munich.gateway, word)
        r = await munich.gateway.get("/", params={"q": word})
        assert r.status_code == 200, word
        hits = page_hits(r.text)
        assert hits == [m["slug"] for m in answer["items"]], word  # the same measures, in the API's order
        section = results_section(r.text)
        if first is not None:
            assert hits[0] == first, (word, hits)
            assert 'class="radar-section"' in r.text, word  # something to draw: the radar is there
        if topic is not None:
            kind, href = topic
            assert (kind, href.rsplit("/", 1)[-1].split("=")[-1]) in [
                (t["kind"], t["slug"]) for t in answer["topics"]
            ], word
            assert f'href="{href}"' in section, word
        assert answer["suggestions"] == [] and "Meinten Sie" not in section, word


async def test_the_open_source_principle_is_shown_without_an_empty_radar(munich: System) -> None:
    r = await munich.gateway.get("/", params={"q": "Open Source"})
    section = results_section(r.text)
    assert "Grundsatz:" in section and "Digitale Souveränität / Open Source" in section
    assert "Keine Maßnahme passt zu dieser Suche" in section
    assert 'class="radar-section"' not in r.text and 'class="blip' not in r.text


async def test_a_typo_gets_suggestions_that_link_to_a_search_that_finds_something(munich: System) -> None:
    for typo, meant in (("Klimaschuz", "Klimaschutz"), ("Digitalisirungsbeirat", "Digitalisierungsbeirat")):
        answer = await api_search(munich.gateway, typo)
        assert (answer["total"], answer["suggestions"][0]) == (0, meant), typo
        r = await munich.gateway.get("/", params={"q": typo})
        section = results_section(r.text)
        assert f"Zu „{typo}“ wurde nichts gefunden" in section
        assert "Meinten Sie:" in section
        links = re.findall(r'<ul class="suggestions">(.*?)</ul>', section, re.S)[0]
        offered = re.findall(r'href="(/\?q=[^"]+)"', links)
        assert offered[0] == f"/?q={meant}", offered
        assert len(offered) == len(answer["suggestions"])
        followed = await munich.gateway.get(offered[0])
        assert page_hits(followed.text), offered[0]  # the suggestion finds something


async def test_a_misspelt_word_in_english_pages_is_suggested_too(munich: System) -> None:
    r = await munich.gateway.get("/", params={"q": "Digitalisirung", "lang": "en"})
    section = results_section(r.text)
    assert "Did you mean:" in section
    assert re.search(r'<ul class="suggestions">.*href="/\?q=', section, re.S)


async def test_an_empty_result_shows_a_message_and_no_radar_graphic(munich: System) -> None:
    everything = await munich.gateway.get("/")
    assert 'class="radar-section"' in everything.text and "search-results" not in everything.text
    r = await munich.gateway.get("/", params={"q": "Raumfahrtbahnhof"})
    assert r.status_code == 200
    section = results_section(r.text)
    assert "Zu „Raumfahrtbahnhof“ wurde nichts gefunden" in section
    assert "Versuchen Sie ein anderes Wort" in section  # nothing resembles it: no suggestion to offer
    assert 'class="radar-section"' not in r.text and "<svg" not in r.text.split("</header>", 1)[-1]
    assert 'class="blip' not in r.text


async def test_the_query_is_escaped_and_filters_narrow_the_search(munich: System) -> None:
    evil = '<script>alert("x")</script>'
    r = await munich.gateway.get("/", params={"q": evil})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;alert" in r.text
    narrowed = await munich.gateway.get("/", params={"q": "Klima", "status": "in_umsetzung"})
    api = await munich.gateway.get(
        "/api/v1/measures", params={"q": "Klima", "status": "in_umsetzung", "per_page": 100}
    )
    assert page_hits(narrowed.text) == [m["slug"] for m in api.json()["items"]]
