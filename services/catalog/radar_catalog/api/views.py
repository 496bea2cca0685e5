"""The JSON shapes of the catalog's answers, built from stored rows."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, TypeAlias

import asyncpg

from radar_catalog.domain.vocabulary import STATUS_LABELS, STATUSES
from radar_catalog.store import structure

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool


def measure_view(row: asyncpg.Record) -> dict[str, Any]:
    """A measure as the API shows it, with the names of what it refers to."""
    return {
        "id": str(row["measure_id"]),
        "slug": row["slug"],
        "title": row["title"],
        "summary": row["summary"],
        "description": row["description"],
        "field": {"slug": row["field_slug"], "name": row["field_name"]},
        "goals": json.loads(row["goal_list"]),
        "status": row["status"],
        "status_label": STATUS_LABELS[row["status"]],
        "start_year": row["start_year"],
        "end_year": row["end_year"],
        "progress": row["progress"],
        "lead": {"code": row["lead_code"], "name": row["lead_name"]} if row["lead_code"] else None,
        "principles": json.loads(row["principle_list"]),
        "links": json.loads(row["links"]),
        "unsure": list(row["unsure"]),
        "archived": row["archived"],
        "version": row["version"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def change_view(row: asyncpg.Record, *, with_measure: bool = False) -> dict[str, Any]:
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
        view["measure"] = {"id": str(row["measure_id"]), "slug": row["slug"], "title": row["title"]}
    return view


def _presentation(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": item["slug"],
        "name": item["name"],
        "position": item["position"],
        "introduction": item["introduction"],
        "quote": item["quote"],
        "media": item["media"],
        "updated_at": item["updated_at"].isoformat(),
    }


async def field_overviews(
    conn: Conn, *, slug: str | None = None, core_area: str | None = None
) -> list[dict[str, Any]]:
    """Fields of action with their focus areas, goals and how many measures each has per status."""
    rows = await structure.fields(conn, slug=slug, core_area=core_area)
    goals: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in await structure.goals(conn):
        goals[g["field_slug"]].append(
            {"slug": g["slug"], "title": g["title"], "description": g["description"]}
        )
    focus: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in await structure.focus_areas(conn):
        focus[a["field_slug"]].append({"slug": a["slug"], "name": a["name"]})
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for c in await structure.status_counts(conn):
        counts[c["field_slug"]][c["status"]] = int(c["n"])
    overviews = []
    for f in rows:
        per_status = counts[f["slug"]]
        overviews.append(
            {
                **_presentation(f),
                "core_area": f["core_area_slug"],
                "focus_areas": focus[f["slug"]],
                "goals": goals[f["slug"]],
                "status_counts": [
                    {"status": s, "label": STATUS_LABELS[s], "count": per_status.get(s, 0)} for s in STATUSES
                ],
                "measure_count": sum(per_status.values()),
            }
        )
    return overviews


async def core_area_overviews(conn: Conn, *, slug: str | None = None) -> list[dict[str, Any]]:
    """Core areas with their fields: names only in the list, full overviews for a single one."""
    areas = await structure.core_areas(conn, slug=slug)
    if slug is not None:
        return [
            {**_presentation(a), "fields": await field_overviews(conn, core_area=a["slug"])} for a in areas
        ]
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for f in await structure.fields(conn):
        if f["core_area_slug"]:
            grouped[f["core_area_slug"]].append({"slug": f["slug"], "name": f["name"]})
    return [{**_presentation(a), "fields": grouped[a["slug"]]} for a in areas]
