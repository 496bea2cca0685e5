"""The compiled yearly report in a real browser: axe-core finds nothing on it; a screenshot for the docs."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.axe_audit import AXE, check
from tests.browser.conftest import RunningRadar
from tests.browser.test_moderation_screens import until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
YEAR = 2024


def _publish_reports(radar: RunningRadar) -> list[dict[str, Any]]:
    """Published reports of the year for three measures (the first also of the year before): the measures."""
    with httpx.Client(base_url=f"{radar.url}/api/v1", timeout=20) as editor:
        r = editor.post("/auth/login", json={"email": radar.email, "password": radar.password})
        assert r.status_code == 200, r.text
        editor.headers["X-CSRF-Token"] = editor.cookies["radar_csrf"]
        measures = radar.api("/measures", per_page=3)["items"]
        for index, m in enumerate(measures):
            for year, progress in ((YEAR - 1, 10), (YEAR, 30 + 20 * index))[0 if index == 0 else 1 :]:
                report = {
                    "achievements": f"Im Jahr {year} erreicht: Pilotbetrieb in zwei Referaten.",
                    "outlook": "Ausweitung auf alle Referate.",
                    "highlights": "Gute Rückmeldungen – auch aus den Bezirken.",
                    "kpis": [{"name": "Nutzende", "unit": "Anzahl", "target": 5000, "actual": 3200,
                              "as_of": f"{year}-12-31"}],
                    "progress": progress,
                    "status": "published",
                    "change_note": f"Bericht {year}.",
                }  # fmt: skip
                saved = editor.put(f"/measures/{m['slug']}/reports/{year}", json=report)
                assert saved.status_code == 200, saved.text
        return list(measures)


def _shown_to_anyone(radar: RunningRadar, path: str, text: str) -> bool:
    """Whether a browser without cookies (the public page, as the gateway keeps it) shows this text."""
    answer = httpx.get(f"{radar.url}{path}", timeout=10)
    return answer.status_code == 200 and text in answer.text


def test_the_report_page_passes_axe_and_is_pictured(browser: Any, radar: RunningRadar) -> None:
    measures = _publish_reports(radar)
    # a page kept by an earlier test goes once the reports' events reach the gateway, a moment after
    # the editor's answers: each page checked below shows this year's reports before it is checked
    first = f"/massnahmen/{measures[0]['slug']}"
    for address in (f"/berichte/{YEAR}", first, f"{first}?lang=en"):
        until(partial(_shown_to_anyone, radar, address, f"Im Jahr {YEAR} erreicht"))
    context = browser.new_context(
        base_url=radar.url, bypass_csp=True, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    try:
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        check(tab, AXE, f"/berichte/{YEAR}")
        assert tab.locator("h1").inner_text() == f"Digitalisierungsbericht {YEAR}"
        for m in measures:
            assert tab.locator("article h4", has_text=m["title"]).count() == 1, m["title"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / "report.png"
        tab.screenshot(path=str(path))
        assert path.stat().st_size > 0
        # the measure page with two years of reports, its progress chart and table; the list of years
        for where in (
            f"/massnahmen/{measures[0]['slug']}",
            f"/massnahmen/{measures[0]['slug']}?lang=en",
            "/berichte",
        ):
            check(tab, AXE, where)
        assert tab.locator(f'a[href="/berichte/{YEAR}"]').count() == 1
    finally:
        context.close()
