"""The JSON shapes of the catalog's answers, built from stored rows."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.domain.languages import in_language
from radar_catalog.domain.vocabulary import STATUS_LABELS, STATUSES
from radar_catalog.store import fields as field_store
from radar_catalog.store import structure

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool


def named(item: Mapping[str, Any], *, lang: str, text: str = "name") -> dict[str, Any]:
    """A nested reference {slug, name} (or {slug, title}) in the language asked for, with its language."""
    return {"slug": item["slug"], **in_language(item, (text,), lang=lang)}


def edition_ref(row: Mapping[str, Any], *, lang: str) -> dict[str, Any]:
    """The edition a row belongs to, briefly: {slug, name, year, current, languages}."""
    edition = {"name": row["edition_name"], "translations": row["edition_translations"]}
    return {
        "slug": row["edition"],
        **in_language(edition, ("name",), lang=lang),
        "year": row["edition_year"],
        "current": row["edition_current"],
    }


def edition_view(row: asyncpg.Record, *, lang: str) -> dict[str, Any]:
    """An edition of the strategy with how much it holds."""
    texts = in_language(row, ("name", "introduction"), lang=lang)
    return {
        "slug": row["slug"],
        "name": texts.pop("name"),
        "year": row["year"],
        "current": row["is_current"],
        "position": row["position"],
        "introduction": texts.pop("introduction"),
        **texts,
        "core_area_count": row["core_area_count"],
        "field_count": row["field_count"],
        "measure_count": row["measure_count"],
        "adopted_by": json.loads(row["adopted_by"]) if row["adopted_by"] else None,  # a council decision
        "updated_at": row["updated_at"].isoformat(),
    }


def _placement(placed: dict[str, Any], *, lang: str) -> dict[str, Any]:
    area = placed["core_area"]
    return {
        "edition": placed["edition"],
        "field": named(placed["field"], lang=lang),
        "core_area": named(area, lang=lang) if area else None,
    }


def measure_view(row: asyncpg.Record, *, lang: str) -> dict[str, Any]:
    """A measure as the API shows it, with the names of what it refers to, in its field of one edition;
    `languages` (here and in every reference) names the language of each text."""
    texts = in_language(row, ("title", "summary", "description"), lang=lang)
    field = {"slug": row["field_slug"], "name": row["field_name"], "translations": row["field_translations"]}
    return {
        "id": str(row["measure_id"]),
        "slug": row["slug"],
        **texts,
        "field": named(field, lang=lang),
        "edition": edition_ref(row, lang=lang),
        "placements": [_placement(p, lang=lang) for p in json.loads(row["placement_list"])],
        "goals": [named(g, lang=lang, text="title") for g in json.loads(row["goal_list"])],
        "status": row["status"],
        "status_label": STATUS_LABELS[row["status"]],
        "start_year": row["start_year"],
        "end_year": row["end_year"],
        "progress": row["progress"],
        "lead": {"code": row["lead_code"], "name": row["lead_name"]} if row["lead_code"] else None,
        "principles": [named(p, lang=lang) for p in json.loads(row["principle_list"])],
        "links": json.loads(row["links"]),
        "unsure": list(row["unsure"]),
        "archived": row["archived"],
        "version": row["version"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def topic_view(row: asyncpg.Record, *, lang: str) -> dict[str, Any]:
    """A part of the strategy or a vocabulary entry that a search query names."""
    return {
        "kind": row["kind"],
        **named(row, lang=lang),
        "edition": row["edition"],
        "field": row["field_slug"],
        "measure_count": row["measure_count"],
    }


def change_view(row: asyncpg.Record, *, lang: str, with_measure: bool = False) -> dict[str, Any]:
    """One version in a measure's history."""
    view: dict[str, Any] = {
        "version": row["version"],
        "kind": row["kind"],
        "changes": json.loads(row["changes"]),
        "change_note": row["change_note"],
        "changed_by": row["changed_by"],
        "changed_at": row["changed_at"].isoformat(),
    }
    if with_measure:
        view["measure"] = {"id": str(row["measure_id"]), **named(row, lang=lang, text="title")}
    return view


