"""The radar drawn as inline SVG: every blip a numbered, focusable link with an accessible name.

The SVG carries no style attributes (the Content-Security-Policy forbids them): colours come
from classes in radar.css. Each status has its own shape as well as its own colour and ring.
The SVG is drawn at scale 1 (width and height are the viewBox's), so a unit is a CSS pixel:
blips are TARGET wide and no text is smaller than 12 px. ElementTree escapes every text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from radar_gateway.web.radar_backdrop import (
    AREA_BAND,
    FIELD_BAND,
    RadarText,
    backdrop,
    core_area_bands,
    field_label,
    num,
    wrap,
)
from radar_gateway.web.radar_layout import FULL, TARGET, PlacedBlip, Radar

SVG_NS = "http://www.w3.org/2000/svg"
SHAPES = {  # one shape per status, each large enough to hold the blip's number
    "geplant": ("path", {"d": "M0,-12 L11,-3 L11,10 L-11,10 L-11,-3 Z"}),
    "in_umsetzung": ("circle", {"r": "11"}),
    "abgeschlossen": ("rect", {"x": "-10", "y": "-10", "width": "20", "height": "20"}),
    "eingestellt": (
        "path",
        {"d": "M-4.8,-11.5 L4.8,-11.5 L11.5,-4.8 L11.5,4.8 L4.8,11.5 L-4.8,11.5 L-11.5,4.8 L-11.5,-4.8 Z"},
    ),
    "unbekannt": ("path", {"d": "M0,-13 L13,0 L0,13 L-13,0 Z"}),
}
CAPTION_LINE = 18.0
CAPTION_CHAR = 8.0  # an average character at 14 px


@dataclass(frozen=True)
class Marks:
    """What a drawing shows beyond the layout: ids, dimmed measures, moved measures."""

    key: str = "radar"  # prefix of every id in the SVG, unique on the page
    active: Collection[str] | None = None  # slugs not dimmed (None: all)
    moved: Mapping[str, str] = field(default_factory=dict)
    lang: str | None = None  # the page's language: a text in another is marked with its own (None: none)
    title_languages: Mapping[str, str] = field(default_factory=dict)  # a measure's title's, by slug
    name_languages: Mapping[str, str] = field(default_factory=dict)  # a field's name's, by slug


def blip_name(blip: PlacedBlip, text: RadarText) -> str:
    """The accessible name of a blip: its visible number (as in the legend), the measure and its status."""
    return f"{blip.number}. {blip.measure.title} ({text.status_label(blip.measure.status)})"


def shape(status: str, *, x: float, y: float, css: str = "") -> ET.Element:
    """The status's shape, centred on (x, y)."""
    tag, attrs = SHAPES.get(status, SHAPES["unbekannt"])
    element = ET.Element(tag, attrs)
    element.set("transform", f"translate({num(x)} {num(y)})")
    element.set("class", f"shape {css}".strip())
    return element


def status_symbol(status: str) -> str:
    """A small decorative SVG of a status's shape, for the legend and the list."""
    attrs = {"class": f"symbol s-{status}", "viewBox": "-14 -14 28 28", "width": "16", "height": "16"}
    svg = ET.Element("svg", {**attrs, "aria-hidden": "true", "focusable": "false"})
    svg.append(shape(status, x=0, y=0))
    return ET.tostring(svg, encoding="unicode")


def _caption(lines: list[str], *, x: float, y: float, width: float) -> ET.Element:
    """The name of a blip, shown in the caption area while the blip has focus or the pointer."""
    group = ET.Element("g", {"class": "blip-name"})
    height = len(lines) * CAPTION_LINE + 8
    ET.SubElement(
        group, "rect", {"x": num(x), "y": num(y), "width": num(width), "height": num(height), "rx": "4"}
    )
    label = ET.SubElement(group, "text", {"x": num(x + 8), "y": num(y + 18)})
    for i, line in enumerate(lines):
        ET.SubElement(
            label, "tspan", {"x": num(x + 8), "dy": "0" if i == 0 else num(CAPTION_LINE)}
        ).text = line
    return group


