"""The radar page's drawings: the whole radar, one half radar per field, and their numbered legend."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from markupsafe import Markup

from radar_gateway.web.i18n import Translate
from radar_gateway.web.radar_layout import (
    HALF,
    RING_ORDER,
    CoreAreaSpec,
    FieldSpec,
    MeasureSpec,
    layout_radar,
)
from radar_gateway.web.radar_moves import RECENT, changed_at, moved_marks
from radar_gateway.web.radar_svg import Marks, RadarText, render_radar
from radar_gateway.web.render import DATA_LANGUAGE
from radar_gateway.web.services import call

CHANGE_PAGES = 5  # at most this many pages of 100 changes are read for the moved marks


@dataclass(frozen=True)
class LegendEntry:
    number: int
    slug: str
    title: str
    status: str
    moved: str | None
    languages: Mapping[str, str]  # the title's language as the catalog names it (read in another than German)
    href: str  # the measure's page; of a group of measures, the list of them


@dataclass(frozen=True)
class FieldView:
    field: Mapping[str, Any]
    entries: list[LegendEntry]
    svg: Markup


@dataclass(frozen=True)
class RadarView:
    svg: Markup
    fields: list[FieldView]


async def recent_changes(request: Request, *, since: datetime) -> list[dict[str, Any]]:
    """The catalog's changes since `since`, newest first (bounded: CHANGE_PAGES pages)."""
    found: list[dict[str, Any]] = []
    for number in range(1, CHANGE_PAGES + 1):
        answer = await call(request, "catalog", "/changes", query={"page": number, "per_page": 100})
        found += answer["items"]
        if not answer["items"] or changed_at(answer["items"][-1]) < since or len(found) >= answer["total"]:
            break
    return found


async def moved_recently(request: Request, measures: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """ "in" or "out" for each measure whose ring changed in the last 90 days."""
    since = datetime.now(UTC) - RECENT
    changes = await recent_changes(request, since=since)
    return moved_marks(changes, current={m["slug"]: m["status"] for m in measures}, since=since)


def language_of(item: Mapping[str, Any], name: str) -> str:
    """The language a catalog text is in: as the catalog names it, else the one it was written in."""
    return str((item.get("languages") or {}).get(name, DATA_LANGUAGE))


def field_spec(f: Mapping[str, Any]) -> FieldSpec:
    """A field as the layout takes it."""
    return FieldSpec(
        slug=f["slug"], name=f["name"], position=int(f.get("position") or 0), core_area=f.get("core_area")
    )


def area_spec(a: Mapping[str, Any]) -> CoreAreaSpec:
    """A core area as the layout takes it."""
    return CoreAreaSpec(slug=a["slug"], name=a["name"], position=int(a.get("position") or 0))


def measure_spec(m: Mapping[str, Any]) -> MeasureSpec:
    """A measure as the layout takes it."""
    return MeasureSpec(slug=m["slug"], title=m["title"], field=m["field"]["slug"], status=m["status"])


def measure_groups(
    cells: Sequence[Mapping[str, Any]], *, t: Translate, href: Callable[[str, str], str]
) -> list[dict[str, Any]]:
    """What a radar with too many measures for a blip each draws: one blip per field and status, named
    by how many measures it stands for, leading to `href(field, status)` (their list)."""
    return [
        {
            "slug": f"gruppe-{c['field']}-{c['status']}",
            "title": t("radar.group_title", n=c["measures"]),
            "field": {"slug": c["field"]},
            "status": c["status"],
            "href": href(c["field"], c["status"]),
        }
        for c in cells
    ]


def radar_view(
    *,
    fields: Sequence[Mapping[str, Any]],
    core_areas: Sequence[Mapping[str, Any]],
    everything: Sequence[Mapping[str, Any]],
    shown: Sequence[Mapping[str, Any]] | None,
    moved: Mapping[str, str],
    t: Translate,
    lang: str = DATA_LANGUAGE,
    total: int | None = None,
) -> RadarView:
    """Every measure placed (so filters keep the angles); those not `shown` dimmed (None: all shown).

    `everything` may be groups of measures (measure_groups), each with its `href`, standing for
    `total` measures. Field names and measure titles not in the page's language `lang` carry their own.
    """
    label = {status: t(f"status.{status}") for status in RING_ORDER}
    specs = [measure_spec(m) for m in everything]
    layout = layout_radar(
        fields=[field_spec(f) for f in fields],
        core_areas=[area_spec(a) for a in core_areas],
        measures=specs,
        ring_label=label.__getitem__,
    )
    active = None if shown is None else {m["slug"] for m in shown}
    numbers = {b.measure.slug: b.number for b in layout.blips}
    by_measure = {m["slug"]: m for m in everything}
    hrefs = {slug: str(m.get("href") or f"/massnahmen/{slug}") for slug, m in by_measure.items()}
    titles = {m["slug"]: language_of(m, "title") for m in everything}
    names = {f["slug"]: language_of(f, "name") for f in fields}

    def marks(key: str) -> Marks:
        return Marks(
            key=key, active=active, moved=moved, lang=lang, title_languages=titles, name_languages=names
        )

    def text(title: str, description: str) -> RadarText:
        return RadarText(
            title=title,
            description=description,
            status_label=lambda status: label.get(status, label["unbekannt"]),
            measure_href=hrefs.__getitem__,
            field_href=lambda slug: f"/felder/{slug}",
            moved_label=lambda direction: t(f"radar.moved.{direction}"),
        )

    rings = ", ".join(label[s] for s in RING_ORDER)
    n = total if total is not None else len(shown if shown is not None else everything)
    whole = text(t("radar.svg_title"), t("radar.svg_desc", n=n, fields=len(layout.sectors), rings=rings))
    svg = render_radar(layout, whole, marks=marks("radar"))
    by_slug = {f["slug"]: f for f in fields}
    views = []
    for sector in layout.sectors:
        spec = sector.field
        members = [m for m in specs if m.field == spec.slug]
        part = layout_radar(
            fields=[spec],
            measures=members,
            ring_label=label.__getitem__,
            span=HALF,
            min_rows=1,
            numbers=numbers,
        )
        title = t("radar.field_svg_title", name=spec.name)
        drawn = render_radar(
            part,
            text(title, t("radar.field_svg_desc", rings=rings)),
            marks=marks(f"rf-{spec.slug}"),
        )
        entries = [
            LegendEntry(
                number=b.number,
                slug=b.measure.slug,
                title=b.measure.title,
                status=b.measure.status,
                moved=moved.get(b.measure.slug),
                languages=by_measure[b.measure.slug].get("languages") or {},
                href=hrefs[b.measure.slug],
            )
            for b in sorted(layout.blips, key=lambda b: b.number)
            if b.measure.field == spec.slug and (active is None or b.measure.slug in active)
        ]
        shown_field = by_slug.get(spec.slug, {"slug": spec.slug, "name": spec.name})
        views.append(FieldView(field=shown_field, entries=entries, svg=Markup(drawn)))  # noqa: S704 - escaped
    return RadarView(svg=Markup(svg), fields=views)  # noqa: S704 - ElementTree escaped every text
