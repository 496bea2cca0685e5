"""Where everything on the radar goes: one sector per field (grouped by core area), one ring per
status, one numbered blip per measure.

Placement is pure arithmetic on the sorted input, so the same catalog gives the same picture
on every reload; filters only dim blips, so sectors keep their angles. Each ring is made of rows
of blip slots SPACING apart; the first row of a ring keeps room for the ring's label, which
reads along the ring from the start of the span, so labels sit inside their rings.

Rings from the centre outwards (RING_ORDER): Geplant, In Umsetzung, Abgeschlossen, the way a
measure moves; Eingestellt and unbekannt follow in a band of their own, set apart by a gap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from radar_gateway.web.radar_slots import pick_rows, spread

RING_ORDER = ("geplant", "in_umsetzung", "abgeschlossen", "eingestellt", "unbekannt")
APART = ("eingestellt", "unbekannt")  # not steps on the way: drawn in a band outside the others
TARGET = 24.0  # a blip's target: at least 24 x 24 CSS px at scale 1
SPACING = 27.0  # distance between blip centres; also the height of a row of slots
HUB = 24.0  # radius of the empty centre
APART_GAP = 10.0
LABEL_FONT = 13.0
LABEL_CHAR = 0.68 * LABEL_FONT  # the width of an average character of a ring label, generously
FULL = (0.0, 2 * math.pi)
HALF = (-math.pi / 2, math.pi / 2)  # a field alone: the upper half of a circle


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
    label_length: float = 0.0  # along the first row, from the start of the span

    @property
    def label_radius(self) -> float:
        return self.inner + SPACING / 2


@dataclass(frozen=True)
class PlacedBlip:
    measure: MeasureSpec
    x: float
    y: float
    number: int = 0


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
    span: tuple[float, float] = FULL

    @property
    def radius(self) -> float:
        return self.rings[-1].outer


def point(r: float, angle: float) -> tuple[float, float]:
    return r * math.sin(angle), -r * math.cos(angle)


def ring_of(status: str) -> str:
    return status if status in RING_ORDER else "unbekannt"


def label_length(text: str) -> float:
    """How much room a ring label takes along its ring, with a little air on both sides."""
    return len(text) * LABEL_CHAR + 8


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


def _sectors(
    ordered: Sequence[FieldSpec], counts: Mapping[str, int], span: tuple[float, float]
) -> list[Sector]:
    weights = [4 + counts.get(f.slug, 0) for f in ordered]  # an empty field still gets some room
    total = sum(weights)
    sectors, start = [], span[0]
    for f, w in zip(ordered, weights, strict=True):
        end = start + (span[1] - span[0]) * w / total
        sectors.append(Sector(field=f, start=start, end=end))
        start = end
    return sectors


def _row_slots(sector: Sector, radius: float, *, label_until: float) -> list[tuple[float, float]]:
    """Slots on one row of one sector, spaced SPACING apart and from the sector's edges and label."""
    half = SPACING / 2
    if radius <= half:
        return []
    margin = math.asin(half / radius)
    start = max(sector.start + margin, label_until + margin)
    step = 2 * math.asin(min(1.0, SPACING / (2 * radius)))
    span = sector.end - margin - start
    if span < 0:
        return []
    count = int(span / step + 1e-9) + 1
    gap = span / (count - 1) if count > 1 else 0.0
    first = start + (0.0 if count > 1 else span / 2)
    return [point(radius, first + i * gap) for i in range(count)]


def layout_radar(
    *,
    fields: Sequence[FieldSpec],
    measures: Sequence[MeasureSpec],
    core_areas: Sequence[CoreAreaSpec] = (),
    ring_label: Callable[[str], str] = lambda status: status,
    span: tuple[float, float] = FULL,
    min_rows: int = 2,
    numbers: Mapping[str, int] | None = None,
) -> Radar:
    """Place every measure: its field gives the sector, its status the ring; number them all.

    Numbers run by sector, ring and title unless `numbers` gives them (a field drawn alone keeps
    the numbers of the whole radar).
    """
    ordered = order_sectors(fields, core_areas, measures)
    counts: dict[str, int] = {}
    for m in measures:
        counts[m.field] = counts.get(m.field, 0) + 1
    sectors = _sectors(ordered, counts, span)
    cells: dict[tuple[str, str], list[MeasureSpec]] = {}
    for m in sorted(measures, key=lambda m: (m.title.casefold(), m.slug)):
        cells.setdefault((m.field, ring_of(m.status)), []).append(m)

    rings: list[Ring] = []
    placed: dict[str, tuple[float, float]] = {}
    inner = HUB
    for status in RING_ORDER:
        inner += APART_GAP if status == APART[0] else 0.0
        length = label_length(ring_label(status))
        rows: dict[str, list[list[tuple[float, float]]]] = {s.field.slug: [] for s in sectors}
        row_count, least = 0, 1 if status in APART else min_rows
        while True:
            radius = inner + SPACING / 2 + row_count * SPACING
            until = span[0] + length / radius if row_count == 0 else -math.inf
            for s in sectors:
                rows[s.field.slug].append(_row_slots(s, radius, label_until=until))
            row_count += 1
            if row_count >= least and all(
                sum(len(r) for r in rows[s.field.slug]) >= len(cells.get((s.field.slug, status), []))
                for s in sectors
            ):
                break
        rings.append(Ring(status=status, inner=inner, outer=inner + row_count * SPACING, label_length=length))
        for s in sectors:
            members = cells.get((s.field.slug, status), [])
            if members:
                slots = spread(pick_rows(rows[s.field.slug], len(members)), len(members))
                placed.update({m.slug: xy for m, xy in zip(members, slots, strict=True)})
        inner = rings[-1].outer
    rank = {s.field.slug: i for i, s in enumerate(sectors)}
    in_order = sorted(
        measures,
        key=lambda m: (rank[m.field], RING_ORDER.index(ring_of(m.status)), m.title.casefold(), m.slug),
    )
    blips = [
        PlacedBlip(
            m,
            round(placed[m.slug][0], 1),
            round(placed[m.slug][1], 1),
            numbers.get(m.slug, 0) if numbers else i,
        )
        for i, m in enumerate(in_order, start=1)
    ]
    return Radar(sectors, rings, blips, _core_area_arcs(sectors, core_areas), span)


def _core_area_arcs(sectors: Sequence[Sector], core_areas: Sequence[CoreAreaSpec]) -> list[CoreAreaArc]:
    by_slug = {a.slug: a for a in core_areas}
    arcs = []
    for slug, group in groupby(sectors, key=lambda s: s.field.core_area):
        members = list(group)
        if slug is not None:
            area = by_slug.get(slug, CoreAreaSpec(slug=slug, name=slug))
            arcs.append(CoreAreaArc(core_area=area, start=members[0].start, end=members[-1].end))
    return arcs