def _blip(
    blip: PlacedBlip,
    text: RadarText,
    *,
    marks: Marks,
    caption: tuple[float, float, float],
    around: str | None,
) -> ET.Element:
    m, status = blip.measure, blip.measure.status
    on = marks.active is None or m.slug in marks.active
    moved = marks.moved.get(m.slug) if on else None
    css = f"{'blip' if on else 'blip-off'} s-{status}" + (f" moved moved-{moved}" if moved else "")
    if on:
        name = blip_name(blip, text)
        element = ET.Element("a", {"href": text.measure_href(m.slug), "aria-label": name, "class": css})
        own = marks.title_languages.get(m.slug, marks.lang)
        if own != around:  # the title's language, where it is not that of the sector around it
            element.set("lang", str(own))
        ET.SubElement(element, "title").text = name
    else:
        element = ET.Element("g", {"class": css, "aria-hidden": "true"})
    ET.SubElement(
        element, "circle", {"cx": num(blip.x), "cy": num(blip.y), "r": num(TARGET / 2 + 0.5), "class": "halo"}
    )
    if moved:
        ET.SubElement(
            element,
            "circle",
            {"cx": num(blip.x), "cy": num(blip.y), "r": num(TARGET / 2), "class": "moved-mark"},
        )
    element.append(shape(status, x=blip.x, y=blip.y))
    number = ET.SubElement(element, "text", {"x": num(blip.x), "y": num(blip.y + 4.3), "class": "blip-no"})
    number.text = str(blip.number)
    if on:
        x, y, width = caption
        words = blip_name(blip, text) + (f" – {text.moved_label(moved)}" if moved else "")
        element.append(_caption(wrap(words, int((width - 16) / CAPTION_CHAR))[:3], x=x, y=y, width=width))
    return element


def render_radar(radar: Radar, text: RadarText, *, marks: Marks | None = None) -> str:
    """The radar as an <svg> element (a string safe to embed in HTML)."""
    marks = marks or Marks()
    whole, key = radar.span == FULL, marks.key
    caption_h = 3 * CAPTION_LINE + 8
    if whole:
        half = radar.radius + FIELD_BAND + (AREA_BAND[1] if radar.core_areas else 0) + 4
        top, width, height = -half - caption_h - 6, 2 * half, 2 * half + caption_h + 6
        caption = (-half, top, 2 * half)
    else:
        half = radar.radius + 4
        top, width, height = -half, 2 * half, half + caption_h + 10
        caption = (-half, 8.0, 2 * half)
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": "radar" if whole else "radar-field",
            "viewBox": f"{num(-width / 2)} {num(top)} {num(width)} {num(height)}",
            "width": num(width),
            "height": num(height),
            "role": "group",
            "aria-labelledby": f"{key}-title",
            "aria-describedby": f"{key}-desc",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{key}-title"}).text = text.title
    ET.SubElement(svg, "desc", {"id": f"{key}-desc"}).text = text.description
    svg.append(backdrop(radar, text, key=key))
    if whole and radar.core_areas:
        svg.append(core_area_bands(radar, key))
    by_field: dict[str, list[PlacedBlip]] = {}
    for blip in radar.blips:
        by_field.setdefault(blip.measure.field, []).append(blip)
    for i, s in enumerate(radar.sectors):
        group = ET.SubElement(svg, "g", {"class": "sector", "role": "group", "aria-label": s.field.name})
        around = marks.name_languages.get(s.field.slug, marks.lang)
        if around != marks.lang:  # the field's name (and so the group's) is not in the page's language
            group.set("lang", str(around))
        if whole:
            group.append(field_label(s, radar, text=text, key=key, index=i))
        blips = by_field.get(s.field.slug, [])
        group.extend(_blip(b, text, marks=marks, caption=caption, around=around) for b in blips)
    return ET.tostring(svg, encoding="unicode", short_empty_elements=True)
