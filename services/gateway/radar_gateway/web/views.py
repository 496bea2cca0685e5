"""From the services' JSON to what the templates show: the radar, groups, filters, history lines,
and the counts of comments and ratings on lists (fetched from participation, which may be away)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from radar_gateway.numbers import whole_number
from radar_gateway.web.i18n import Translate
from radar_gateway.web.radar_layout import (
    RING_ORDER,
    order_sectors,
    ring_of,
)
from radar_gateway.web.radar_view import area_spec, field_spec, measure_spec
from radar_gateway.web.render import Page
from radar_gateway.web.services import ServiceError, call, together

FILTER_NAMES = ("q", "field", "status", "lead", "principle", "year")


def read_filters(params: Mapping[str, str]) -> dict[str, str]:
    """The filters of the radar form, trimmed; a year that is no year is dropped."""
    chosen = {name: params.get(name, "").strip()[:200] for name in FILTER_NAMES}
    if chosen["year"] and not (whole_number(chosen["year"]) is not None and len(chosen["year"]) == 4):
        chosen["year"] = ""
    return chosen


def measure_order(m: Mapping[str, Any]) -> tuple[int, str, str]:
    """Measures in a list: by ring (as on the radar), then by title."""
    return (RING_ORDER.index(ring_of(m["status"])), str(m["title"]).casefold(), str(m["slug"]))


@dataclass(frozen=True)
class ListPage:
    """Which part of a list of `total` measures a page shows."""

    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return min(self.total, (self.number - 1) * self.size + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.size)


def with_page(href: str, number: int) -> str:
    """A page of a list: the address with `seite` (none for the first)."""
    if number == 1:
        return href
    return f"{href}{'&' if '?' in href else '?'}{urlencode({'seite': number})}"


@dataclass
class FieldGroup:
    field: Mapping[str, Any]
    measures: list[Mapping[str, Any]]


@dataclass
class AreaGroup:
    """Fields under a core area, or (core_area None) the fields that have none."""

    core_area: Mapping[str, Any] | None
    fields: list[FieldGroup] = field(default_factory=list)


def group_measures(
    fields: Sequence[Mapping[str, Any]],
    core_areas: Sequence[Mapping[str, Any]],
    measures: Sequence[Mapping[str, Any]],
) -> list[AreaGroup]:
    """The measures by field, the fields by core area, all in the radar's order."""
    specs = [field_spec(f) for f in fields]
    by_slug = {f["slug"]: f for f in fields}
    areas = {a["slug"]: a for a in core_areas}
    groups: list[AreaGroup] = []
    ordered = order_sectors(specs, [area_spec(a) for a in core_areas], [measure_spec(m) for m in measures])
    for spec in ordered:
        area = areas.get(spec.core_area) if spec.core_area else None
        if not groups or (groups[-1].core_area or {}).get("slug") != (area or {}).get("slug"):
            groups.append(
                AreaGroup(
                    core_area=area
                    or ({"slug": spec.core_area, "name": spec.core_area} if spec.core_area else None)
                )
            )
        shown = by_slug.get(spec.slug, {"slug": spec.slug, "name": spec.name})
        members = sorted((m for m in measures if m["field"]["slug"] == spec.slug), key=measure_order)
        groups[-1].fields.append(FieldGroup(field=shown, measures=members))
    return groups


def period(m: Mapping[str, Any], t: Translate) -> str:
    """Start year to end year, with "unbekannt" for what is not known."""
    start, end = m.get("start_year"), m.get("end_year")
    if start is None and end is None:
        return t("unknown")
    return f"{start or t('unknown')}–{end or t('unknown')}"


def describe_value(name: str, value: Any, *, t: Translate, names: Mapping[str, str]) -> str:
    """An old or new value in a change history, readable."""
    if value is None or value == "":
        return t("unknown")
    if name == "status":
        return t(f"status.{value}")
    if isinstance(value, list):
        if not value:
            return t("none")
        return ", ".join(
            str(v.get("title", v)) if isinstance(v, Mapping) else names.get(str(v), str(v)) for v in value
        )
    if name == "progress":
        return t("measure.progress_text", n=value)
    return names.get(str(value), str(value))


def history_lines(
    change: Mapping[str, Any], *, t: Translate, names: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """(attribute, old, new) for each attribute a version changed, in the page's language."""
    return [
        (
            t(f"form.{c['field']}"),
            describe_value(c["field"], c.get("old"), t=t, names=names),
            describe_value(c["field"], c.get("new"), t=t, names=names),
        )
        for c in change.get("changes", [])
    ]


# --- published comments and ratings per measure, on lists ----------------------------------

COUNT_REFS_PER_CALL = 100  # what participation's GET /counts takes at once
COUNT_CHARS_PER_CALL = 300
# beyond this many batches one call for every measure is cheaper: with a few dozen measures; at
# 10,000 the answer for every measure is 1 MB of JSON (30-40 ms to decode), a page of 100 listed
# measures takes about 15 batches of 300 characters, answered at once in a few milliseconds
COUNT_CALLS_AT_MOST = 25


def count_batches(slugs: Sequence[str]) -> list[list[str]]:
    """The slugs, each once, in groups that fit one GET /counts (100 refs, 300 characters)."""
    batches: list[list[str]] = []
    length = 0
    for slug in dict.fromkeys(slugs):
        fits = length + 1 + len(slug) <= COUNT_CHARS_PER_CALL
        if batches and fits and len(batches[-1]) < COUNT_REFS_PER_CALL:
            batches[-1].append(slug)
            length += 1 + len(slug)
        else:
            batches.append([slug])
            length = len(slug)
    return batches


def decimal(value: float, lang: str) -> str:
    """A number with one decimal, written as the language writes it."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "de" else text


def count_line(item: Mapping[str, Any], *, t: Translate, lang: str) -> str:
    """The line under a measure in a list: "3 Kommentare · 2 Bewertungen, im Mittel 4,5 von 5 Sternen"."""
    line = f"{t('counts.comments', n=item['comments'])} · {t('counts.ratings', n=item['ratings'])}"
    if item["ratings"] and item.get("mean") is not None:
        line += ", " + t("counts.mean", mean=decimal(float(item["mean"]), lang))
    return line


async def participation_counts(page: Page, slugs: Sequence[str]) -> dict[str, str]:
    """A count line per measure slug; empty when participation cannot say (the page shows none)."""
    batches = count_batches(slugs)
    if not batches:
        return {}
    many = len(batches) > COUNT_CALLS_AT_MOST
    queries: list[dict[str, str | int | list[str] | None]] = (
        [{}] if many else [{"measures": ",".join(batch)} for batch in batches]
    )
    try:
        answers = await together(*(call(page.request, "participation", "/counts", query=q) for q in queries))
    except ServiceError:
        page.degraded = True
        return {}
    wanted = set(slugs)
    return {
        item["slug"]: count_line(item, t=page.t, lang=page.lang)
        for answer in answers
        for item in answer["items"]
        if item["slug"] in wanted
    }
