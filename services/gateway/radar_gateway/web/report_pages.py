"""The compiled yearly report (Digitalisierungsbericht): a page to read and print, a PDF and a CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from radar_gateway.web.editions_view import in_ring_order
from radar_gateway.web.page_cache import served
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.render import Page, page_of, render
from radar_gateway.web.report_pdf import report_pdf
from radar_gateway.web.services import ServiceError, call, together

router = APIRouter(include_in_schema=False)
Report = dict[str, Any]
PageDep = Annotated[Page, Depends(page_of)]
NO_CORE_AREA = "ohne-kernbereich"
MOVED_MOST = 5  # how many measures the report names as having moved most
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # spreadsheets would run such a cell as a formula
CSV_COLUMNS = (
    "year", "core_area", "field", "measure", "title", "status", "progress", "previous_progress",
    "achievements", "outlook", "highlights", "kpis", "version", "published_at",
)  # fmt: skip


def _year(value: str) -> int:
    """A year from the address, four digits; anything else is a page that does not exist."""
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise PageProblem(404)
    return int(value)


async def _catalog_year(request: Request, year: int) -> dict[str, Any] | None:
    """The catalog's report of a year, or None when the catalog knows no such year."""
    try:
        found: dict[str, Any] = await call(request, "catalog", f"/reports/{year}")
    except ServiceError as refused:
        if refused.status == 404:
            return None
        raise
    return found


def entries(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every entry of a year's report, in the report's order of core areas and fields."""
    if report is None:
        return []
    return [e for a in report["core_areas"] for f in a["fields"] for e in f["entries"]]


def moved_most(report: dict[str, Any], before: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The measures whose progress changed most since their entry of the previous year."""
    earlier = {e["measure"]["id"]: e["progress"] for e in entries(before) if e["progress"] is not None}
    moves = [
        {"measure": e["measure"], "before": earlier[e["measure"]["id"]], "now": e["progress"],
         "delta": e["progress"] - earlier[e["measure"]["id"]]}
        for e in entries(report)
        if e["progress"] is not None and e["measure"]["id"] in earlier
    ]  # fmt: skip
    moved = [m for m in moves if m["delta"] != 0]
    return sorted(moved, key=lambda m: (-abs(m["delta"]), m["measure"]["title"]))[:MOVED_MOST]


async def _report(page: Page, year_text: str) -> tuple[int, Report | None, Report | None]:
    """The year, its report (None when nothing is published for it) and the previous year's report."""
    request = page.request
    year = _year(year_text)
    report, before = await together(_catalog_year(request, year), _catalog_year(request, year - 1))
    if report is None or not report["total"]:
        return year, None, before
    report["status_counts"] = in_ring_order(report["status_counts"])
    for area in report["core_areas"]:
        if area["slug"] is None:  # fields the edition places in no core area
            area.update(slug=NO_CORE_AREA, name=page.t("annual.no_core_area"))
        for field in area["fields"]:
            field["status_counts"] = in_ring_order(field["status_counts"])
    return year, report, before


def _kpis(kpis: list[dict[str, Any]]) -> str:
    shown = [
        f"{k['name']}: {'' if k.get('actual') is None else k['actual']}"
        f"/{'' if k.get('target') is None else k['target']} {k.get('unit') or ''}".rstrip()
        + (f" ({k['as_of']})" if k.get("as_of") else "")
        for k in kpis
    ]
    return "; ".join(shown)


def csv_rows(report: dict[str, Any], before: dict[str, int]) -> list[list[str]]:
    """The year's entries as CSV rows, one a measure, with spreadsheet formulas made plain text."""
    rows = []
    for area in report["core_areas"]:
        for field in area["fields"]:
            for e in field["entries"]:
                m = e["measure"]
                cells = [
                    report["year"], area["name"], field["name"], m["slug"], m["title"], m["status"],
                    e["progress"], before.get(m["id"]), e["achievements"], e["outlook"], e["highlights"],
                    _kpis(e["kpis"]), e["version"], e["published_at"],
                ]  # fmt: skip
                text = ["" if c is None else str(c) for c in cells]
                rows.append([f"'{t}" if t.startswith(FORMULA_STARTS) else t for t in text])
    return rows


@router.get("/berichte")
async def report_years_page(page: PageDep) -> Response:
    """The years of the Digitalisierungsbericht, newest first, each with how many measures it reports on."""
    return await served(page, lambda: _report_years_page(page))


async def _report_years_page(page: Page) -> Response:
    years = await call(page.request, "catalog", "/reports/years")
    return render(page, "report_years.html", years=years["items"])


@router.get("/berichte/{year}.pdf")
async def report_pdf_file(year: str, page: PageDep) -> Response:
    """The year's report as a PDF with an outline, a table of contents and a Unicode font."""
    number, report, before = await _report(page, year)
    if report is None:
        raise PageProblem(404)
    body = report_pdf(report, moved=moved_most(report, before), t=page.t, lang=page.lang)
    disposition = f'inline; filename="digitalisierungsbericht-{number}.pdf"'
    return Response(body, media_type="application/pdf", headers={"content-disposition": disposition})


@router.get("/berichte/{year}.csv")
async def report_csv(year: str, page: PageDep) -> Response:
    """The year's entries as CSV in UTF-8 with a byte-order mark, so that spreadsheets read umlauts right."""
    number, report, before = await _report(page, year)
    if report is None:
        raise PageProblem(404)
    earlier = {e["measure"]["id"]: e["progress"] for e in entries(before)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(report, earlier))
    disposition = f'attachment; filename="digitalisierungsbericht-{number}.csv"'
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": disposition},
    )


@router.get("/berichte/{year}")
async def report_page(year: str, page: PageDep) -> Response:
    """The year's Digitalisierungsbericht: counts per status, who moved most, every measure's entry."""
    return await served(page, lambda: _report_page(year, page))


async def _report_page(year: str, page: Page) -> Response:
    number, report, before = await _report(page, year)
    if report is None:
        return render(page, "report_year.html", status=404, year=number, report=None, moved=[])
    moved = moved_most(report, before)
    return render(page, "report_year.html", year=number, report=report, moved=moved)
