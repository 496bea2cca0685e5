"""The editors' form for a measure's yearly report (issue 11): its working copy in, the form's rows of
key figures out as the catalog's JSON, and the catalog's refusals back next to the field they are about.

The catalog holds every rule of a report; the form only turns what a browser can send (text) into
what the catalog reads: numbers with a decimal comma or point, German dates, no empty rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.datastructures import FormData

from radar_gateway.web.links import Slug
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.render import Page, page_of, redirect, render
from radar_gateway.web.services import ServiceError, call
from radar_gateway.web.staff import editor_of
from radar_lib.events import FIRST_YEAR, utcnow
from radar_lib.token import Principal

router = APIRouter(include_in_schema=False)
PageDep = Annotated[Page, Depends(page_of)]
TEXTS = ("achievements", "outlook", "highlights")
CELLS = ("name", "unit", "target", "actual", "as_of")
EMPTY_ROWS = 2  # blank rows under the key figures, for new ones
ROW_KEY = re.compile(r"kpi-([0-9]{1,3})-(?:name|unit|target|actual|as_of)")
PERCENT = re.compile(r"[0-9]{1,3}")  # the catalog checks the range
FIGURE = re.compile(r"[+-]?[0-9]{1,300}(?:\.[0-9]{1,300})?")
GERMAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
KPI_ROW = re.compile(r"Key figure ([0-9]+):")  # how the catalog's KPI_INVALID names the row
TEXT_NAMED = re.compile(r"The (\w+) ")  # how its TEXT_INVALID_CHARACTERS names the text
ERROR_FIELDS = {  # which form field a catalog error code belongs to
    "ACHIEVEMENTS_REQUIRED": "achievements",
    "ACHIEVEMENTS_TOO_LONG": "achievements",
    "OUTLOOK_TOO_LONG": "outlook",
    "HIGHLIGHTS_TOO_LONG": "highlights",
    "KPI_INVALID": "kpis",
    "NAME_TOO_LONG": "kpis",
    "UNIT_TOO_LONG": "kpis",
    "PROGRESS_OUT_OF_RANGE": "progress",
    "REPORT_STATUS_UNKNOWN": "status",
    "CHANGE_NOTE_REQUIRED": "change_note",
    "CHANGE_NOTE_TOO_LONG": "change_note",
}
TEXT_FIELDS = {**{name: name for name in (*TEXTS, "change_note")}, "name": "kpis", "unit": "kpis"}


@dataclass
class ReportForm:
    """What the editor filled in, kept as typed so that a refused form comes back as it was sent."""

    texts: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TEXTS, ""))
    progress: str = ""
    rows: list[dict[str, str]] = field(default_factory=list)  # the filled rows of key figures, as typed
    status: str = "draft"
    change_note: str = ""
    kpis: list[dict[str, Any]] = field(default_factory=list)  # the rows as the catalog reads them
    errors: dict[str, str] = field(default_factory=dict)  # form field (or "" for the form) -> error code
    bad_row: int | None = None  # the row of key figures (from 1) an error is about

    @property
    def shown_rows(self) -> list[dict[str, str]]:
        """The filled rows and the blank ones below them."""
        return self.rows + [dict.fromkeys(CELLS, "") for _ in range(EMPTY_ROWS)]

    def refuse(self, code: str, *, message: str = "", row: int | None = None) -> None:
        """Put an error next to its field; the catalog's message says which text or row it is about."""
        name = ERROR_FIELDS.get(code, "")
        if code == "TEXT_INVALID_CHARACTERS" and (named := TEXT_NAMED.match(message)):
            name = TEXT_FIELDS.get(named[1], "")
        if code == "KPI_INVALID" and (counted := KPI_ROW.match(message)):
            row = int(counted[1])
        if name not in self.errors:
            self.errors[name] = code
            if name == "kpis":
                self.bad_row = row

    def payload(self) -> dict[str, Any]:
        """The catalog's JSON for this form."""
        progress = self.progress.rstrip("%").strip()
        return {
            **self.texts,
            "kpis": self.kpis,
            "progress": int(progress) if progress else None,
            "status": self.status,
            "change_note": self.change_note,
        }


def figure(text: str) -> int | float | None:
    """A key figure's value as typed: 1200, 12,5 or 12.5 (spaces ignored, no thousands marks); ValueError."""
    plain = "".join(text.split()).replace(",", ".")
    if not plain:
        return None
    if not FIGURE.fullmatch(plain) or not math.isfinite(float(plain)):
        raise ValueError(text)
    return float(plain) if "." in plain else int(plain)


def as_of(text: str) -> str | None:
    """A date as the catalog reads it (YYYY-MM-DD), also from German 31.12.2024; other text as typed."""
    if not text:
        return None
    german = GERMAN_DATE.fullmatch(text)
    return f"{german[3]}-{int(german[2]):02d}-{int(german[1]):02d}" if german else text


def _rows(posted: FormData) -> list[dict[str, str]]:
    numbers = sorted({int(found[1]) for key in posted if (found := ROW_KEY.fullmatch(key))})
    rows = [{cell: str(posted.get(f"kpi-{i}-{cell}", "")).strip() for cell in CELLS} for i in numbers]
    return [row for row in rows if any(row.values())]


