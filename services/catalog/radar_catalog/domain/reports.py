"""A measure's yearly report: its year, texts, key figures and progress, and when it may be published."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from radar_catalog.domain.texts import NOTE_MAX, TITLE_MAX, clean_change_note, clean_text
from radar_catalog.domain.vocabulary import CatalogError
from radar_lib.events import FIRST_YEAR

REPORT_TEXT_MAX = 10_000
UNIT_MAX = 40
KPIS_MAX = 30
EXCERPT_MAX = 500  # what measure.reported carries of the achievements
STATUSES = ("draft", "published")
KPI_KEYS = frozenset({"name", "unit", "target", "actual", "as_of"})


@dataclass(frozen=True)
class Report:
    """What an editor writes for one measure and year; `change_note` is required to publish."""

    achievements: str
    outlook: str
    highlights: str
    kpis: tuple[Mapping[str, Any], ...]
    progress: int | None
    status: str
    change_note: str

    @property
    def published(self) -> bool:
        return self.status == "published"


def reporting_year(value: str, *, this_year: int) -> int:
    """The year of a report from its path segment: a past or the current year, else REPORT_YEAR_INVALID."""
    year = int(value) if value.isascii() and value.isdigit() and len(value) == 4 else None
    if year is None or not FIRST_YEAR <= year <= this_year:
        raise CatalogError(
            "REPORT_YEAR_INVALID", f"A report is for a year from {FIRST_YEAR} to {this_year}.", status=404
        )
    return year


def _kpi_error(index: int, problem: str) -> CatalogError:
    return CatalogError("KPI_INVALID", f"Key figure {index + 1}: {problem}.")


def _number(value: Any, *, index: int, name: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _kpi_error(index, f"{name} is a number or null")
    return value


def _as_of(value: Any, *, index: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _kpi_error(index, "as_of is a date (YYYY-MM-DD) or null")


def _kpi(entry: Any, *, index: int) -> dict[str, Any]:
    if not isinstance(entry, Mapping) or set(entry) - KPI_KEYS:
        raise _kpi_error(index, f"an object with {', '.join(sorted(KPI_KEYS))}")
    if not all(isinstance(entry.get(key), str | None) for key in ("name", "unit")):
        raise _kpi_error(index, "name and unit are text")
    name = clean_text(entry.get("name"), name="name", max_length=TITLE_MAX, multiline=False)
    if not name:
        raise _kpi_error(index, "it needs a name")
    return {
        "name": name,
        "unit": clean_text(entry.get("unit"), name="unit", max_length=UNIT_MAX, multiline=False),
        "target": _number(entry.get("target"), index=index, name="target"),
        "actual": _number(entry.get("actual"), index=index, name="actual"),
        "as_of": _as_of(entry.get("as_of"), index=index),
    }


def clean_kpis(value: Sequence[Any] | None) -> tuple[dict[str, Any], ...]:
    """Key figures as stored: [{name, unit, target, actual, as_of}], at most KPIS_MAX."""
    entries = list(value or [])
    if len(entries) > KPIS_MAX:
        raise CatalogError("KPI_INVALID", f"A report has at most {KPIS_MAX} key figures.")
    return tuple(_kpi(entry, index=i) for i, entry in enumerate(entries))


def validate_report(values: Mapping[str, Any]) -> Report:
    """A complete, valid report from raw values; CatalogError names the first broken rule."""
    status = values.get("status") or "draft"
    if status not in STATUSES:
        raise CatalogError("REPORT_STATUS_UNKNOWN", "A report's status is draft or published.")
    progress = values.get("progress")
    if progress is not None and (isinstance(progress, bool) or not isinstance(progress, int)):
        raise CatalogError("PROGRESS_OUT_OF_RANGE", "Progress is a whole percentage from 0 to 100.")
    if progress is not None and not 0 <= progress <= 100:
        raise CatalogError("PROGRESS_OUT_OF_RANGE", "Progress is a percentage from 0 to 100.")
    texts = {
        name: clean_text(values.get(name), name=name, max_length=REPORT_TEXT_MAX)
        for name in ("achievements", "outlook", "highlights")
    }
    kpis = clean_kpis(values.get("kpis"))
    note = values.get("change_note")
    if status == "published":
        if not texts["achievements"]:
            raise CatalogError("ACHIEVEMENTS_REQUIRED", "A published report says what was achieved.")
        note = clean_change_note(note)
    else:
        note = clean_text(note, name="change_note", max_length=NOTE_MAX)
    return Report(**texts, kpis=kpis, progress=progress, status=status, change_note=note)


def excerpt(text: str, *, limit: int = EXCERPT_MAX) -> str:
    """The text, or its start cut at a word and ended with an ellipsis, at most `limit` characters."""
    if len(text) <= limit:
        return text
    words = text[: limit - 1].rsplit(maxsplit=1)
    return (words[0] if len(words) > 1 else text[: limit - 1]).rstrip() + "…"
