"""The rules of yearly measure reports: year, progress, key figures, texts, publishing."""

from __future__ import annotations

from typing import Any

import pytest

from radar_catalog.domain.reports import KPIS_MAX, excerpt, reporting_year, validate_report
from radar_catalog.domain.vocabulary import CatalogError

pytestmark = pytest.mark.unit

KPI = {"name": "Digitale Akten", "unit": "%", "target": 100, "actual": 58.5, "as_of": "2024-12-31"}


def published(**values: Any) -> dict[str, Any]:
    return {"achievements": "Rollout in 12 Referaten.", "status": "published", "change_note": "Bericht 2024",
            **values}  # fmt: skip


def refused(values: dict[str, Any]) -> str:
    with pytest.raises(CatalogError) as caught:
        validate_report(values)
    return caught.value.code


def test_a_published_report_keeps_its_texts_figures_and_note() -> None:
    report = validate_report(published(outlook=" Weiter 2025.\r\n", kpis=[KPI], progress=58))
    assert (report.published, report.progress, report.outlook) == (True, 58, "Weiter 2025.")
    assert report.kpis == (KPI,)
    assert report.change_note == "Bericht 2024"


def test_a_draft_needs_neither_achievements_nor_a_note() -> None:
    report = validate_report({"outlook": "Später mehr."})
    assert (report.status, report.achievements, report.change_note) == ("draft", "", "")


@pytest.mark.parametrize(
    ("values", "code"),
    [
        (published(change_note=None), "CHANGE_NOTE_REQUIRED"),
        (published(change_note="  "), "CHANGE_NOTE_REQUIRED"),
        (published(achievements=""), "ACHIEVEMENTS_REQUIRED"),
        (published(progress=101), "PROGRESS_OUT_OF_RANGE"),
        (published(progress=-1), "PROGRESS_OUT_OF_RANGE"),
        (published(progress=True), "PROGRESS_OUT_OF_RANGE"),
        (published(progress="50"), "PROGRESS_OUT_OF_RANGE"),
        (published(status="final"), "REPORT_STATUS_UNKNOWN"),
        (published(achievements="unsichtbar\u200b"), "TEXT_INVALID_CHARACTERS"),
        (published(highlights="x" * 10_001), "HIGHLIGHTS_TOO_LONG"),
    ],
)
def test_a_broken_rule_names_its_code(values: dict[str, Any], code: str) -> None:
    assert refused(values) == code


@pytest.mark.parametrize(
    "kpi",
    [
        "Akten",
        {**KPI, "colour": "red"},
        {**KPI, "name": ""},
        {**KPI, "name": 7},
        {**KPI, "unit": 3},
        {**KPI, "target": "100"},
        {**KPI, "actual": True},
        {**KPI, "actual": float("nan")},
        {**KPI, "as_of": "31.12.2024"},
        {**KPI, "as_of": "2024-02-30"},
        {**KPI, "as_of": 2024},
    ],
)
def test_a_bad_key_figure_is_refused(kpi: Any) -> None:
    assert refused(published(kpis=[kpi])) == "KPI_INVALID"


def test_key_figures_are_bounded_and_may_leave_values_open() -> None:
    assert refused(published(kpis=[KPI] * (KPIS_MAX + 1))) == "KPI_INVALID"
    open_kpi = validate_report(published(kpis=[{"name": "Nutzende"}])).kpis[0]
    assert open_kpi == {"name": "Nutzende", "unit": "", "target": None, "actual": None, "as_of": None}


@pytest.mark.parametrize("year", ["2023", "1990", "2026"])
def test_a_reporting_year_is_past_or_current(year: str) -> None:
    assert reporting_year(year, this_year=2026) == int(year)


@pytest.mark.parametrize("year", ["2027", "1989", "24", "20x4", "٢٠٢٤", "02024", "-2024"])
def test_a_year_ahead_or_malformed_is_refused(year: str) -> None:
    with pytest.raises(CatalogError) as caught:
        reporting_year(year, this_year=2026)
    assert caught.value.code == "REPORT_YEAR_INVALID"


def test_an_excerpt_cuts_at_a_word_and_marks_the_cut() -> None:
    assert excerpt("kurz", limit=10) == "kurz"
    assert excerpt("eins zwei drei vier", limit=12) == "eins zwei…"
    assert len(excerpt("a" * 900)) == 500
