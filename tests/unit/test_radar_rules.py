"""The radar's rules: ring order everywhere, numbers that match the legend, filters that dim without
moving anything, moved marks from the change feed, and blips never closer than a target's size."""

from __future__ import annotations

import itertools
import json
import math
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import pytest

from radar_gateway.web.i18n import translator
from radar_gateway.web.radar_layout import (
    APART,
    HALF,
    RING_ORDER,
    TARGET,
    FieldSpec,
    MeasureSpec,
    layout_radar,
)
from radar_gateway.web.radar_moves import RECENT, moved_marks
from radar_gateway.web.radar_view import radar_view
from radar_gateway.web.views import measure_order

pytestmark = pytest.mark.unit
SVG = "{http://www.w3.org/2000/svg}"
T = translator("de")
NOW = datetime(2026, 6, 1, tzinfo=UTC)
FIELDS: list[dict[str, Any]] = [
    {"slug": "verwaltung", "name": "Verwaltung", "position": 1},
    {"slug": "bildung", "name": "Bildung", "position": 2},
    {"slug": "mobilitaet", "name": "Mobilität", "position": 3},
]
STATUSES = ["abgeschlossen", "unbekannt", "geplant", "in_umsetzung", "eingestellt"]


def measure(slug: str, field: str, status: str) -> dict[str, Any]:
    return {"slug": slug, "title": f"Maßnahme {slug}", "field": {"slug": field}, "status": status}


MEASURES = [
    measure(f"m{i:02d}", FIELDS[i % 3]["slug"], STATUSES[i % 5]) for i in range(17)
]  # fmt: skip


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def blips(svg: str) -> dict[str, tuple[str, str, str]]:
    """Per measure slug (from the link, or the number for a dimmed blip): cx, cy and number."""
    found = {}
    for element in parse(svg).iter():
        css = element.get("class", "").split()
        if "blip" in css or "blip-off" in css:
            halo = element.find(f"{SVG}circle")
            assert halo is not None
            number = next(t for t in element.iter(f"{SVG}text") if t.get("class") == "blip-no").text or ""
            key = element.get("href", f"#{number}").removeprefix("/massnahmen/")
            found[key] = (halo.get("cx", ""), halo.get("cy", ""), number)
    return found


def test_rings_run_geplant_in_umsetzung_abgeschlossen_with_the_other_two_set_apart() -> None:
    radar = layout_radar(
        fields=[FieldSpec("f", "F")], measures=[MeasureSpec("a", "A", "f", s) for s in RING_ORDER]
    )

    assert RING_ORDER[:3] == ("geplant", "in_umsetzung", "abgeschlossen")
    assert [r.status for r in radar.rings] == list(RING_ORDER)
    assert [r.status for r in radar.rings if r.status in APART] == ["eingestellt", "unbekannt"]
    main, apart = radar.rings[2], radar.rings[3]
    assert apart.inner > main.outer  # a gap sets the band apart
    for a, b in itertools.pairwise(radar.rings):
        assert a.outer <= b.inner


def test_every_page_orders_statuses_as_the_rings_do() -> None:
    shuffled = [measure(f"x{i}", "f", s) | {"title": "Gleich"} for i, s in enumerate(STATUSES)]

    assert [m["status"] for m in sorted(shuffled, key=measure_order)] == list(RING_ORDER)


def test_ring_labels_sit_inside_their_rings_and_no_blip_covers_them() -> None:
    crowded = [MeasureSpec(f"m{i}", f"M {i}", "f", s) for s in RING_ORDER for i in range(12)]
    for span, rows in (((0.0, 2 * math.pi), 2), (HALF, 1)):
        radar = layout_radar(
            fields=[FieldSpec("f", "F")], measures=crowded, span=span, min_rows=rows, ring_label=T
        )
        for ring in radar.rings:
            assert ring.inner + 2 <= ring.label_radius - 6.5 and ring.label_radius + 6.5 <= ring.outer - 2
            label_end = span[0] + ring.label_length / ring.label_radius
            for b in radar.blips:
                r = math.hypot(b.x, b.y)
                angle = (math.atan2(b.x, -b.y) - span[0]) % (2 * math.pi) + span[0]
                if ring.inner <= r <= ring.outer and abs(r - ring.label_radius) < 1:
                    assert angle - TARGET / 2 / r >= label_end - 1e-6, (ring.status, b.measure.slug)


def test_no_two_blips_are_closer_than_a_target_in_the_whole_radar_or_a_half_one() -> None:
    many = [MeasureSpec(f"m{i}", f"M {i}", ["a", "b"][i % 2], RING_ORDER[i % 5]) for i in range(90)]
    fields = [FieldSpec("a", "A"), FieldSpec("b", "B")]
    for radar in (
        layout_radar(fields=fields, measures=many),
        layout_radar(fields=fields[:1], measures=[m for m in many if m.field == "a"], span=HALF, min_rows=1),
    ):
        assert radar.blips
        for p, q in itertools.combinations(radar.blips, 2):
            assert math.hypot(p.x - q.x, p.y - q.y) >= TARGET, (p.measure.slug, q.measure.slug)


