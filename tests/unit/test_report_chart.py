"""The progress chart of a measure's page: where its points sit and what its text alternative says."""

from __future__ import annotations

import pytest

from radar_gateway.web.i18n import translator
from radar_gateway.web.report_views import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, number, progress_chart

pytestmark = pytest.mark.unit


def test_points_span_the_width_by_year_and_the_height_by_percent() -> None:
    chart = progress_chart([(2024, 58), (2022, 0), (2023, 100)], t=translator("de"))
    assert chart is not None
    assert [(p.year, p.progress) for p in chart.points] == [(2022, 0), (2023, 100), (2024, 58)]
    assert [p.x for p in chart.points] == [LEFT, LEFT + (WIDTH - LEFT - RIGHT) / 2, WIDTH - RIGHT]
    bottom, top = HEIGHT - BOTTOM, TOP
    assert [p.y for p in chart.points] == [bottom, top, round(top + 0.42 * (bottom - top), 1)]
    assert chart.level(0) == bottom and chart.level(100) == top
    first, middle, last = chart.points
    assert chart.path == f"M {first.x} {first.y} L {middle.x} {middle.y} L {last.x} {last.y}"


def test_the_text_alternative_names_every_year_in_the_page_language() -> None:
    series = [(2024, 58), (2023, 23)]
    german = progress_chart(series, t=translator("de"))
    english = progress_chart(series, t=translator("en"))
    assert german is not None and english is not None
    assert german.alt == "Fortschritt über die Jahre: 2023: 23 %, 2024: 58 %."
    assert english.alt == "Progress over the years: 2023: 23 %, 2024: 58 %."


def test_one_year_sits_in_the_middle_and_none_gives_no_chart() -> None:
    chart = progress_chart([(2024, 11)], t=translator("de"))
    assert chart is not None
    assert chart.path == f"M {LEFT + (WIDTH - LEFT - RIGHT) / 2} {chart.points[0].y}"
    assert progress_chart([], t=translator("de")) is None


def test_key_figures_are_written_as_the_language_writes_numbers() -> None:
    assert [number(v, lang="de") for v in (100, 58.5, 100.0, None)] == ["100", "58,5", "100", None]
    assert number(58.5, lang="en") == "58.5"