def _presentation(item: dict[str, Any], *, lang: str) -> dict[str, Any]:
    texts = in_language(item, ("name", "introduction"), lang=lang)
    return {
        "slug": item["slug"],
        "name": texts.pop("name"),
        "position": item["position"],
        "edition": edition_ref(item, lang=lang),
        "introduction": texts.pop("introduction"),
        **texts,
        "quote": item["quote"],
        "media": item["media"],
        "unknown": list(item["unknown"]),
        "version": item["version"],
        "updated_at": item["updated_at"].isoformat(),
    }


def brief_measure_view(row: asyncpg.Record, *, lang: str) -> dict[str, Any]:
    """A measure as a field's overview lists it."""
    return {
        "id": str(row["measure_id"]),
        "slug": row["slug"],
        **in_language(row, ("title", "summary"), lang=lang),
        "status": row["status"],
        "status_label": STATUS_LABELS[row["status"]],
        "start_year": row["start_year"],
        "end_year": row["end_year"],
        "progress": row["progress"],
        "lead": {"code": row["lead_code"], "name": row["lead_name"]} if row["lead_code"] else None,
    }


def status_counts(per_status: Mapping[str, int]) -> list[dict[str, Any]]:
    """How many measures there are of each status, every status in its order."""
    return [{"status": s, "label": STATUS_LABELS[s], "count": per_status.get(s, 0)} for s in STATUSES]


async def field_overviews(
    conn: Conn,
    *,
    edition: str,
    slug: str | None = None,
    core_area: str | None = None,
    with_measures: bool = False,
    measures_at_most: int | None = None,
    lang: str,
) -> list[dict[str, Any]]:
    """Fields of an edition with their focus areas, goals, counts per status and, if asked, their measures
    (at most `measures_at_most` of each field, by title: `measure_count` says how many there are)."""
    rows = await field_store.fields(conn, edition=edition, slug=slug, core_area=core_area)
    goals: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in await field_store.goals(conn, edition=edition):
        goals[g["field_slug"]].append(
            {"slug": g["slug"], **in_language(g, ("title", "description"), lang=lang)}
        )
    focus: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in await field_store.focus_areas(conn, edition=edition):
        focus[a["field_slug"]].append(named(a, lang=lang))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for c in await field_store.status_counts(conn, edition=edition):
        counts[c["field_slug"]][c["status"]] = int(c["n"])
    listed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if with_measures:
        slugs = [f["slug"] for f in rows]
        for m in await field_store.measures_in(
            conn, edition=edition, fields=slugs, per_field=measures_at_most
        ):
            listed[m["field_slug"]].append(brief_measure_view(m, lang=lang))
    overviews = []
    for f in rows:
        per_status = counts[f["slug"]]
        overview = {
            **_presentation(f, lang=lang),
            "core_area": f["core_area_slug"],
            "focus_areas": focus[f["slug"]],
            "goals": goals[f["slug"]],
            "status_counts": status_counts(per_status),
            "measure_count": sum(per_status.values()),
        }
        if with_measures:
            overview["measures"] = listed[f["slug"]]
        overviews.append(overview)
    return overviews


async def core_area_overviews(
    conn: Conn, *, edition: str, slug: str | None = None, measures_at_most: int | None = None, lang: str
) -> list[dict[str, Any]]:
    """Core areas of an edition with their fields: names only in the list; for a single one, full
    overviews of its fields with their measures (at most `measures_at_most` each) and its counts per
    status."""
    areas = await structure.core_areas(conn, edition=edition, slug=slug)
    if slug is not None:
        found = []
        for a in areas:
            fields = await field_overviews(
                conn,
                edition=edition,
                core_area=a["slug"],
                with_measures=True,
                measures_at_most=measures_at_most,
                lang=lang,
            )
            per_status: dict[str, int] = defaultdict(int)
            for f in fields:
                for c in f["status_counts"]:
                    per_status[c["status"]] += c["count"]
            found.append(
                {
                    **_presentation(a, lang=lang),
                    "fields": fields,
                    "status_counts": status_counts(per_status),
                    "measure_count": sum(per_status.values()),
                }
            )
        return found
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in await field_store.fields(conn, edition=edition):
        if f["core_area_slug"]:
            grouped[f["core_area_slug"]].append(named(f, lang=lang))
    return [{**_presentation(a, lang=lang), "fields": grouped[a["slug"]]} for a in areas]
