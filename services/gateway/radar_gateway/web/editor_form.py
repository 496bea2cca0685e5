"""The measure editor's form: from posted fields to the catalog's JSON, and its refusals back to fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from radar_gateway.numbers import whole_number

TEXTS = ("title", "summary", "description")
ERROR_FIELDS = {  # which form field a catalog error code belongs to
    "TITLE_EMPTY": "title",
    "TITLE_TOO_LONG": "title",
    "SUMMARY_TOO_LONG": "summary",
    "DESCRIPTION_TOO_LONG": "description",
    "FIELD_NOT_FOUND": "field",
    "GOAL_NOT_FOUND": "goals",
    "STATUS_UNKNOWN": "status",
    "PERIOD_INVALID": "period",
    "PROGRESS_OUT_OF_RANGE": "progress",
    "LEAD_UNKNOWN": "lead",
    "PRINCIPLE_UNKNOWN": "principles",
    "CHANGE_NOTE_REQUIRED": "change_note",
    "CHANGE_NOTE_TOO_LONG": "change_note",
    "SLUG_INVALID": "slug",
    "SLUG_TAKEN": "slug",
}


@dataclass
class MeasureForm:
    """What the editor filled in, kept as typed so that a refused form comes back as it was sent."""

    values: dict[str, Any]
    change_note: str = ""
    slug: str = ""
    expected_version: int | None = None
    errors: dict[str, str] = field(default_factory=dict)  # form field (or "" for the form) -> error code
    typed: dict[str, str] = field(default_factory=dict)  # numbers as typed, shown again when refused

    def shown(self, name: str) -> str:
        """A number field's text: as typed, or the current value."""
        if name in self.typed:
            return self.typed[name]
        value = self.values.get(name)
        return "" if value is None else str(value)

    def payload(self) -> dict[str, Any]:
        """The catalog's JSON for this form."""
        body = dict(self.values)
        if self.change_note:
            body["change_note"] = self.change_note
        return body

    def refuse(self, code: str) -> None:
        self.errors[ERROR_FIELDS.get(code, "")] = code


def _number(posted: FormData, form: MeasureForm, name: str, *, code: str) -> int | None:
    text = str(posted.get(name, "")).strip()
    form.typed[name] = text
    if not text:
        return None
    digits = text.rstrip("%").strip() if name == "progress" else text
    number = whole_number(digits)
    if number is None:
        form.refuse(code)
    return number


def from_measure(measure: Mapping[str, Any]) -> MeasureForm:
    """The form filled with a measure's current state."""
    values = {name: measure[name] for name in (*TEXTS, "status", "start_year", "end_year", "progress")}
    values["field"] = measure["field"]["slug"]
    values["goals"] = [g["slug"] for g in measure["goals"]]
    values["lead"] = measure["lead"]["code"] if measure["lead"] else None
    values["principles"] = [p["slug"] for p in measure["principles"]]
    return MeasureForm(values=values, expected_version=int(measure["version"]), slug=measure["slug"])


def read_form(posted: FormData, *, goals_by_field: Mapping[str, Sequence[str]]) -> MeasureForm:
    """The posted form; checks only what the catalog cannot see (numbers that are not numbers)."""
    text = {name: str(posted.get(name, "")) for name in (*TEXTS, "field", "status", "lead")}
    form = MeasureForm(
        values={},
        change_note=str(posted.get("change_note", "")).strip(),
        slug=str(posted.get("slug", "")).strip(),
    )
    chosen_field = text["field"]
    form.values = {
        "title": text["title"],
        "summary": text["summary"],
        "description": text["description"],
        "field": chosen_field,
        "status": text["status"] or "unbekannt",
        "start_year": _number(posted, form, "start_year", code="PERIOD_INVALID"),
        "end_year": _number(posted, form, "end_year", code="PERIOD_INVALID"),
        "progress": _number(posted, form, "progress", code="PROGRESS_OUT_OF_RANGE"),
        "lead": text["lead"] or None,
        "principles": [str(p) for p in posted.getlist("principles")],
        # goals come as field/goal, so that only the goals of the chosen field are sent
        "goals": [
            str(g).split("/", 1)[1]
            for g in posted.getlist("goals")
            if str(g).startswith(f"{chosen_field}/")
            and str(g).split("/", 1)[1] in goals_by_field.get(chosen_field, ())
        ],
    }
    version = str(posted.get("expected_version", ""))
    form.expected_version = whole_number(version)
    return form
