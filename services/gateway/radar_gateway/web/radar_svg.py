"""The radar drawn as inline SVG: every blip a focusable link with an accessible name.

The SVG carries no style attributes (the Content-Security-Policy forbids them): colours come
from classes in radar.css. Each status has its own shape as well as its own colour and ring.
ElementTree escapes every text and attribute value.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from radar_gateway.web.radar_layout import (
    SPACING,
    MeasureSpec,
    Radar,
    Sector,
    point,
    ring_label_box,
)

SVG_NS = "http://www.w3.org/2000/svg"
SHAPES = {  # one shape per status, so that colour is never the only carrier of the status
    "in_umsetzung": ("circle", {"r": "7.5"}),
    "geplant": ("path", {"d": "M0,-8.5 L8,6 L-8,6 Z"}),
    "abgeschlossen": ("rect", {"x": "-6.5", "y": "-6.5", "width": "13", "height": "13"}),
    "eingestellt": ("path", {"d": "M-7,-4 L-4,-7 L0,-3 L4,-7 L7,-4 L3,0 L7,4 L4,7 L0,3 L-4,7 L-7,4 L-3,0 Z"}),
    "unbekannt": ("path", {"d": "M0,-8.5 L8.5,0 L0,8.5 L-8.5,0 Z"}),
}
AREA_BAND = (6.0, 24.0)  # the core-area band, as distances outside the rim
LABEL_COLUMN = 56.0  # distance of the field-label columns from the rim
LABEL_LINE = 15.0
LABEL_CHARS = 22
LABEL_WIDTH = 175.0  # room kept for a field label's longest line


@dataclass(frozen=True)
class RadarText:
    """What the SVG says, in the page's language."""

    title: str
    description: str
    status_label: Callable[[str], str]
    measure_href: Callable[[str], str]
    field_href: Callable[[str], str]


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def blip_name(measure: MeasureSpec, text: RadarText) -> str:
    """The accessible name of a blip: the measure and its status."""
    return f"{measure.title} ({text.status_label(measure.status)})"


def shape(status: str, *, x: float, y: float, css: str = "") -> ET.Element:
    """The status's shape, centred on (x, y)."""
    tag, attrs = SHAPES.get(status, SHAPES["unbekannt"])
    element = ET.Element(tag, attrs)
    element.set("transform", f"translate({_n(x)} {_n(y)})")
    element.set("class", f"shape {css}".strip())
    return element


def status_symbol(status: str) -> str:
    """A small decorative SVG of a status's shape, for the legend and the list."""
    attrs = {"class": f"symbol s-{status}", "viewBox": "-10 -10 20 20", "width": "16", "height": "16"}
    svg = ET.Element("svg", {**attrs, "aria-hidden": "true", "focusable": "false"})
    svg.append(shape(status, x=0, y=0))
    return ET.tostring(svg, encoding="unicode")


def _wrap(name: str) -> list[str]:
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [name]


def _arc(r: float, start: float, end: float, *, reverse: bool) -> str:
    end = min(end, start + 2 * math.pi - 1e-3)
    a, b = (end, start) if reverse else (start, end)
    (x0, y0), (x1, y1) = point(r, a), point(r, b)
    large = 1 if end - start > math.pi else 0
    return f"M{_n(x0)},{_n(y0)} A{_n(r)},{_n(r)} 0 {large} {0 if reverse else 1} {_n(x1)},{_n(y1)}"


def _field_label_positions(radar: Radar) -> dict[str, tuple[float, float, list[str]]]:
    """Field labels in two columns beside the radar, pushed apart so that none overlap."""
    rim = radar.radius
    placed: dict[str, tuple[float, float, list[str]]] = {}
    for right in (True, False):
        column = []
        for s in radar.sectors:
            mid = (s.start + s.end) / 2
            if (math.sin(mid) >= 0) == right:
                column.append((-(rim + LABEL_COLUMN / 2) * math.cos(mid), s))
        column.sort(key=lambda item: (item[0], item[1].start))
        bottom = -math.inf
        for want, s in column:
            lines = _wrap(s.field.name)
            height = len(lines) * LABEL_LINE
            top = max(want - height / 2, bottom + 6)
            x = (rim + LABEL_COLUMN) * (1 if right else -1)
            placed[s.field.slug] = (x, top, lines)
            bottom = top + height
    return placed


def _field_group(
    s: Sector, radar: Radar, label: tuple[float, float, list[str]], text: RadarText
) -> ET.Element:
    group = ET.Element("g", {"class": "sector", "role": "group", "aria-label": s.field.name})
    x, top, lines = label
    link = ET.SubElement(group, "a", {"href": text.field_href(s.field.slug), "class": "field-label"})
    mid = (s.start + s.end) / 2
    (ax, ay), (bx, by) = point(radar.radius + 2, mid), point(radar.radius + LABEL_COLUMN / 2, mid)
    centre_y = top + len(lines) * LABEL_LINE / 2 - 4
    ET.SubElement(
        link,
        "polyline",
        {
            "class": "leader",
            "points": f"{_n(ax)},{_n(ay)} {_n(bx)},{_n(by)} {_n(x - 4 if x > 0 else x + 4)},{_n(centre_y)}",
        },
    )
    text_element = ET.SubElement(
        link, "text", {"x": _n(x), "y": _n(top + 11), "text-anchor": "start" if x > 0 else "end"}
    )
    for i, line in enumerate(lines):
        span = ET.SubElement(text_element, "tspan", {"x": _n(x), "dy": "0" if i == 0 else _n(LABEL_LINE)})
        span.text = line
    return group


