"""The compiled yearly report on the gateway: its page, its PDF and its CSV, and the years without one."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration

CITY: dict[str, Any] = {
    **SMALL_CITY,
    "core_areas": [
        *SMALL_CITY["core_areas"],
        {"slug": "verwaltung", "name": "Verwaltung", "introduction": "Für die Ämter."},
    ],
    "fields": [
        *SMALL_CITY["fields"],
        {"slug": "e-akte-feld", "name": "Akten – digital geführt", "core_area": "verwaltung"},
        {"slug": "offene-daten", "name": "Offene Daten"},  # in no core area
    ],
}
FIELD_NAMES = ("Teilhabe", "Akten – digital geführt", "Offene Daten")
FORMULA = '=HYPERLINK("http://example.org")'


def _report(
    *, progress: int, achievements: str = "Digitale Bürgerdienste für alle Bezirke."
) -> dict[str, Any]:
    return {
        "achievements": achievements,
        "outlook": "Mehr Dienste im nächsten Jahr.",
        "kpis": [
            {"name": "Online-Dienste", "unit": "Anzahl", "target": 120, "actual": 87, "as_of": "2024-12-31"}
        ],
        "progress": progress,
        "status": "published",
        "change_note": "Jahresbericht.",
    }


async def _reported_year(system: System) -> tuple[str, str]:
    """Two measures in two fields with published reports of 2024; the first also one of 2023."""
    editor = await system.staff("editor")
    first = await system.measure(title="Digitale Bürgerdienste")
    made = await editor.post("/api/v1/measures", json={"title": "E-Akte für alle", "field": "e-akte-feld"})
    assert made.status_code == 201, made.text
    second = str(made.json()["slug"])
    third = await editor.post("/api/v1/measures", json={"title": "Datenportal", "field": "offene-daten"})
    assert third.status_code == 201, third.text
    for slug, year, report in (
        (first, 2023, _report(progress=10)),
        (first, 2024, _report(progress=40)),
        (second, 2024, _report(progress=5, achievements=FORMULA)),
        (str(third.json()["slug"]), 2024, _report(progress=70)),
    ):
        saved = await editor.put(f"/api/v1/measures/{slug}/reports/{year}", json=report)
        assert saved.status_code == 200, saved.text
    return first, second


def _pdf_text(content: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it."""
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


async def _page_of_2024(public: httpx.AsyncClient) -> httpx.Response:
    answer: list[httpx.Response] = []

    async def both_listed() -> bool:
        answer[:] = [await public.get("/berichte/2024")]
        return answer[0].status_code == 200 and "E-Akte für alle" in answer[0].text

    await eventually(both_listed)
    return answer[0]


async def test_the_report_page_lists_every_field_with_counts_and_who_moved(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=CITY) as system:
        first, second = await _reported_year(system)
        public = system.client()
        page = await _page_of_2024(public)
        html = page.text
        assert "Digitalisierungsbericht 2024" in html
        assert all(
            name in html for name in ("Stadtgesellschaft", "Verwaltung", "Ohne Kernbereich", *FIELD_NAMES)
        )
        assert f'href="/massnahmen/{first}"' in html and f'href="/massnahmen/{second}"' in html
        assert "3 von 3" in html and html.count("1 von 1") == 3  # the year's count, then one per field
        assert "von 10 % auf 40 %" in html  # the first measure moved since its 2023 entry
        assert "Online-Dienste" in html and "Mehr Dienste im nächsten Jahr." in html
        assert "&#34;http://example.org&#34;" in html or "&quot;http://example.org&quot;" in html
        assert "report.css" in html

        previous = await public.get("/berichte/2023")
        assert previous.status_code == 200 and "Akten – digital geführt" not in previous.text

        years = await public.get("/berichte")
        assert years.status_code == 200
        listed = years.text
        assert listed.index('href="/berichte/2024"') < listed.index('href="/berichte/2023"')
        assert "3 Maßnahmen" in listed and "1 Maßnahme<" in listed  # 2024 reports on three, 2023 on one
        assert 'href="/berichte"' in (await public.get("/")).text  # every page leads to the reports


async def test_the_pdf_and_the_csv_of_the_year(new_database: Callable[[str], str], redis_url: str) -> None:
    async with start_system(new_database, redis_url, city=CITY) as system:
        first, second = await _reported_year(system)
        public = system.client()
        await _page_of_2024(public)

        table = await public.get("/berichte/2024.csv")
        assert table.status_code == 200
        assert table.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
        by_slug = {r["measure"]: r for r in rows}
        assert len(by_slug) == 3 and {first, second} < set(by_slug)
        assert by_slug[first]["progress"] == "40" and by_slug[first]["previous_progress"] == "10"
        assert by_slug[second]["achievements"] == "'" + FORMULA  # a spreadsheet shows it, runs nothing
        assert by_slug[second]["field"] == "Akten – digital geführt"

        pdf = await public.get("/berichte/2024.pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
        text = _pdf_text(pdf.content)
        assert all(
            name in text
            for name in ("Digitalisierungsbericht 2024", "Inhalt", "Ohne Kernbereich", *FIELD_NAMES)
        )
        assert "Digitale Bürgerdienste: von 10 % auf 40 %" in text


async def test_years_without_a_report_are_not_found(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as system:
        public = system.client()
        nothing = await public.get("/berichte")
        assert nothing.status_code == 200 and "Noch ist kein Jahresbericht veröffentlicht." in nothing.text
        empty = await public.get("/berichte/2022")
        assert empty.status_code == 404
        assert "Für 2022 ist noch kein Jahresbericht einer Maßnahme veröffentlicht." in empty.text
        for path in (
            "/berichte/2022.pdf",
            "/berichte/2022.csv",
            "/berichte/abcd",
            "/berichte/1800",
            "/berichte/20245",
        ):
            assert (await public.get(path)).status_code == 404, path