def test_numbers_run_1_to_n_and_the_legend_and_every_drawing_carry_the_same_ones() -> None:
    view = radar_view(fields=FIELDS, core_areas=[], everything=MEASURES, shown=None, moved={}, t=T)
    whole = {slug: number for slug, (_, _, number) in blips(view.svg).items()}
    legend = {e.slug: str(e.number) for fv in view.fields for e in fv.entries}
    halves = {slug: n for fv in view.fields for slug, (_, _, n) in blips(fv.svg).items()}

    assert sorted(int(n) for n in whole.values()) == list(range(1, len(MEASURES) + 1))
    assert whole == legend == halves
    entries = [e for fv in view.fields for e in fv.entries]
    assert [e.number for e in entries] == sorted(e.number for e in entries)  # the legend reads in order


def test_a_filter_dims_what_it_leaves_out_and_moves_nothing() -> None:
    shown = [m for m in MEASURES if m["status"] == "in_umsetzung"]
    everything = radar_view(fields=FIELDS, core_areas=[], everything=MEASURES, shown=None, moved={}, t=T)
    narrowed = radar_view(fields=FIELDS, core_areas=[], everything=MEASURES, shown=shown, moved={}, t=T)

    before, after = blips(everything.svg), blips(narrowed.svg)
    assert sorted(p for p in before.values()) == sorted(p for p in after.values())  # same places, numbers
    links = [a.get("href", "") for a in parse(narrowed.svg).iter(f"{SVG}a") if "blip" in a.get("class", "")]
    assert sorted(links) == sorted(f"/massnahmen/{m['slug']}" for m in shown)
    dimmed = [g for g in parse(narrowed.svg).iter(f"{SVG}g") if "blip-off" in g.get("class", "")]
    assert len(dimmed) == len(MEASURES) - len(shown)
    assert all(g.get("aria-hidden") == "true" and g.get("tabindex") is None for g in dimmed)
    assert [e.slug for fv in narrowed.fields for e in fv.entries] == [
        e.slug for fv in everything.fields for e in fv.entries if e.status == "in_umsetzung"
    ]
    sectors = [g.get("aria-label") for g in parse(narrowed.svg).iter(f"{SVG}g") if g.get("class") == "sector"]
    assert sectors == [f["name"] for f in FIELDS]


def change(slug: str, old: str | None, new: str, days_ago: float) -> dict[str, Any]:
    return {
        "measure": {"slug": slug},
        "changed_at": (NOW - timedelta(days=days_ago)).isoformat(),
        "changes": [{"field": "status", "old": old, "new": new}, {"field": "title", "old": "a", "new": "b"}],
    }


def test_moved_marks_compare_the_ring_before_the_window_with_the_current_one() -> None:
    feed = [  # newest first, as the catalog's /changes gives them
        change("vorwaerts", "geplant", "in_umsetzung", 3),
        change("zurueck", "abgeschlossen", "in_umsetzung", 10),
        change("hin-und-her", "in_umsetzung", "geplant", 20),
        change("hin-und-her", "geplant", "in_umsetzung", 30),
        change("neu", None, "geplant", 40),
        change("alt", "geplant", "abgeschlossen", RECENT.days + 1),
    ]
    current = {
        "vorwaerts": "in_umsetzung", "zurueck": "in_umsetzung", "hin-und-her": "geplant",
        "neu": "geplant", "alt": "abgeschlossen",
    }  # fmt: skip

    marks = moved_marks(feed, current=current, since=NOW - RECENT)

    assert marks == {"vorwaerts": "out", "zurueck": "in"}
    assert moved_marks(feed, current=current, since=NOW - timedelta(days=5)) == {"vorwaerts": "out"}


def test_a_moved_blip_has_a_mark_and_its_legend_entry_says_which_way() -> None:
    slug = MEASURES[0]["slug"]
    view = radar_view(fields=FIELDS, core_areas=[], everything=MEASURES, shown=None, moved={slug: "out"}, t=T)

    link = next(a for a in parse(view.svg).iter(f"{SVG}a") if a.get("href") == f"/massnahmen/{slug}")
    assert "moved-out" in link.get("class", "").split()
    assert [c.get("class") for c in link.iter(f"{SVG}circle")] == ["halo", "moved-mark"]
    assert "nach außen gerückt" in "".join(link.itertext())
    entry = next(e for fv in view.fields for e in fv.entries if e.slug == slug)
    assert entry.moved == "out"
    others = [a for a in parse(view.svg).iter(f"{SVG}a") if "blip" in a.get("class", "").split()]
    assert sum("moved" in a.get("class", "") for a in others) == 1


def test_the_munich_radar_fits_a_phone_per_field_and_a_desktop_whole() -> None:
    data = json.loads((resources.files("radar_catalog") / "data" / "munich.json").read_text(encoding="utf-8"))
    measures = [measure(m["slug"], m["field"], m["status"]) for m in data["measures"]]
    view = radar_view(fields=data["fields"], core_areas=[], everything=measures, shown=None, moved={}, t=T)

    phone, desktop_column = 390 - 2 * 16, 1216 - 2 * 16 - 18 * 16 - 32  # .wrap padding, legend, gap
    assert all(float(parse(fv.svg).get("width", "0")) <= phone for fv in view.fields)
    assert float(parse(view.svg).get("width", "0")) <= desktop_column
