"""A measure's reporting cycle on its page: the yearly reports, a progress chart and the key figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from radar_gateway.web.catalogs import Translate
from radar_gateway.web.services import call

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 28  # room for the axis labels


@dataclass(frozen=True)
class Point:
    """One year's progress and where it sits in the chart."""

    year: int
    progress: int
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    """A line of progress over the years: its points, the SVG path through them and its text alternative."""

    points: tuple[Point, ...]
    path: str
    alt: str
    width: int = WIDTH
    height: int = HEIGHT

    def level(self, percent: int) -> float:
        """The y of a percentage (for the 0, 50 and 100 % lines)."""
        return _y(percent)


def _y(percent: int) -> float:
    return round(TOP + (100 - percent) / 100 * (HEIGHT - TOP - BOTTOM), 1)


def progress_chart(series: Sequence[tuple[int, int]], *, t: Translate) -> Chart | None:
    """The chart of (year, progress) pairs, oldest first; None without any."""
    ordered = sorted(series)
    if not ordered:
        return None
    first, last = ordered[0][0], ordered[-1][0]
    span = WIDTH - LEFT - RIGHT

    def x(year: int) -> float:
        return round(LEFT + (span / 2 if first == last else (year - first) / (last - first) * span), 1)

    points = tuple(Point(year=y, progress=p, x=x(y), y=_y(p)) for y, p in ordered)
    path = " ".join(f"{'M' if i == 0 else 'L'} {p.x} {p.y}" for i, p in enumerate(points))
    steps = ", ".join(t("cycle.chart_point", year=p.year, n=p.progress) for p in points)
    return Chart(points=points, path=path, alt=t("cycle.chart_alt", points=steps))


def number(value: float | None, *, lang: str) -> str | None:
    """A key figure's value as the language writes it: whole numbers without decimals; None stays None."""
    if value is None:
        return None
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return text.replace(".", ",") if lang == "de" else text


def _figures(reports: Sequence[Mapping[str, Any]], *, lang: str) -> list[dict[str, Any]]:
    return [
        {**kpi, "year": r["year"], "target": number(kpi["target"], lang=lang),
         "actual": number(kpi["actual"], lang=lang)}
        for r in reports
        for kpi in r["kpis"]
    ]  # fmt: skip


async def measure_cycle(request: Request, slug: str, *, t: Translate, lang: str) -> dict[str, Any]:
    """The published reports of a measure, newest first, with its progress chart and key figures."""
    reports = (await call(request, "catalog", f"/measures/{slug}/reports"))["items"]
    series = [(r["year"], r["progress"]) for r in reports if r["progress"] is not None]
    return {
        "reports": reports,
        "chart": progress_chart(series, t=t),
        "figures": _figures(reports, lang=lang),
    }
