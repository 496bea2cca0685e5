"""What a published yearly report says to a measure's followers: the year, progress and achievements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from radar_lib.events import MeasureReportedPayload
from radar_notifications.domain.links import Links
from radar_notifications.domain.render import Action, Facts, Para, Part, Quote
from radar_notifications.domain.texts import text


def report_notice(report: MeasureReportedPayload) -> dict[str, Any]:
    """The payload of a notification about a published report version (a "measure" delivery)."""
    return {
        "event": "reported",
        "measure": {
            "id": str(report.measure_id),
            "slug": report.slug,
            "title": report.title,
            "field": report.field_slug,
        },
        "report": {
            "year": report.year,
            "version": report.version,
            "progress": report.progress,
            "achievements": report.achievements_excerpt,
        },
        "change_note": report.change_note,
    }


def report_parts(payload: Mapping[str, Any], *, language: str, links: Links) -> tuple[str, tuple[Part, ...]]:
    """The subject and the parts of a mail about a published report: year, progress, achievements."""
    measure, report = payload["measure"], payload["report"]
    title, year = measure["title"], report["year"]
    intro = "report.intro" if report["version"] == 1 else "report.revised_intro"
    progress = report.get("progress")
    shown = (
        text("value.none", language) if progress is None else text("value.percent", language, value=progress)
    )
    parts: list[Part] = [
        Para(text(intro, language, title=title, year=year, version=report["version"])),
        Facts(((text("report.year", language), str(year)), (text("attribute.progress", language), shown))),
        Quote(text("report.achievements", language), report["achievements"]),
    ]
    if payload.get("change_note"):
        parts.append(Quote(text("measure.note", language), payload["change_note"]))
    parts.append(Action(text("measure.open", language), links.measure(measure["slug"])))
    return text("report.subject", language, title=title, year=year), tuple(parts)
