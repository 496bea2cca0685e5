"""The radar's layout and SVG: a blip per measure, each a link; a sector per field; stable; no overlaps."""

from __future__ import annotations

import itertools
import math
import random
import uuid
import xml.etree.ElementTree as ET

import pytest

from radar_gateway.web.radar_layout import (
    RING_ORDER,
    SPACING,
    CoreAreaSpec,
    FieldSpec,
    MeasureSpec,
    Radar,
    layout_radar,
)
from radar_gateway.web.radar_svg import RadarText, render_radar

pytestmark = pytest.mark.unit
SVG = "{http://www.w3.org/2000/svg}"
TEXT = RadarText(
    title="Radar der Maßnahmen",
    description="Jedes Segment ein Handlungsfeld, jeder Ring ein Status.",
    status_label=lambda status: status.replace("_", " ").title(),
    measure_href=lambda slug: f"/massnahmen/{slug}",
    field_href=lambda slug: f"/felder/{slug}",
)
FIELDS = [
    FieldSpec("digital-government", "Digital Government", 1),
    FieldSpec("gemeinschaft-und-teilhabe", "Gemeinschaft und Teilhabe", 2),
    FieldSpec("kultur-sport-und-freizeit", "Kultur, Sport und Freizeit", 3),
    FieldSpec("bildung", "Bildung", 4),
    FieldSpec("arbeit-und-wirtschaft", "Arbeit und Wirtschaft", 5),
    FieldSpec("gesundheit-und-sicherheit", "Gesundheit und Sicherheit", 6),
]
# the snapshot of counts per field and status that the Munich radar once showed
COUNTS = {
    "digital-government": {"geplant": 2, "in_umsetzung": 18, "abgeschlossen": 7},
    "gemeinschaft-und-teilhabe": {"in_umsetzung": 6, "abgeschlossen": 8, "eingestellt": 2},
    "kultur-sport-und-freizeit": {"geplant": 1, "in_umsetzung": 3, "unbekannt": 2},
    "bildung": {"in_umsetzung": 6},
    "arbeit-und-wirtschaft": {"in_umsetzung": 3},
    "gesundheit-und-sicherheit": {"in_umsetzung": 1},
}


def munich_like() -> list[MeasureSpec]:
    measures = []
    for field_slug, per_status in COUNTS.items():
        for status, count in per_status.items():
            for i in range(count):
                slug = f"{field_slug}-{status}-{i}-{uuid.uuid4().hex[:6]}"
                measures.append(
                    MeasureSpec(slug=slug, title=f"Maßnahme {i} {status}", field=field_slug, status=status)
                )
    return measures


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def blips_of(svg: str) -> list[ET.Element]:
    root = parse(svg)
    return [a for a in root.iter(f"{SVG}a") if "blip" in a.get("class", "").split()]


def sectors_of(svg: str) -> list[ET.Element]:
    return [g for g in parse(svg).iter(f"{SVG}g") if g.get("class") == "sector"]


def assert_no_overlap(radar: Radar) -> None:
    for a, b in itertools.combinations(radar.blips, 2):
        distance = math.dist((a.x, a.y), (b.x, b.y))
        assert distance >= SPACING - 0.2, f"{a.measure.slug} and {b.measure.slug} are {distance:.1f} apart"


def test_every_measure_has_exactly_one_blip_that_links_to_its_page() -> None:
    measures = munich_like()
    svg = render_radar(layout_radar(fields=FIELDS, measures=measures), TEXT)

    links = [a.get("href", "") for a in blips_of(svg)]
    assert len(links) == len(measures) == 59
    assert sorted(links) == sorted(f"/massnahmen/{m.slug}" for m in measures)


def test_each_blip_is_named_by_its_title_and_status() -> None:
    measure = MeasureSpec(slug="e-akte", title="E-Akte", field="digital-government", status="in_umsetzung")
    (blip,) = blips_of(render_radar(layout_radar(fields=FIELDS, measures=[measure]), TEXT))

    assert blip.get("aria-label") == "1. E-Akte (In Umsetzung)"  # the number it shows, as in the legend
    assert blip.findtext(f"{SVG}title") == "1. E-Akte (In Umsetzung)"
    assert "s-in_umsetzung" in blip.get("class", "")


def test_the_svg_has_a_title_and_a_description() -> None:
    root = parse(render_radar(layout_radar(fields=FIELDS, measures=munich_like()), TEXT))

    assert root.findtext(f"{SVG}title") == TEXT.title
    assert root.findtext(f"{SVG}desc") == TEXT.description
    assert root.get("aria-labelledby") == "radar-title"
    assert root.get("aria-describedby") == "radar-desc"


