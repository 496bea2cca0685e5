"""Yearly measure reports: editors write and publish them; everyone reads the published versions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from radar_catalog import reporting
from radar_catalog.api.measures import Page, PerPage
from radar_catalog.api.refs import editor, measure_ref
from radar_catalog.api.structure import Error
from radar_catalog.api.views import status_counts
from radar_catalog.domain.reports import KPIS_MAX, reporting_year
from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.store import measures
from radar_catalog.store import reports as store
from radar_lib.events import utcnow
from radar_lib.service import runtime_of
from radar_lib.token import Principal
from radar_lib.web import documented, principal

router = APIRouter()
# the publications of a measure that does not exist are missing like the measure: 404
MEASURE_REFUSED: dict[int | str, dict[str, Any]] = {
    404: {"model": Error, "description": "MEASURE_NOT_FOUND: `measure` names no measure."}
}
PERCENT = documented(type=["integer", "null"], minimum=0, maximum=100)  # PROGRESS_OUT_OF_RANGE
Editor = Annotated[Principal, Depends(editor)]
Year = Annotated[str, Path(description="A reporting year (YYYY): this year or an earlier one.")]
ReportText = Annotated[StrictStr, Field(description="Plain text by the catalog's text policy.")]


class Kpi(BaseModel):
    """A key figure; the domain checks each value and refuses a wrong one with KPI_INVALID."""

    model_config = ConfigDict(extra="forbid")
    name: Any = Field(json_schema_extra=documented(type="string", minLength=1, maxLength=200))
    unit: Any = Field(default="", json_schema_extra=documented(type="string", maxLength=40))
    target: Any = Field(default=None, json_schema_extra=documented(type=["number", "null"]))
    actual: Any = Field(default=None, json_schema_extra=documented(type=["number", "null"]))
    as_of: Any = Field(default=None, json_schema_extra=documented(type=["string", "null"], format="date"))


class ReportInput(BaseModel):
    """A measure's report of a year; publishing needs the achievements and a public change note."""

    model_config = ConfigDict(extra="forbid")
    achievements: ReportText = ""
    outlook: ReportText = ""
    highlights: ReportText = ""
    kpis: list[Any] = Field(
        default_factory=list, json_schema_extra={"items": Kpi.model_json_schema(), "maxItems": KPIS_MAX}
    )
    progress: Any = Field(default=None, json_schema_extra=PERCENT)
    status: StrictStr = Field(default="draft", json_schema_extra=documented(enum=["draft", "published"]))
    change_note: StrictStr | None = None


def _json(value: Any) -> list[dict[str, Any]]:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _entry(row: Mapping[str, Any], *, status: str) -> dict[str, Any]:
    return {
        "year": row["year"],
        "status": status,
        "version": row["version"] or None,  # a draft: the year's newest published version, if any
        "achievements": row["achievements"],
        "outlook": row["outlook"],
        "highlights": row["highlights"],
        "kpis": _json(row["kpis"]),
        "progress": row["progress"],
        "change_note": row["change_note"],
    }


def published_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A published version of a year's report, with the notes of all the year's versions."""
    published = {"published_at": row["published_at"].isoformat(), "history": _json(row["history"])}
    return {**_entry(row, status="published"), **published}


def working_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """The editors' working copy of a year's report: a draft, or the text as last published."""
    return {**_entry(row, status=row["status"]), "updated_at": row["updated_at"].isoformat()}


def _measure_brief(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(row["measure_id"]), "slug": row["slug"], "title": row["title"]}


async def _measure(request: Request, ref: str) -> Mapping[str, Any]:
    row = await measures.find_measure(runtime_of(request).pool, measure_ref(ref))
    if row is None:
        raise CatalogError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
    return row


@router.put("/measures/{ref}/reports/{year}")
async def write_report(
    ref: str, year: Year, report: ReportInput, request: Request, who: Editor
) -> dict[str, Any]:
    """Save a measure's report of a year as a draft, or publish it as the year's next version."""
    reported_year = reporting_year(year, this_year=utcnow().year)
    async with runtime_of(request).pool.acquire() as conn:
        measure, saved = await reporting.report_measure(
            conn, ref=measure_ref(ref), year=reported_year, values=report.model_dump(), actor=str(who.id)
        )
    return {"measure": _measure_brief(measure), **working_view(saved)}


@router.get("/measures/{ref}/reports")
async def measure_reports(ref: str, request: Request) -> dict[str, Any]:
    """A measure's published reports, newest year first; editors see the drafts beside them."""
    measure = await _measure(request, ref)
    pool = runtime_of(request).pool
    measure_id = measure["measure_id"]
    items = [published_view(r) for r in await store.published_reports(pool, measure_id=measure_id)]
    if principal(request).has_role("editor"):
        drafts = [working_view(r) for r in await store.draft_reports(pool, measure_id=measure_id)]
        items = sorted(drafts + items, key=lambda e: (-e["year"], e["status"] == "published"))
    return {"measure": _measure_brief(measure), "items": items, "total": len(items)}


@router.get("/reports", responses=MEASURE_REFUSED)
async def report_publications(
    request: Request, page: Page = 1, per_page: PerPage = 20, measure: str | None = None
) -> dict[str, Any]:
    """Every publication of a yearly report (of one measure, when named), newest first, each with its
    measure: the feeds' report entries."""
    measure_id = None if measure is None else (await _measure(request, measure))["measure_id"]
    rows, total = await store.recent_publications(
        runtime_of(request).pool, limit=per_page, offset=(page - 1) * per_page, measure_id=measure_id
    )
    items = [{"measure": _measure_brief(r), **_entry(r, status="published"),
              "published_at": r["published_at"].isoformat()} for r in rows]  # fmt: skip
    return {"items": items, "total": total, "page": page, "per_page": per_page}


@router.get("/reports/years")
async def years_reported(request: Request) -> dict[str, Any]:
    """The years of the Digitalisierungsbericht that have published entries, newest first."""
    rows = await store.report_years(runtime_of(request).pool)
    items = [{"year": r["year"], "measures": r["measures"],
              "last_published": r["last_published"].isoformat()} for r in rows]  # fmt: skip
    return {"items": items, "total": len(items)}


@router.get("/reports/{year}")
async def year_report(year: Year, request: Request) -> dict[str, Any]:
    """The year's published reports by core area and field, with how many measures are of each status."""
    reported_year = reporting_year(year, this_year=utcnow().year)
    pool = runtime_of(request).pool
    edition = await store.edition_of_year(pool, year=reported_year)
    rows = await store.year_entries(pool, year=reported_year, edition=edition["slug"])
    areas: dict[str | None, dict[str, Any]] = {}
    for row in rows:
        area = areas.setdefault(row["core_area_slug"], {
            "slug": row["core_area_slug"], "name": row["core_area_name"], "fields": {},
        })  # fmt: skip
        field = area["fields"].setdefault(row["field_slug"], {
            "slug": row["field_slug"], "name": row["field_name"], "entries": [],
        })  # fmt: skip
        field["entries"].append({"measure": {**_measure_brief(row), "status": row["status"]},
                                 **published_view(row)})  # fmt: skip
    for area in areas.values():
        area["fields"] = list(area["fields"].values())
        for field in area["fields"]:
            field["status_counts"] = status_counts(Counter(e["measure"]["status"] for e in field["entries"]))
    return {
        "year": reported_year,
        "edition": {"slug": edition["slug"], "name": edition["name"], "year": edition["year"]},
        "total": len(rows),
        "status_counts": status_counts(Counter(r["status"] for r in rows)),
        "core_areas": list(areas.values()),
    }
