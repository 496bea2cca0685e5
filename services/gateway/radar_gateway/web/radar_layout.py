"""Where everything on the radar goes: one sector per field (grouped by core area), one ring per
status, one blip per measure.

Placement is pure arithmetic on the sorted input, so the same catalog gives the same picture
on every reload. Each ring is made of rows of blip slots; a ring gets as many rows as its
busiest sector needs, and a sector's slots keep a blip's spacing from each other, from the
sector's edges and from the ring labels, so no two blips can overlap.

Rings from the centre outwards (RING_ORDER): In Umsetzung, Geplant, Abgeschlossen,
Eingestellt, unbekannt: what is being worked on now sits in the middle of the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

RING_ORDER = ("in_umsetzung", "geplant", "abgeschlossen", "eingestellt", "unbekannt")
SPACING = 24.0  # distance between blip centres; also the height of a row of slots
HUB = 28.0  # radius of the empty centre
RING_LABEL_HEIGHT = 15.0
MIN_ROWS = 2  # per ring: a small catalog still gets a radar large enough to read


@dataclass(frozen=True)
class FieldSpec:
    slug: str
    name: str
    position: int = 0
    core_area: str | None = None  # slug of its core area


@dataclass(frozen=True)
class CoreAreaSpec:
    slug: str
    name: str
    position: int = 0


@dataclass(frozen=True)
class MeasureSpec:
    slug: str
    title: str
    field: str
    status: str


@dataclass(frozen=True)
class Sector:
    field: FieldSpec
    start: float  # radians, clockwise from 12 o'clock
    end: float


@dataclass(frozen=True)
class Ring:
    status: str
    inner: float
    outer: float


@dataclass(frozen=True)
class PlacedBlip:
    measure: MeasureSpec
    x: float
    y: float


@dataclass(frozen=True)
class CoreAreaArc:
    core_area: CoreAreaSpec
    start: float
    end: float


@dataclass
class Radar:
    sectors: list[Sector]
    rings: list[Ring]
    blips: list[PlacedBlip]
    core_areas: list[CoreAreaArc] = field(default_factory=list)

    @property
    def radius(self) -> float:
        return self.rings[-1].outer


def point(r: float, angle: float) -> tuple[float, float]:
    return r * math.sin(angle), -r * math.cos(angle)


def ring_of(status: str) -> str:
    return status if status in RING_ORDER else "unbekannt"


def order_sectors(
    fields: Sequence[FieldSpec], core_areas: Sequence[CoreAreaSpec], measures: Sequence[MeasureSpec]
) -> list[FieldSpec]:
    """Fields grouped by core area (in the core areas' order), each group in field order.

    A measure whose field is not among the fields still gets a sector of its own.
    """
    known = {f.slug for f in fields}
    extra = sorted({m.field for m in measures} - known)
    every = list(fields) + [FieldSpec(slug=s, name=s, position=10**6) for s in extra]
    area_rank = {a.slug: (a.position, a.slug) for a in core_areas}

    def key(f: FieldSpec) -> tuple[int, tuple[int, str], int, str]:
        if f.core_area is None:
            return (1, (0, ""), f.position, f.slug)
        return (0, area_rank.get(f.core_area, (10**6, f.core_area)), f.position, f.slug)

    return sorted(every, key=key)


def _sectors(ordered: Sequence[FieldSpec], counts: Mapping[str, int]) -> list[Sector]:
    weights = [4 + counts.get(f.slug, 0) for f in ordered]  # an empty field still gets some room
    total = sum(weights)
    sectors, start = [], 0.0
    for f, w in zip(ordered, weights, strict=True):
        end = start + 2 * math.pi * w / total
        sectors.append(Sector(field=f, start=start, end=end))
        start = end
    return sectors


@dataclass(frozen=True)
class LabelBox:
    x0: float
    y0: float
    x1: float
    y1: float

    def near(self, x: float, y: float, margin: float) -> bool:
        dx = max(self.x0 - x, 0.0, x - self.x1)
        dy = max(self.y0 - y, 0.0, y - self.y1)
        return math.hypot(dx, dy) < margin


def ring_label_box(status_label: str, inner: float) -> LabelBox:
    """Where a ring's label sits: centred at 12 o'clock, just outside the ring's inner edge."""
    half = 3.4 * len(status_label) + 6
    return LabelBox(-half, -inner - RING_LABEL_HEIGHT - 2, half, -inner + 1)


def _row_slots(sector: Sector, radius: float, keep_out: LabelBox) -> list[tuple[float, float]]:
    """Slots on one row of one sector, spaced SPACING apart and from the sector's edges."""
    half = SPACING / 2
    if radius <= half:
        return []
    margin = math.asin(half / radius)
    step = 2 * math.asin(min(1.0, SPACING / (2 * radius)))
    span = sector.end - sector.start - 2 * margin
    if span < 0:
        return []
    count = int(span / step + 1e-9) + 1
    gap = span / (count - 1) if count > 1 else 0.0
    first = sector.start + margin + (0.0 if count > 1 else span / 2)
    slots = [point(radius, first + i * gap) for i in range(count)]
    return [(x, y) for x, y in slots if not keep_out.near(x, y, half)]


def _pick_rows(rows: list[list[tuple[float, float]]], need: int) -> list[list[tuple[float, float]]]:
    """The fewest neighbouring rows that hold `need` blips, as near the ring's middle as possible."""
    for width in range(1, len(rows) + 1):
        centre = (len(rows) - width) // 2
        starts = sorted(range(len(rows) - width + 1), key=lambda s: (abs(s - centre), s))
        for s in starts:
            window = rows[s : s + width]
            if sum(len(r) for r in window) >= need:
                return window
    raise ValueError("the ring has too few slots")  # cannot happen: rings grow until they fit


def _spread(window: list[list[tuple[float, float]]], need: int) -> list[tuple[float, float]]:
    """`need` slots from the window, spread evenly along each row rather than packed to one side."""
    total = sum(len(r) for r in window)
    chosen: list[tuple[float, float]] = []
    left, left_slots = need, total
    for row in window:
        take = min(len(row), math.ceil(left * len(row) / left_slots)) if left_slots else 0
        take = min(take, left)
        if take:
            chosen += [
                row[round(i * (len(row) - 1) / (take - 1)) if take > 1 else len(row) // 2]
                for i in range(take)
            ]
        left -= take
        left_slots -= len(row)
    return chosen


def layout_radar(
    *,
    fields: Sequence[FieldSpec],
    measures: Sequence[MeasureSpec],
    core_areas: Sequence[CoreAreaSpec] = (),
    ring_label: Callable[[str], str] = lambda status: status,
) -> Radar:
    """Place every measure: its field gives the sector, its status the ring."""
    ordered = order_sectors(fields, core_areas, measures)
    counts: dict[str, int] = {}
    for m in measures:
        counts[m.field] = counts.get(m.field, 0) + 1
    sectors = _sectors(ordered, counts)
    cells: dict[tuple[str, str], list[MeasureSpec]] = {}
    for m in sorted(measures, key=lambda m: (m.title.casefold(), m.slug)):
        cells.setdefault((m.field, ring_of(m.status)), []).append(m)

    rings: list[Ring] = []
    blips: list[PlacedBlip] = []
    inner = HUB
    for status in RING_ORDER:
        keep_out = ring_label_box(ring_label(status), inner)
        rows: dict[str, list[list[tuple[float, float]]]] = {s.field.slug: [] for s in sectors}
        row_count = 0
        while True:
            radius = inner + SPACING / 2 + row_count * SPACING
            for s in sectors:
                rows[s.field.slug].append(_row_slots(s, radius, keep_out))
            row_count += 1
            if row_count >= MIN_ROWS and all(
                sum(len(r) for r in rows[s.field.slug]) >= len(cells.get((s.field.slug, status), []))
                for s in sectors
            ):
                break
        rings.append(Ring(status=status, inner=inner, outer=inner + row_count * SPACING))
        for s in sectors:
            members = cells.get((s.field.slug, status), [])
            if members:
                slots = _spread(_pick_rows(rows[s.field.slug], len(members)), len(members))
                blips += [
                    PlacedBlip(m, round(x, 1), round(y, 1)) for m, (x, y) in zip(members, slots, strict=True)
                ]
        inner = rings[-1].outer
    return Radar(sectors=sectors, rings=rings, blips=blips, core_areas=_core_area_arcs(sectors, core_areas))


def _core_area_arcs(sectors: Sequence[Sector], core_areas: Sequence[CoreAreaSpec]) -> list[CoreAreaArc]:
    by_slug = {a.slug: a for a in core_areas}
    arcs = []
    for slug, group in groupby(sectors, key=lambda s: s.field.core_area):
        members = list(group)
        if slug is not None:
            area = by_slug.get(slug, CoreAreaSpec(slug=slug, name=slug))
            arcs.append(CoreAreaArc(core_area=area, start=members[0].start, end=members[-1].end))
    return arcs
