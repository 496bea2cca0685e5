"""Rules of the strategy's structure: editions, and what is known of a field or core area."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from radar_catalog.domain.vocabulary import SLUG_MAX, SLUG_PATTERN, CatalogError

PRESENTATION = ("introduction", "quote", "media")
NAMING = ("name", "translations")  # a field's or core area's name, and the translations of its texts
# what a data set does not know (or not completely) about a field or core area:
# a page then says "unbekannt" instead of showing an empty list as if it were complete
UNKNOWABLE = (*PRESENTATION, "goals", "focus_areas", "fields", "measures")


def edition_unknown(*, status: int) -> CatalogError:
    """The refusal for an edition that does not exist."""
    return CatalogError("EDITION_UNKNOWN", "There is no such edition of the strategy.", status=status)


def plausible_edition(slug: str, *, status: int) -> str:
    """An edition's slug, or EDITION_UNKNOWN when it cannot be one."""
    if len(slug) > SLUG_MAX or not SLUG_PATTERN.match(slug):
        raise edition_unknown(status=status)
    return slug


def clean_unknown(value: Sequence[Any] | None) -> list[str]:
    """What a data set does not know about a field or core area, in a fixed order."""
    given = set(value or ())
    strange = sorted(str(v) for v in given - set(UNKNOWABLE))
    if strange:
        raise CatalogError("UNKNOWN_INVALID", f"Cannot mark as unknown: {', '.join(strange)}.")
    return [name for name in UNKNOWABLE if name in given]


def presentation_changes(current: Mapping[str, Any], revised: Mapping[str, Any]) -> list[str]:
    """The parts of a presentation (and its naming, if revised) that differ, in a fixed order."""
    return [name for name in (*NAMING, *PRESENTATION) if name in revised and current[name] != revised[name]]


def still_unknown(unknown: Sequence[str], revised: Mapping[str, Any]) -> list[str]:
    """What stays unknown once a presentation is revised: a part given content is known now."""
    return [name for name in unknown if not (name in PRESENTATION and revised[name])]
