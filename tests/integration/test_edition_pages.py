"""The strategy's editions on the pages over the Munich data: the 2019 core area Stadtgesellschaft as
the counterpart of the city's page, every page of both editions, the edition switch, nothing invented."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from radar_catalog.seed import read_dataset
from radar_gateway.web.radar_layout import RING_ORDER
from tests.integration.gateway_system import System, start_system

pytestmark = pytest.mark.integration

STADTGESELLSCHAFT_FIELDS = [
    "Digitale Gemeinschaften und Partizipation",
    "Arbeit und Wirtschaft",
    "Digitales erproben und erleben (Labs & Apps)",
]


@pytest.fixture
async def munich(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    async with start_system(new_database, redis_url, city=read_dataset("munich")) as system:
        yield system


async def api(client: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    r = await client.get(f"/api/v1{path}", params=params)
    assert r.status_code == 200, (path, r.text)
    return dict(r.json())


def switch_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="edition-switch".*?</nav>', html, re.S)
    assert nav, "the page has no edition switch"
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', nav.group(0))]


def status_order(html: str) -> list[str]:
    """The statuses of the first list of counts, in the order the page shows them."""
    counts = re.search(r'<ul class="count-list">(.*?)</ul>', html, re.S)
    assert counts
    return re.findall(r'class="status s-([a-z_]+)"', counts.group(1))


async def test_stadtgesellschaft_is_the_counterpart_of_the_citys_page(munich: System) -> None:
    r = await munich.gateway.get("/kernbereiche/stadtgesellschaft")
    assert r.status_code == 200
    html = r.text
    headings = re.findall(r'<h3 id="field-[a-z0-9-]+"><a href="([^"]+)"[^>]*>([^<]+)</a></h3>', html)
    assert [name.replace("&amp;", "&") for _, name in headings] == STADTGESELLSCHAFT_FIELDS
    assert [href for href, _ in headings] == [
        "/felder/digitale-gemeinschaften-und-partizipation?edition=2019",
        "/felder/arbeit-und-wirtschaft?edition=2019",
        "/felder/digitales-erproben-und-erleben-labs-apps?edition=2019",
    ]
    assert "drei Handlungsfelder" in html  # the data set's introduction
    assert "Aus der Fassung: Digitalisierungsstrategie 2019" in html
    # the data set holds no statement of the CDO and no media links: said so, nothing invented
    assert "Eine Stellungnahme der CDO ist in unseren Daten nicht veröffentlicht: unbekannt." in html
    assert "<blockquote>" not in html and "Medien: unbekannt." in html
    assert html.count("Ziele: unbekannt.") == 3 and html.count("in dieser Fassung nicht erfasst") == 3
    assert status_order(html) == list(RING_ORDER)
    assert html.count('<ul class="count-list">') == 1  # measures unknown: no "0 of 0" per field
    assert "diese Zählung ist unvollständig" in html
    english = (await munich.gateway.get("/kernbereiche/stadtgesellschaft", params={"lang": "en"})).text
    assert "A statement of the CDO is not published in our data: unknown." in english
    assert "From the edition: " in english and "(earlier edition)" in english


async def test_a_statement_is_shown_once_the_data_has_one(munich: System) -> None:
    editor = await munich.staff("editor")
    quote = {"text": "Digitale Teilhabe für alle.", "author": "Die CDO der Stadt"}
    r = await editor.patch("/api/v1/core-areas/stadtgesellschaft", json={"quote": quote})
    assert r.status_code == 200, r.text
    html = (await munich.gateway.get("/kernbereiche/stadtgesellschaft")).text
    assert "Stellungnahme der CDO der Stadt" in html and "Digitale Teilhabe für alle." in html
    assert "nicht veröffentlicht: unbekannt" not in html


async def test_every_core_area_field_and_measure_page_of_both_editions_answers_200(munich: System) -> None:
    client = munich.gateway
    editions = (await api(client, "/editions"))["items"]
    assert [e["slug"] for e in editions] == ["2019", "2022"]
    seen: dict[str, int] = {"core areas": 0, "fields": 0, "measures": 0}
    for edition in editions:
        slug = edition["slug"]
        for area in (await api(client, "/core-areas", edition=slug))["items"]:
            r = await client.get(f"/kernbereiche/{area['slug']}", params={"edition": slug})
            assert r.status_code == 200, (slug, area["slug"])
            assert f"{edition['name']}" in r.text
            seen["core areas"] += 1
        for field in (await api(client, "/fields", edition=slug))["items"]:
            r = await client.get(f"/felder/{field['slug']}", params={"edition": slug})
            assert r.status_code == 200, (slug, field["slug"])
            assert re.search(rf"<h1[^>]*>{re.escape(field['name'].replace('&', '&amp;'))}</h1>", r.text)
            assert status_order(r.text) == list(RING_ORDER)
            seen["fields"] += 1
        for measure in (await api(client, "/measures", edition=slug, per_page=100))["items"]:
            r = await client.get(f"/massnahmen/{measure['slug']}")
            assert r.status_code == 200, measure["slug"]
            place = f'href="/felder/{measure["field"]["slug"]}?edition={slug}"'
            assert "In den Fassungen der Strategie" in r.text and place in r.text, measure["slug"]
            seen["measures"] += 1
    assert seen == {"core areas": 3, "fields": 12, "measures": 23}


async def test_the_edition_switch_links_lead_to_the_other_editions_pages(munich: System) -> None:
    client = munich.gateway
    radar = (await client.get("/")).text
    assert "Gezeigt wird die aktuelle Fassung: Fortschreibung 2022." in radar
    assert switch_links(radar) == ["/fassungen/2019"]
    earlier = await client.get("/fassungen/2019")
    assert earlier.status_code == 200
    assert 'href="/kernbereiche/stadtgesellschaft?edition=2019"' in earlier.text
    assert switch_links(earlier.text) == ["/"]
    # a field both editions have offers the other edition's page, and back
    now = (await client.get("/felder/arbeit-und-wirtschaft")).text
    assert switch_links(now) == ["/felder/arbeit-und-wirtschaft?edition=2019"]
    then = await client.get(switch_links(now)[0])
    assert then.status_code == 200 and "Aus der Fassung: Digitalisierungsstrategie 2019" in then.text
    assert switch_links(then.text) == ["/felder/arbeit-und-wirtschaft"]
    assert 'href="/kernbereiche/stadtgesellschaft?edition=2019"' in then.text
    # a field only 2019 has offers no other edition
    only_then = (await client.get("/felder/digitales-erproben-und-erleben-labs-apps")).text
    assert switch_links(only_then) == []
    for page in ("/fassungen/2019", "/fassungen/2022", *switch_links(now), *switch_links(then.text)):
        assert (await client.get(page)).status_code == 200, page


async def test_a_field_page_draws_the_fields_half_radar_with_one_dot_per_measure(munich: System) -> None:
    field = await api(munich.gateway, "/fields/digital-government")
    slugs = sorted(m["slug"] for m in field["measures"])
    html = (await munich.gateway.get("/felder/digital-government")).text
    figure = re.search(r'<div class="field-radar-figure">(<svg .*?</svg>)</div>', html, re.S)
    assert figure and 'class="radar-field"' in figure.group(1) and "radar.css" in html
    dots = re.findall(r'<a href="/massnahmen/([a-z0-9-]+)"[^>]*class="blip', figure.group(1))
    assert len(slugs) == 5 and sorted(dots) == slugs
    key = re.search(r'<ul class="radar-key">(.*?)</ul>', html, re.S)
    assert key and sorted(re.findall(r'href="/massnahmen/([a-z0-9-]+)"', key.group(1))) == slugs
    unknown = (await munich.gateway.get("/felder/arbeit-und-wirtschaft", params={"edition": "2019"})).text
    assert "field-radar-figure" not in unknown  # its measures are not known: nothing to draw


async def test_an_edition_no_strategy_has_names_no_page(munich: System) -> None:
    for path, params in (
        ("/felder/bildung", {"edition": "1999"}),
        ("/felder/bildung", {"edition": "2019"}),  # 2019 had no field Bildung
        ("/felder/bildung", {"edition": "x" * 81}),
        ("/felder/bildung", {"edition": "../2019"}),
        ("/kernbereiche/stadtgesellschaft", {"edition": "2022"}),
        ("/kernbereiche/stadtgesellschaft", {"edition": "Zwei Tausend"}),
        ("/fassungen/1999", {}),
    ):
        r = await munich.gateway.get(path, params=params)
        assert r.status_code == 404, (path, params, r.status_code)
