"""The radar's backdrop: rings with their labels, sector edges, field names and core-area bands."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from radar_gateway.web.radar_layout import APART, FULL, Radar, Sector, point

FIELD_LINES = 3
FIELD_BAND = 52.0  # room for FIELD_LINES lines of field names outside the rim
AREA_BAND = (6.0, 24.0)  # the core-area band, as distances outside the field names
LINE = 15.0
CHAR = 7.8  # an average character at 13 px


@dataclass(frozen=True)
class RadarText:
    """What the SVG says, in the page's language."""

    title: str
    description: str
    status_label: Callable[[str], str]
    measure_href: Callable[[str], str]
    field_href: Callable[[str], str]
    moved_label: Callable[[str], str] = lambda direction: direction


def num(value: float) -> str:
    """A coordinate as the SVG writes it: one decimal at most."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def wrap(words: str, width: int) -> list[str]:
    """Words in lines of at most `width` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in words.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [words]


def _arc(r: float, start: float, end: float, *, reverse: bool = False) -> str:
    end = min(end, start + 2 * math.pi - 1e-3)
    a, b = (end, start) if reverse else (start, end)
    (x0, y0), (x1, y1) = point(r, a), point(r, b)
    large = 1 if end - start > math.pi else 0
    return f"M{num(x0)},{num(y0)} A{num(r)},{num(r)} 0 {large} {0 if reverse else 1} {num(x1)},{num(y1)}"


def _curved(parent: ET.Element, *, path_id: str, d: str, words: str, css: str, middle: bool = True) -> None:
    ET.SubElement(parent, "path", {"id": path_id, "d": d, "class": "text-path"})
    label = ET.SubElement(parent, "text", {"class": css})
    at = {"startOffset": "50%", "text-anchor": "middle"} if middle else {}
    ET.SubElement(label, "textPath", {"href": f"#{path_id}", **at}).text = words


def _band(inner: float, outer: float, *, start: float, end: float) -> str:
    (a, b), (c, d) = point(outer, start), point(outer, end)
    (e, f), (g, h) = point(inner, end), point(inner, start)
    outside = f"M{num(a)},{num(b)} A{num(outer)},{num(outer)} 0 0 1 {num(c)},{num(d)}"
    return f"{outside} L{num(e)},{num(f)} A{num(inner)},{num(inner)} 0 0 0 {num(g)},{num(h)} Z"


def backdrop(radar: Radar, text: RadarText, *, key: str) -> ET.Element:
    back = ET.Element("g", {"class": "backdrop", "aria-hidden": "true"})
    whole = radar.span == FULL
    for i, ring in reversed(list(enumerate(radar.rings))):
        css = f"ring {'ring-apart' if ring.status in APART else f'ring-{i % 2}'}"
        if whole:
            ET.SubElement(back, "circle", {"r": num(ring.outer), "class": css})
            ET.SubElement(back, "circle", {"r": num(ring.inner), "class": "ring-gap"})
        else:
            ET.SubElement(
                back,
                "path",
                {"d": _band(ring.inner, ring.outer, start=radar.span[0], end=radar.span[1]), "class": css},
            )
    if whole and len(radar.sectors) > 1:
        starts = {round(a.start, 6) for a in radar.core_areas}
        for s in radar.sectors:
            (x0, y0), (x1, y1) = point(radar.rings[0].inner, s.start), point(radar.radius, s.start)
            css = "edge area-edge" if round(s.start, 6) in starts else "edge"
            ET.SubElement(
                back, "line", {"x1": num(x0), "y1": num(y0), "x2": num(x1), "y2": num(y1), "class": css}
            )
    for i, ring in enumerate(radar.rings):
        r = ring.label_radius - 4.5
        start = radar.span[0] + 4 / r
        d = _arc(r, start, start + ring.label_length / r)
        _curved(
            back,
            path_id=f"{key}-ring-{i}",
            d=d,
            words=text.status_label(ring.status),
            css="ring-label",
            middle=False,
        )
    return back


def field_label(s: Sector, radar: Radar, *, text: RadarText, key: str, index: int) -> ET.Element:
    link = ET.Element("a", {"href": text.field_href(s.field.slug), "class": "field-label"})
    ET.SubElement(link, "title").text = s.field.name
    mid = (s.start + s.end) / 2
    lower = math.cos(mid) < 0  # text on the lower half runs the other way round, to stay upright
    rim = radar.radius + 6
    room = (s.end - s.start) * rim * 0.92
    width = max(3, int(room / CHAR))
    lines = wrap(s.field.name, width)
    if len(lines) > FIELD_LINES:
        rest = " ".join(lines[FIELD_LINES - 1 :])
        lines = [*lines[: FIELD_LINES - 1], rest[: width - 1].rstrip() + "…"]
    for k, line in enumerate(lines):
        r = rim + 10 + k * LINE if lower else rim + (len(lines) - 1 - k) * LINE
        d = _arc(r, s.start, s.end, reverse=lower)
        _curved(link, path_id=f"{key}-field-{index}-{k}", d=d, words=line, css="field-name")
    return link


def core_area_bands(radar: Radar, key: str) -> ET.Element:
    bands = ET.Element("g", {"class": "core-areas", "aria-hidden": "true"})
    base = radar.radius + FIELD_BAND
    inner, outer = base + AREA_BAND[0], base + AREA_BAND[1]
    for i, arc in enumerate(radar.core_areas):
        d = _arc((inner + outer) / 2, arc.start, arc.end)
        ET.SubElement(bands, "path", {"d": d, "class": f"area-band area-{i % 2}"})
        lower = math.cos((arc.start + arc.end) / 2) < 0
        baseline = outer - 5 if lower else inner + 5
        if len(arc.core_area.name) * 7.4 > baseline * (arc.end - arc.start) * 0.9:
            continue  # does not fit: the legend names it
        d = _arc(baseline, arc.start, arc.end, reverse=lower)
        _curved(bands, path_id=f"{key}-area-{i}", d=d, words=arc.core_area.name, css="area-label")
    return bands