def test_there_is_one_sector_per_field_in_field_order_with_its_blips() -> None:
    measures = munich_like()
    svg = render_radar(layout_radar(fields=list(reversed(FIELDS)), measures=measures), TEXT)

    sectors = sectors_of(svg)
    assert [s.get("aria-label") for s in sectors] == [f.name for f in FIELDS]
    for sector, spec in zip(sectors, FIELDS, strict=True):
        hrefs = {a.get("href") for a in sector.iter(f"{SVG}a") if "blip" in a.get("class", "")}
        assert hrefs == {f"/massnahmen/{m.slug}" for m in measures if m.field == spec.slug}


def test_a_field_without_measures_still_gets_its_sector() -> None:
    radar = layout_radar(fields=[*FIELDS, FieldSpec("klima-und-umwelt", "Klima und Umwelt", 7)], measures=[])

    assert [s.field.slug for s in radar.sectors][-1] == "klima-und-umwelt"
    assert radar.blips == []


def test_sectors_are_grouped_by_core_area_in_the_core_areas_order() -> None:
    areas = [
        CoreAreaSpec("stadtverwaltung", "Stadtverwaltung", 2),
        CoreAreaSpec("stadtgesellschaft", "Stadtgesellschaft", 1),
    ]
    fields = [
        FieldSpec("verwaltung-a", "Verwaltung A", 1, "stadtverwaltung"),
        FieldSpec("gesellschaft-a", "Gesellschaft A", 2, "stadtgesellschaft"),
        FieldSpec("ohne", "Ohne Kernbereich", 3),
        FieldSpec("gesellschaft-b", "Gesellschaft B", 4, "stadtgesellschaft"),
        FieldSpec("verwaltung-b", "Verwaltung B", 5, "stadtverwaltung"),
    ]
    measures = [MeasureSpec(f"m-{f.slug}", f"M {f.name}", f.slug, "geplant") for f in fields]

    radar = layout_radar(fields=fields, measures=measures, core_areas=areas)

    assert [s.field.slug for s in radar.sectors] == [
        "gesellschaft-a", "gesellschaft-b", "verwaltung-a", "verwaltung-b", "ohne",
    ]  # fmt: skip
    assert [(a.core_area.slug, a.start, a.end) for a in radar.core_areas] == [
        ("stadtgesellschaft", radar.sectors[0].start, radar.sectors[1].end),
        ("stadtverwaltung", radar.sectors[2].start, radar.sectors[3].end),
    ]
    svg = render_radar(radar, TEXT)
    area_labels = [t for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "area-label"]
    assert ["".join(t.itertext()) for t in area_labels] == ["Stadtgesellschaft", "Stadtverwaltung"]


def test_each_blip_lies_in_its_fields_sector_and_its_status_ring() -> None:
    radar = layout_radar(fields=FIELDS, measures=munich_like())
    sectors = {s.field.slug: s for s in radar.sectors}
    rings = {r.status: r for r in radar.rings}

    assert [r.status for r in radar.rings] == list(RING_ORDER)
    for blip in radar.blips:
        angle = math.atan2(blip.x, -blip.y) % (2 * math.pi)
        sector, ring = sectors[blip.measure.field], rings[blip.measure.status]
        assert sector.start <= angle <= sector.end, blip.measure.slug
        assert ring.inner <= math.hypot(blip.x, blip.y) <= ring.outer, blip.measure.slug


def test_no_two_blips_overlap_even_when_one_cell_is_crowded() -> None:
    crowded = [MeasureSpec(f"m-{i}", f"Maßnahme {i}", "bildung", "in_umsetzung") for i in range(80)]
    radar = layout_radar(fields=FIELDS, measures=munich_like() + crowded)

    assert len(radar.blips) == 59 + 80
    assert len({(b.x, b.y) for b in radar.blips}) == len(radar.blips)
    assert_no_overlap(radar)


def test_the_same_measures_give_the_same_svg_whatever_their_order() -> None:
    measures = munich_like()
    shuffled = list(measures)
    random.Random(7).shuffle(shuffled)

    first = render_radar(layout_radar(fields=FIELDS, measures=measures), TEXT)
    again = render_radar(layout_radar(fields=list(reversed(FIELDS)), measures=shuffled), TEXT)

    assert first == again


def test_a_measure_of_an_unknown_field_still_gets_a_sector_and_a_blip() -> None:
    stray = MeasureSpec("stray", "Verirrt", "nicht-im-katalog", "geplant")

    radar = layout_radar(fields=FIELDS, measures=[stray])

    assert radar.sectors[-1].field.slug == "nicht-im-katalog"
    assert [b.measure for b in radar.blips] == [stray]


def test_titles_are_escaped_in_the_svg() -> None:
    evil = MeasureSpec("evil", '<script>alert("x")</script> & "Quotes"', "bildung", "geplant")

    svg = render_radar(layout_radar(fields=FIELDS, measures=[evil]), TEXT)

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    (blip,) = blips_of(svg)
    assert blip.get("aria-label") == '1. <script>alert("x")</script> & "Quotes" (Geplant)'
