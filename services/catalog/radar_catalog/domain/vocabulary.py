"""The catalog's fixed vocabularies, its error type and slugs."""

from __future__ import annotations

import re
import unicodedata

from radar_lib.errors import RuleBroken

STATUSES = ("geplant", "in_umsetzung", "abgeschlossen", "eingestellt", "unbekannt")
STATUS_LABELS = {
    "geplant": "Geplant",
    "in_umsetzung": "In Umsetzung",
    "abgeschlossen": "Abgeschlossen",
    "eingestellt": "Eingestellt",
    "unbekannt": "unbekannt",
}
MEDIA_KINDS = ("video", "blog", "link")
# what a data set may mark as only partly confirmed; "period" covers both years
UNSURE_ATTRIBUTES = ("title", "status", "period", "lead", "progress")
SLUG_MAX = 80

_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CatalogError(RuleBroken):
    """A rule of this service was broken."""


def status_label(status: str) -> str:
    """The German label of a status wire value."""
    return STATUS_LABELS[status]


def ensure_status(status: str) -> str:
    """The status if it is one of the wire values; STATUS_UNKNOWN otherwise."""
    if status not in STATUSES:
        raise CatalogError("STATUS_UNKNOWN", f"Unknown status; use one of: {', '.join(STATUSES)}.")
    return status


def slugify(text: str) -> str:
    """A URL slug of a German title: umlauts spelled out (ä -> ae, ß -> ss), accents dropped."""
    spelled = unicodedata.normalize("NFC", text).lower().translate(_GERMAN_LETTERS)
    ascii_only = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_only).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] or slug[:SLUG_MAX]
    return slug or "massnahme"


def ensure_slug(slug: str) -> str:
    """A slug given by hand must look like one slugify makes."""
    if len(slug) > SLUG_MAX or not SLUG_PATTERN.match(slug):
        raise CatalogError("SLUG_INVALID", "A slug has lower-case letters, digits and single hyphens.")
    return slug


def numbered_slug(base: str, taken: set[str]) -> str:
    """The base slug, or base-2, base-3 ... whichever is still free."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
