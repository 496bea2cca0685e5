"""Open-data export of every measure, archived ones included, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from radar_catalog.api.views import measure_view
from radar_catalog.domain.languages import ORIGINAL
from radar_catalog.store import search as store
from radar_lib.service import runtime_of

router = APIRouter()
EVERYTHING = store.MeasureFilter(include_archived=True)
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # spreadsheets would run such a cell as a formula

CSV_COLUMNS = (
    "id", "slug", "title", "summary", "description", "field", "field_name", "goals", "status",
    "status_label", "start_year", "end_year", "progress", "lead_code", "lead_name", "principles",
    "links", "unsure", "archived", "version", "created_at", "updated_at", "editions",
)  # fmt: skip


async def _all_measures(request: Request) -> list[dict[str, Any]]:
    rows, _ = await store.search_measures(runtime_of(request).pool, where=EVERYTHING)
    return [measure_view(r, lang=ORIGINAL) for r in rows]


def csv_row(m: dict[str, Any]) -> list[str]:
    """One measure as one CSV row; lists joined with "; "; its field in each edition as edition=field."""
    lead = m["lead"] or {}
    cells: list[Any] = [
        m["id"], m["slug"], m["title"], m["summary"], m["description"], m["field"]["slug"],
        m["field"]["name"], LIST_SEPARATOR.join(g["slug"] for g in m["goals"]), m["status"],
        m["status_label"], m["start_year"], m["end_year"], m["progress"], lead.get("code"), lead.get("name"),
        LIST_SEPARATOR.join(p["slug"] for p in m["principles"]),
        LIST_SEPARATOR.join(f"{link['title']} <{link['url']}>" for link in m["links"]),
        LIST_SEPARATOR.join(m["unsure"]), str(m["archived"]).lower(), m["version"], m["created_at"],
        m["updated_at"],
        LIST_SEPARATOR.join(f"{p['edition']}={p['field']['slug']}" for p in m.get("placements", [])),
    ]  # fmt: skip
    text = ["" if c is None else str(c) for c in cells]
    return [f"'{t}" if t.startswith(FORMULA_STARTS) else t for t in text]


@router.get("/export/measures.json")
async def export_json(request: Request) -> dict[str, Any]:
    """Every measure as JSON, in the shape of the API (its current field, its field in every edition)."""
    items = await _all_measures(request)
    return {"items": items, "total": len(items)}


@router.get("/export/measures.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def export_csv(request: Request) -> Response:
    """Every measure as CSV in UTF-8 with a byte-order mark, so that spreadsheets read umlauts right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for m in await _all_measures(request):
        writer.writerow(csv_row(m))
    return Response(
        content="\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="measures.csv"'},
    )
