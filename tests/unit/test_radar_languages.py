"""The radar's drawings say which language each catalog text is in: on an English page a field's name
or a measure's title still in German carries lang="de", a translated one nothing, and a title inside
a German-named sector that is English says so again."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from radar_gateway.web.i18n import translator
from radar_gateway.web.radar_view import radar_view

pytestmark = pytest.mark.unit
SVG = "{http://www.w3.org/2000/svg}"
EN = {"languages": {"name": "en"}}
FIELDS: list[dict[str, Any]] = [
    {"slug": "bildung", "name": "Education", "position": 1, **EN},
    {"slug": "netze", "name": "Netze", "position": 2, "languages": {"name": "de"}},
]


def measure(slug: str, title: str, field: str, lang: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": title,
        "field": {"slug": field},
        "status": "geplant",
        "languages": {"title": lang},
    }


MEASURES = [
    measure("schulcloud", "School cloud", "bildung", "en"),
    measure("tafeln", "Digitale Tafeln", "bildung", "de"),
    measure("glasfaser", "Glasfaser", "netze", "de"),
    measure("funk", "Radio networks", "netze", "en"),
]


def drawn(svg: str) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """The lang attribute of each sector (by its name) and of each blip (by its measure's slug)."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    sectors = {
        g.get("aria-label", ""): g.get("lang") for g in root.iter(f"{SVG}g") if g.get("class") == "sector"
    }
    blips = {
        str(a.get("href")).rsplit("/", 1)[-1]: a.get("lang")
        for a in root.iter(f"{SVG}a")
        if "blip" in str(a.get("class"))
    }
    return sectors, blips


@pytest.mark.parametrize("half", [False, True])
def test_texts_not_in_the_pages_language_carry_their_own(half: bool) -> None:
    view = radar_view(
        fields=FIELDS, core_areas=[], everything=MEASURES, shown=None, moved={}, t=translator("en"), lang="en"
    )
    svg = "".join(str(f.svg) for f in view.fields) if half else str(view.svg)
    sectors, blips = drawn(f"<div>{svg}</div>") if half else drawn(svg)
    assert sectors == {"Education": None, "Netze": "de"}
    assert blips == {"schulcloud": None, "tafeln": "de", "glasfaser": None, "funk": "en"}
    legend = {e.slug: e.languages for f in view.fields for e in f.entries}
    assert legend["tafeln"] == {"title": "de"} and legend["schulcloud"] == {"title": "en"}


def test_a_german_page_marks_nothing() -> None:
    german = [{**m, "languages": {}} for m in MEASURES]
    fields = [{**f, "languages": {}} for f in FIELDS]
    view = radar_view(
        fields=fields, core_areas=[], everything=german, shown=None, moved={}, t=translator("de")
    )
    assert 'lang="' not in str(view.svg) and all('lang="' not in str(f.svg) for f in view.fields)
