"""A measure's editable state, its validation, and the changes between two versions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from radar_catalog.domain.texts import (
    DESCRIPTION_MAX,
    SUMMARY_MAX,
    clean_links,
    clean_text,
    clean_title,
)
from radar_catalog.domain.vocabulary import (
    UNSURE_ATTRIBUTES,
    CatalogError,
    ensure_status,
)
from radar_lib.events import FIRST_YEAR, LAST_YEAR


@dataclass(frozen=True)
class Vocabulary:
    """What a measure may refer to: fields with their goals (in order), principles, departments."""

    goals_by_field: Mapping[str, Sequence[str]]
    principles: Sequence[str]
    departments: frozenset[str] = dataclasses.field(default_factory=frozenset)


@dataclass(frozen=True)
class MeasureState:
    """Everything an editor can change about a measure; the slug is not part of it."""

    title: str
    field: str
    summary: str = ""
    description: str = ""
    goals: tuple[str, ...] = ()
    status: str = "unbekannt"
    start_year: int | None = None
    end_year: int | None = None
    progress: int | None = None
    lead: str | None = None
    principles: tuple[str, ...] = ()
    links: tuple[Mapping[str, str], ...] = ()
    unsure: tuple[str, ...] = ()

    def wire(self) -> dict[str, Any]:
        """The state as JSON-ready values (lists, not tuples)."""
        return {name: _wire(getattr(self, name)) for name in EDITABLE}


EDITABLE = tuple(f.name for f in dataclasses.fields(MeasureState))


def _wire(value: Any) -> Any:
    if isinstance(value, tuple):
        return [dict(v) if isinstance(v, Mapping) else v for v in value]
    return value


def _in_order(given: Sequence[str] | None, known: Sequence[str], *, code: str, what: str) -> tuple[str, ...]:
    chosen = set(given or ())
    unknown = sorted(chosen - set(known))
    if unknown:
        raise CatalogError(code, f"Unknown {what}: {', '.join(unknown)}.")
    return tuple(k for k in known if k in chosen)


def _year(value: int | None) -> int | None:
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise CatalogError("PERIOD_INVALID", f"A year lies between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


def validate_measure(values: Mapping[str, Any], *, vocabulary: Vocabulary) -> MeasureState:
    """A complete, valid measure state from raw values; CatalogError names the first broken rule."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise CatalogError("ATTRIBUTE_UNKNOWN", f"Unknown attributes: {', '.join(sorted(unknown))}.")
    title = clean_title(values.get("title"))
    field_slug = values.get("field")
    if not isinstance(field_slug, str) or field_slug not in vocabulary.goals_by_field:
        raise CatalogError("FIELD_NOT_FOUND", "There is no such field of action.")
    goals = _in_order(
        values.get("goals"), vocabulary.goals_by_field[field_slug], code="GOAL_NOT_FOUND", what="goals"
    )
    start, end = _year(values.get("start_year")), _year(values.get("end_year"))
    if start is not None and end is not None and end < start:
        raise CatalogError("PERIOD_INVALID", "The end year lies before the start year.")
    progress = values.get("progress")
    if progress is not None and not 0 <= progress <= 100:
        raise CatalogError("PROGRESS_OUT_OF_RANGE", "Progress is a percentage from 0 to 100.")
    lead = values.get("lead")
    if lead is not None and lead not in vocabulary.departments:
        raise CatalogError("LEAD_UNKNOWN", "There is no such lead department.")
    return MeasureState(
        title=title,
        field=field_slug,
        summary=clean_text(values.get("summary"), name="summary", max_length=SUMMARY_MAX),
        description=clean_text(values.get("description"), name="description", max_length=DESCRIPTION_MAX),
        goals=goals,
        status=ensure_status(values.get("status") or "unbekannt"),
        start_year=start,
        end_year=end,
        progress=progress,
        lead=lead,
        principles=_in_order(
            values.get("principles"), vocabulary.principles, code="PRINCIPLE_UNKNOWN", what="principles"
        ),
        links=tuple(clean_links(values.get("links"))),
        unsure=_in_order(
            values.get("unsure"), UNSURE_ATTRIBUTES, code="UNSURE_UNKNOWN", what="unsure attributes"
        ),
    )


def changes_between(old: MeasureState, new: MeasureState) -> list[dict[str, Any]]:
    """Every attribute that differs, in a fixed order, as {field, old, new}."""
    before, after = old.wire(), new.wire()
    return [{"field": k, "old": before[k], "new": after[k]} for k in EDITABLE if before[k] != after[k]]


def revise(
    current: MeasureState, patch: Mapping[str, Any], *, vocabulary: Vocabulary
) -> tuple[MeasureState, list[dict[str, Any]]]:
    """The state after a patch and what it changed; a patch that changes nothing is refused."""
    revised = validate_measure({**current.wire(), **patch}, vocabulary=vocabulary)
    changes = changes_between(current, revised)
    if not changes:
        raise CatalogError("NOTHING_TO_CHANGE", "The request changes nothing.")
    return revised, changes


def ensure_expected_version(current: int, expected: int | None) -> None:
    """A client that edited an older version learns of it instead of overwriting newer work."""
    if expected is not None and expected != current:
        raise CatalogError(
            "VERSION_CONFLICT", f"The measure is at version {current}, not {expected}.", status=409
        )


def ensure_editable(archived: bool) -> None:
    """Archived measures stay as they were archived."""
    if archived:
        raise CatalogError("MEASURE_ARCHIVED", "The measure is archived and cannot change.", status=409)


def ensure_filter_values(
    *,
    fields: Sequence[str],
    statuses: Sequence[str],
    leads: Sequence[str],
    principles: Sequence[str],
    vocabulary: Vocabulary,
) -> None:
    """Filter values must name what exists; a typo should not quietly give an empty list."""
    for status in statuses:
        ensure_status(status)
    if set(fields) - set(vocabulary.goals_by_field):
        raise CatalogError("FIELD_NOT_FOUND", "There is no such field of action.")
    if set(leads) - vocabulary.departments:
        raise CatalogError("LEAD_UNKNOWN", "There is no such lead department.")
    _in_order(principles, vocabulary.principles, code="PRINCIPLE_UNKNOWN", what="principles")
