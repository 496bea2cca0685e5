"""The rules of participation, free of frameworks."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from radar_lib.errors import RuleBroken

ALLOWED_CONTROL = {"\n", "\t"}


class ParticipationError(RuleBroken):
    """A rule of this service was broken."""


def clean_comment_body(body: str, *, max_length: int) -> str:
    """The body as it will be stored: NFC, trimmed, line breaks unified; refuses what is not text."""
    text = unicodedata.normalize("NFC", body).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ParticipationError("COMMENT_EMPTY", "The comment is empty.")
    if len(text) > max_length:
        raise ParticipationError("COMMENT_TOO_LONG", f"The comment is longer than {max_length} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in ALLOWED_CONTROL for ch in text):
        raise ParticipationError("COMMENT_INVALID_CHARACTERS", "The comment contains control characters.")
    return text


@dataclass(frozen=True)
class MeasureView:
    measure_id: object
    slug: str
    title: str
    archived: bool


def ensure_open_for_comments(measure: MeasureView | None) -> MeasureView:
    """A comment needs a measure that exists and is not archived."""
    if measure is None:
        raise ParticipationError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
    if measure.archived:
        raise ParticipationError("MEASURE_CLOSED", "This measure is archived and takes no comments.", 409)
    return measure


DECISION_TARGETS = {
    "approve": ("pending", "published"),
    "reject": ("pending", "rejected"),
    "hide": ("published", "hidden"),
}


LIFECYCLE = ("pending", "published")  # a comment passes these in order; the others are ends


def next_status(current: str, decision: str) -> str | None:
    """The status a decision leads to, or None when it does not apply (already decided)."""
    source, target = DECISION_TARGETS[decision]
    return target if current == source else None


def decision_comes_early(current: str, decision: str) -> bool:
    """True when the comment has not reached the state the decision applies to (hide before approve)."""
    source, _ = DECISION_TARGETS[decision]
    return current in LIFECYCLE and source in LIFECYCLE and LIFECYCLE.index(current) < LIFECYCLE.index(source)
