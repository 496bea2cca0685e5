"""The radar page with more measures than it draws a blip each for: one blip per field and ring that
says how many measures it stands for and leads to their list, and the list in pages. Munich's
measures are many enough once the gateway is told to draw at most 10 blips and list 10 a page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from html import unescape
from typing import Any

import pytest

from radar_catalog.seed import read_dataset
from tests.integration.gateway_system import SMALL_CITY, System, start_system

pytestmark = pytest.mark.integration

LISTED = re.compile(r'class="measure-link" href="/massnahmen/([a-z0-9-]+)"')
BLIP = re.compile(r'<a href="([^"]+)" aria-label="([^"]+)" class="blip')


@pytest.fixture
async def munich(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    city = read_dataset("munich")
    async with start_system(new_database, redis_url, city=city, blips_at_most=10, list_page_size=10) as s:
        yield s


async def every_measure(system: System) -> list[dict[str, Any]]:
    r = await system.client().get("/api/v1/measures", params={"per_page": 100})
    assert r.status_code == 200
    return list(r.json()["items"])


def radar_of(html: str) -> str:
    found = re.search(r'<div class="radar-figure">(.*?)</div>', html, re.S)
    assert found, "the page draws no radar"
    return found.group(1)


def listed(html: str) -> list[str]:
    part = html.split('id="liste"', 1)[1].split('class="field-radars"', 1)[0]
    return LISTED.findall(part)


async def test_the_radar_draws_a_blip_per_field_and_ring_with_its_count(munich: System) -> None:
    measures = await every_measure(munich)
    cells = Counter((m["field"]["slug"], m["status"]) for m in measures)
    assert len(measures) > 10
    r = await munich.client().get("/")
    assert r.status_code == 200
    blips = [(unescape(href), name) for href, name in BLIP.findall(radar_of(r.text))]
    assert len(blips) == len(cells)  # not one per measure
    for (field, status), n in cells.items():
        href = f"/?field={field}&status={status}#liste"
        named = [name for h, name in blips if h == href]
        assert len(named) == 1, href
        assert f"{n} Maßnahme" in named[0]
    assert "Mehr als 10 Maßnahmen" in r.text


async def test_a_blip_leads_to_the_list_of_the_measures_it_counts(munich: System) -> None:
    measures = await every_measure(munich)
    field, status = Counter((m["field"]["slug"], m["status"]) for m in measures).most_common(1)[0][0]
    r = await munich.client().get("/", params={"field": field, "status": status})
    assert r.status_code == 200
    expected = {m["slug"] for m in measures if (m["field"]["slug"], m["status"]) == (field, status)}
    assert set(listed(r.text)) == expected


async def test_the_list_comes_in_pages_that_hold_every_measure_once(munich: System) -> None:
    measures = await every_measure(munich)
    browser = munich.client()
    seen: list[str] = []
    number = 1
    while True:
        r = await browser.get("/", params={"seite": number} if number > 1 else {})
        assert r.status_code == 200
        page = listed(r.text)
        assert 0 < len(page) <= 10
        seen += page
        if 'rel="next"' not in r.text:
            break
        number += 1
    assert number == -(-len(measures) // 10)
    assert sorted(seen) == sorted(m["slug"] for m in measures)
    assert f"von {len(measures)}" in r.text


async def test_a_bad_filter_is_said_and_draws_nothing(munich: System) -> None:
    r = await munich.client().get("/", params={"field": "gibt-es-nicht"})
    assert r.status_code == 200
    assert "Bitte wählen Sie ein Handlungsfeld." in r.text
    assert listed(r.text) == []
    assert 'class="blip' not in r.text  # nothing counted, nothing drawn


@pytest.fixture
async def tight(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    """At most 2 blips and 1 measure a page: Munich's digital government (5 measures) is too many."""
    city = read_dataset("munich")
    async with start_system(new_database, redis_url, city=city, blips_at_most=2, list_page_size=1) as s:
        yield s


FIELD = "digital-government"


async def test_a_field_of_many_measures_draws_a_blip_per_ring_and_lists_them_in_pages(tight: System) -> None:
    mine = [m for m in await every_measure(tight) if m["field"]["slug"] == FIELD]
    rings = Counter(m["status"] for m in mine)
    browser = tight.client()
    r = await browser.get(f"/felder/{FIELD}")
    assert r.status_code == 200
    blips = [(unescape(href), name) for href, name in BLIP.findall(r.text)]
    assert sorted(h for h, _ in blips) == sorted(f"/?field={FIELD}&status={s}#liste" for s in rings)
    seen = LISTED.findall(r.text)
    assert len(seen) == 1
    for number in range(2, len(mine) + 1):
        r = await browser.get(f"/felder/{FIELD}", params={"seite": number})
        assert r.status_code == 200
        seen += LISTED.findall(r.text)
    assert 'rel="next"' not in r.text and 'rel="prev"' in r.text
    assert sorted(seen) == sorted(m["slug"] for m in mine)


async def test_a_core_area_lists_some_measures_of_a_full_field_and_links_to_all(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY, list_page_size=1) as system:
        for title in ("Offene Daten", "Digitale Sprechstunde", "Bürgerportal"):
            await system.measure(title=title)
        r = await system.client().get("/kernbereiche/stadtgesellschaft")
        assert r.status_code == 200
        section = r.text.split('id="field-teilhabe"', 1)[1].split("</section>", 1)[0]
        assert len(LISTED.findall(section)) == 1
        assert 'href="/felder/teilhabe">Alle 3 Maßnahmen des Handlungsfelds</a>' in section


async def test_the_editors_list_comes_in_pages_that_hold_every_measure(tight: System) -> None:
    total = len(await every_measure(tight))
    editor = await tight.staff("editor")
    edit_link = re.compile(r'<a href="/redaktion/massnahmen/([a-z0-9-]+)">')
    first = await editor.get("/redaktion")
    assert first.status_code == 200
    assert f"({total})" in first.text
    seen = edit_link.findall(first.text)
    assert len(seen) == 1
    last = await editor.get("/redaktion", params={"seite": total})
    assert 'rel="next"' not in last.text and 'rel="prev"' in last.text
    seen += edit_link.findall(last.text)
    assert len(set(seen)) == 2


async def test_a_page_number_in_other_digits_is_the_first_page(munich: System) -> None:
    browser = munich.client()
    first = await browser.get("/")
    for odd in ("²", "٣", "３"):
        r = await browser.get("/", params={"seite": odd})
        assert r.status_code == 200, odd
        assert listed(r.text) == listed(first.text), odd