def _backdrop(radar: Radar, text: RadarText) -> ET.Element:
    back = ET.Element("g", {"class": "backdrop", "aria-hidden": "true"})
    for i, ring in reversed(list(enumerate(radar.rings))):
        ET.SubElement(back, "circle", {"r": _n(ring.outer), "class": f"ring ring-{i % 2}"})
    ET.SubElement(back, "circle", {"r": _n(radar.rings[0].inner), "class": "hub"})
    area_starts = {round(a.start, 6) for a in radar.core_areas} | {
        round(a.end % (2 * math.pi), 6) for a in radar.core_areas
    }
    if len(radar.sectors) > 1:
        for s in radar.sectors:
            (x0, y0), (x1, y1) = point(radar.rings[0].inner, s.start), point(radar.radius, s.start)
            css = "edge area-edge" if round(s.start, 6) in area_starts else "edge"
            ET.SubElement(
                back, "line", {"x1": _n(x0), "y1": _n(y0), "x2": _n(x1), "y2": _n(y1), "class": css}
            )
    for ring in radar.rings:
        name = text.status_label(ring.status)
        box = ring_label_box(name, ring.inner)
        size = {"width": _n(box.x1 - box.x0), "height": _n(box.y1 - box.y0)}
        ET.SubElement(
            back, "rect", {"x": _n(box.x0), "y": _n(box.y0), **size, "rx": "3", "class": "ring-label-box"}
        )
        at = {"x": "0", "y": _n(box.y1 - 4), "text-anchor": "middle"}
        label = ET.SubElement(back, "text", {**at, "class": "ring-label"})
        label.text = name
    return back


def _core_area_bands(radar: Radar) -> ET.Element:
    bands = ET.Element("g", {"class": "core-areas", "aria-hidden": "true"})
    inner, outer = radar.radius + AREA_BAND[0], radar.radius + AREA_BAND[1]
    middle = (inner + outer) / 2
    for i, arc in enumerate(radar.core_areas):
        ET.SubElement(
            bands,
            "path",
            {"d": _arc(middle, arc.start, arc.end, reverse=False), "class": f"area-band area-{i % 2}"},
        )
        mid = (arc.start + arc.end) / 2
        lower = math.cos(mid) < 0  # text on the lower half runs the other way round, to stay upright
        baseline = outer - 5 if lower else inner + 5
        if len(arc.core_area.name) * 6.6 > baseline * (arc.end - arc.start) * 0.9:
            continue  # does not fit: the legend names it
        path_id = f"area-path-{i}"
        ET.SubElement(
            bands,
            "path",
            {"id": path_id, "d": _arc(baseline, arc.start, arc.end, reverse=lower), "class": "area-path"},
        )
        label = ET.SubElement(bands, "text", {"class": "area-label"})
        ET.SubElement(
            label, "textPath", {"href": f"#{path_id}", "startOffset": "50%", "text-anchor": "middle"}
        ).text = arc.core_area.name
    return bands


def render_radar(radar: Radar, text: RadarText) -> str:
    """The radar as an <svg> element (a string safe to embed in HTML)."""
    labels = _field_label_positions(radar)
    xs = [radar.radius + LABEL_COLUMN + LABEL_WIDTH, radar.radius + AREA_BAND[1] + 4]
    ys = [radar.radius + AREA_BAND[1] + 4]
    ys += [abs(top) for _, top, _ in labels.values()]
    ys += [top + len(lines) * LABEL_LINE for _, top, lines in labels.values()]
    half_w, half_h = max(xs) + 8, max(ys) + 8
    view_box = f"{_n(-half_w)} {_n(-half_h)} {_n(2 * half_w)} {_n(2 * half_h)}"
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": "radar",
            "viewBox": view_box,
            "role": "group",
            "aria-labelledby": "radar-title",
            "aria-describedby": "radar-desc",
        },
    )
    ET.SubElement(svg, "title", {"id": "radar-title"}).text = text.title
    ET.SubElement(svg, "desc", {"id": "radar-desc"}).text = text.description
    svg.append(_backdrop(radar, text))
    if radar.core_areas:
        svg.append(_core_area_bands(radar))
    by_field: dict[str, list[ET.Element]] = {}
    for blip in radar.blips:
        name = blip_name(blip.measure, text)
        link = ET.Element(
            "a",
            {
                "href": text.measure_href(blip.measure.slug),
                "aria-label": name,
                "class": f"blip s-{blip.measure.status}",
            },
        )
        ET.SubElement(link, "title").text = name
        ET.SubElement(
            link, "circle", {"cx": _n(blip.x), "cy": _n(blip.y), "r": _n(SPACING / 2 - 1), "class": "halo"}
        )
        link.append(shape(blip.measure.status, x=blip.x, y=blip.y))
        by_field.setdefault(blip.measure.field, []).append(link)
    for s in radar.sectors:
        group = _field_group(s, radar, labels[s.field.slug], text)
        group.extend(by_field.get(s.field.slug, []))
        svg.append(group)
    return ET.tostring(svg, encoding="unicode", short_empty_elements=True)
