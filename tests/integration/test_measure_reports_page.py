"""The reporting cycle on a measure's page with the Munich data: yearly reports, progress chart and
table, key figures and council decisions; nothing of it for a measure without reports; texts escaped."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from radar_catalog.domain.vocabulary import CatalogError
from radar_catalog.seed import MIGRATIONS, load_dataset, read_dataset
from radar_lib.db import migrate
from tests.integration.gateway_system import start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration

EVIL = '<script>alert("x")</script> & Co'
KPI = {"name": "Elektronisch geführte Akten", "unit": "Anteil %", "target": 100, "actual": 58.5,
       "as_of": "2024-12-31"}  # fmt: skip


def munich_with_a_key_figure() -> dict[str, Any]:
    """The Munich data set with one key figure on the E-Akte's 2024 entry (the data set knows none)."""
    city = copy.deepcopy(read_dataset("munich"))
    [entry] = [r for r in city["reports"] if (r["measure"], r["year"]) == ("e-akte", 2024)]
    entry["kpis"] = [KPI]
    return city


def section(html: str) -> str:
    found = re.search(r'<section aria-labelledby="reports-heading".*?</section>', html, re.S)
    assert found, "no report section"
    return found.group(0)


async def test_the_e_akte_page_shows_its_reports_chart_table_and_figures_in_both_languages(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=munich_with_a_key_figure()) as system:
        page = await system.client().get("/massnahmen/e-akte")
        assert page.status_code == 200, page.text
        reports = section(page.text)
        assert reports.index("Bericht 2024") < reports.index("Bericht 2023")  # newest first
        assert "ist nicht sicher belegt." in reports  # the entries' unsure year, in their text
        assert "58 %.<br>In welchem Berichtsjahr" in reports  # line breaks kept
        assert "2026 abgeschlossen" in reports
        alt = "Fortschritt über die Jahre: 2023: 23 %, 2024: 58 %."
        assert f'<svg role="img" aria-label="{alt}"' in reports
        assert f"<title>{alt}</title>" in reports
        rows = re.findall(r'<tr><th scope="row">(\d{4})</th><td>(\d+) %</td></tr>', reports)
        assert rows == [("2023", "23"), ("2024", "58")]
        assert "<caption>Fortschritt nach Berichtsjahr</caption>" in reports
        figure = re.search(
            r"<tr><td>2024</td><th scope=\"row\">Elektronisch geführte Akten</th>(.*?)</tr>", reports
        )
        assert figure and re.findall(r"<td>(.*?)</td>", figure.group(1)) == [
            "100",
            "58,5",
            "Anteil %",
            "31.12.2024",
        ]
        assert "Überarbeitet" not in reports  # a first version shows no note

        english = section((await system.client().get("/massnahmen/e-akte?lang=en")).text)
        assert 'aria-label="Progress over the years: 2023: 23 %, 2024: 58 %."' in english
        assert '<dd lang="de">Die Umstellung auf elektronische Akten' in english
        assert "<td>58.5</td>" in english and "<td>2024-12-31</td>" in english


async def test_a_measure_without_reports_has_no_section_and_report_texts_are_escaped(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=read_dataset("munich")) as system:
        public = system.client()
        before = (await public.get("/massnahmen/ozg-umsetzung")).text
        assert 'id="reports-heading"' not in before and 'id="decisions-heading"' not in before

        editor = await system.staff("editor")
        report = {"achievements": f"{EVIL}\nZweite Zeile", "highlights": EVIL, "progress": 30,
                  "status": "published", "change_note": "Erste Fassung."}  # fmt: skip
        path = "/api/v1/measures/ozg-umsetzung/reports/2024"
        assert (await editor.put(path, json=report)).status_code == 200
        again = await editor.put(path, json={**report, "progress": 35, "change_note": f"Korrigiert {EVIL}"})
        assert again.status_code == 200, again.text
        paper = "14-20 / V 14953"
        linked = await editor.post("/api/v1/measures/ozg-umsetzung/decisions", json={"decision": paper})
        assert linked.status_code == 200, linked.text

        async def shown() -> str | None:
            html = (await system.client().get("/massnahmen/ozg-umsetzung")).text
            return html if "Überarbeitet (Fassung 2)" in html and "decisions-heading" in html else None

        html = await eventually(shown)
        reports = section(html)
        assert "<script>alert" not in html
        escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co"
        assert f"{escaped}<br>Zweite Zeile" in reports
        assert f"Korrigiert {escaped}" in reports
        assert "2024: 35 %" in reports
        decisions = re.search(r'<section aria-labelledby="decisions-heading".*?</section>', html, re.S)
        assert decisions and "Vorlage 14-20 / V 14953 · unbekannt · unbekannt" in decisions.group(0)


async def test_a_report_entry_unsure_of_something_else_is_refused_and_nothing_is_loaded(
    new_database: Callable[[str], str],
) -> None:
    city = copy.deepcopy(read_dataset("munich"))
    city["reports"][0]["unsure"] = ["lead"]
    dsn = new_database("catalog")
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        with pytest.raises(CatalogError) as refused:
            await load_dataset(conn, city)
        assert refused.value.code == "UNSURE_UNKNOWN"
        assert await conn.fetchval("SELECT count(*) FROM measures") == 0
    finally:
        await conn.close()


async def test_loading_the_data_set_again_publishes_no_second_version(
    new_database: Callable[[str], str],
) -> None:
    dsn = new_database("catalog")
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        for _ in range(2):
            await load_dataset(conn, read_dataset("munich"))
        versions = await conn.fetch(
            "SELECT m.slug, v.year, v.version, v.progress, v.change_note FROM measure_report_versions v"
            " JOIN measures m USING (measure_id) ORDER BY m.slug, v.year"
        )
        assert [tuple(v) for v in versions] == [
            ("e-akte", 2023, 1, 23, "Aus dem Datensatz übernommen. Nicht sicher belegt: Berichtsjahr."),
            ("e-akte", 2024, 1, 58, "Aus dem Datensatz übernommen. Nicht sicher belegt: Berichtsjahr."),
            ("zentrale-datenplattform-fuer-mobilitaetsdaten", 2024, 1, 11, "Aus dem Datensatz übernommen."),
        ]
    finally:
        await conn.close()