def read_form(posted: FormData) -> ReportForm:
    """The posted form; checks only what the catalog cannot see (numbers that are not numbers)."""
    form = ReportForm(
        texts={name: str(posted.get(name, "")) for name in TEXTS},
        progress=str(posted.get("progress", "")).strip(),
        rows=_rows(posted),
        status=str(posted.get("status", "")) or "draft",
        change_note=str(posted.get("change_note", "")).strip(),
    )
    percent = form.progress.rstrip("%").strip()
    if percent and not PERCENT.fullmatch(percent):
        form.refuse("PROGRESS_OUT_OF_RANGE")
    for number, row in enumerate(form.rows, start=1):
        try:
            target, actual = figure(row["target"]), figure(row["actual"])
        except ValueError:
            form.refuse("KPI_INVALID", row=number)
            continue
        kpi = {"name": row["name"], "unit": row["unit"], "target": target, "actual": actual}
        form.kpis.append(kpi | {"as_of": as_of(row["as_of"])})
    return form


def shown_figure(value: float | None, *, lang: str) -> str:
    """A stored value as the form shows it: every digit kept, a decimal comma in German."""
    if value is None:
        return ""
    text = format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "de" else text


def from_copy(copy: dict[str, Any], *, lang: str) -> ReportForm:
    """The form filled with a year's working copy; a published copy's note was for that version."""
    rows = [
        {"name": k["name"], "unit": k["unit"], "as_of": k["as_of"] or "",
         "target": shown_figure(k["target"], lang=lang), "actual": shown_figure(k["actual"], lang=lang)}
        for k in copy["kpis"]
    ]  # fmt: skip
    draft = copy["status"] == "draft"
    return ReportForm(
        texts={name: copy[name] for name in TEXTS},
        progress="" if copy["progress"] is None else str(copy["progress"]),
        rows=rows,
        status=copy["status"],
        change_note=(copy["change_note"] or "") if draft else "",
    )


def working_copy(items: list[dict[str, Any]], year: int) -> dict[str, Any] | None:
    """The year's working copy: its draft, else its newest published version, else none."""
    of_year = [entry for entry in items if entry["year"] == year]
    return next((entry for entry in of_year if entry["status"] == "draft"), of_year[0] if of_year else None)


def reporting_year(text: str) -> int | None:
    """The year if it is four digits from the first reporting year to this one, else None."""
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    return int(text) if FIRST_YEAR <= int(text) <= utcnow().year else None


def _year_of_page(text: str) -> int:
    year = reporting_year(text)
    if year is None:
        raise PageProblem(404)
    return year


async def _reports(page: Page, slug: str, who: Principal) -> dict[str, Any]:
    found: dict[str, Any] = await call(page.request, "catalog", f"/measures/{slug}/reports", principal=who)
    return found


@router.get("/redaktion/massnahmen/{slug}/berichte")
async def report_list(slug: Slug, page: PageDep, jahr: str | None = None) -> Response:
    """A measure's reports, drafts beside published ones; `jahr` opens a year's form."""
    who = editor_of(page)
    year = reporting_year(jahr.strip()) if jahr is not None else None
    if year is not None:
        return redirect(page, f"/redaktion/massnahmen/{slug}/berichte/{year}")
    reports = await _reports(page, slug, who)
    context = {"measure": reports["measure"], "items": reports["items"], "first_year": FIRST_YEAR}
    error = None if jahr is None else "REPORT_YEAR_INVALID"
    shown = (jahr or "")[:8] if error else str(utcnow().year)
    return render(page, "report_list.html", status=422 if error else 200, error=error, year=shown, **context)


def _form_page(
    page: Page, form: ReportForm, *, reports: dict[str, Any], year: int, status: int = 200
) -> Response:
    copy = working_copy(reports["items"], year)
    context = {"form": form, "measure": reports["measure"], "year": year, "copy": copy}
    return render(page, "report_form.html", status=status, **context)


@router.get("/redaktion/massnahmen/{slug}/berichte/{year}")
async def report_form_page(slug: Slug, year: str, page: PageDep) -> Response:
    """The form of a year's report, filled with its working copy, or empty when there is none."""
    who = editor_of(page)
    number = _year_of_page(year)
    reports = await _reports(page, slug, who)
    copy = working_copy(reports["items"], number)
    form = ReportForm() if copy is None else from_copy(copy, lang=page.lang)
    return _form_page(page, form, reports=reports, year=number)


@router.post("/redaktion/massnahmen/{slug}/berichte/{year}")
async def write_report(slug: Slug, year: str, page: PageDep) -> Response:
    """Save the year's report as a draft or publish it; a refusal comes back next to the form."""
    who = editor_of(page)
    number = _year_of_page(year)
    reports = await _reports(page, slug, who)
    posted = await page.request.form()
    form = read_form(posted)
    if not page.csrf_ok(str(posted.get("csrf_token", ""))):
        form.refuse("CSRF_FAILED")
    if not form.errors:
        path = f"/measures/{slug}/reports/{number}"
        try:
            await call(page.request, "catalog", path, method="PUT", body=form.payload(), principal=who)
        except ServiceError as exc:
            if exc.status >= 500 or exc.status == 404:  # no such measure or year: the 404 page
                raise
            form.refuse(exc.code, message=exc.message)
        else:
            notice = "bericht_veroeffentlicht" if form.status == "published" else "bericht_gespeichert"
            return redirect(page, f"/redaktion/massnahmen/{slug}/berichte/{number}", notice=notice)
    return _form_page(page, form, reports=reports, year=number, status=422)
