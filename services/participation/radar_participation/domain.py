"""The rules of participation, free of frameworks."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from radar_lib.errors import RuleBroken
from radar_lib.events import NETIQUETTE_CODES
from radar_lib.text import NO_VISIBLE, TextRefused, clean_text


class ParticipationError(RuleBroken):
    """A rule of this service was broken."""


def clean_comment_body(body: str, *, max_length: int) -> str:
    """The body as stored, by the one text policy (radar_lib.text); refusals keep the comment's codes.

    A body with nothing visible is COMMENT_EMPTY; any other character the policy refuses is
    COMMENT_INVALID_CHARACTERS, with the policy's own code as `reason`.
    """
    try:
        text = clean_text(body, multiline=True)
    except TextRefused as refused:
        code = "COMMENT_EMPTY" if refused.code == NO_VISIBLE else "COMMENT_INVALID_CHARACTERS"
        message = refused.message.replace("The text", "The comment", 1)
        raise ParticipationError(code, message, reason=refused.code) from None
    if not text:
        raise ParticipationError("COMMENT_EMPTY", "The comment is empty.")
    if len(text) > max_length:
        raise ParticipationError("COMMENT_TOO_LONG", f"The comment is longer than {max_length} characters.")
    return text


@dataclass(frozen=True)
class MeasureView:
    measure_id: uuid.UUID
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


def ensure_open_for_ratings(measure: MeasureView | None) -> MeasureView:
    """A rating needs a measure that exists and is not archived (removing one's rating needs neither)."""
    if measure is None:
        raise ParticipationError("MEASURE_NOT_FOUND", "There is no such measure.", status=404)
    if measure.archived:
        raise ParticipationError("MEASURE_CLOSED", "This measure is archived and takes no ratings.", 409)
    return measure


DECISION_TARGETS = {
    "approve": ("pending", "published"),
    "reject": ("pending", "rejected"),
    "hide": ("published", "hidden"),
}


LIFECYCLE = ("pending", "published")  # a comment passes these in order; the others are ends


def next_status(current: str, decision: str) -> str | None:
    """The status a decision leads to, or None when it does not apply (decided before, withdrawn, erased)."""
    source, target = DECISION_TARGETS[decision]
    return target if current == source else None


def decision_comes_early(current: str, decision: str) -> bool:
    """True when the comment has not reached the state the decision applies to (hide before approve)."""
    source, _ = DECISION_TARGETS[decision]
    return current in LIFECYCLE and source in LIFECYCLE and LIFECYCLE.index(current) < LIFECYCLE.index(source)


# --- who sees what ---------------------------------------------------------------------

PUBLIC = "published"
SHOWN_TO_AUTHOR = ("pending", "rejected")  # in place in the thread, marked, for their author alone
PLACEHOLDERS = ("hidden", "withdrawn", "erased")  # kept in the thread without text while replies show


@dataclass(frozen=True)
class CommentView:
    comment_id: uuid.UUID
    measure_id: uuid.UUID
    parent_id: uuid.UUID | None
    participant_id: uuid.UUID | None
    status: str
    body: str | None
    display_name: str | None


def known_to(comment: CommentView, viewer: uuid.UUID | None) -> bool:
    """Everyone knows a comment that was public; an author knows their own in any status."""
    return comment.status in (PUBLIC, "hidden") or (viewer is not None and comment.participant_id == viewer)


def ensure_can_reply(parent: CommentView | None, *, measure_id: uuid.UUID, author: uuid.UUID) -> None:
    """Replies go to a published top-level comment of the same measure: two levels, no deeper."""
    if parent is None or parent.measure_id != measure_id or not known_to(parent, author):
        raise ParticipationError("PARENT_NOT_FOUND", "There is no such comment on this measure.", 404)
    if parent.parent_id is not None:
        raise ParticipationError("REPLY_TO_REPLY", "A reply takes no replies; answer the comment above it.")
    if parent.status != PUBLIC:
        raise ParticipationError("PARENT_NOT_PUBLISHED", "Only a published comment takes replies.", 409)


def withdrawal_due(comment: CommentView | None, *, author: uuid.UUID) -> bool:
    """True when the author's comment is to be withdrawn now, False when it already is; others refused."""
    if comment is None or not known_to(comment, author):
        raise ParticipationError("COMMENT_NOT_FOUND", "There is no such comment.", 404)
    if comment.participant_id != author:
        raise ParticipationError("NOT_AUTHOR", "Only its author can withdraw a comment.", 403)
    return comment.status != "withdrawn"


def ensure_reportable(comment: CommentView | None, *, reporter: uuid.UUID, reason: str) -> CommentView:
    """A report names a netiquette clause and a published comment of someone else."""
    if reason not in NETIQUETTE_CODES:
        raise ParticipationError(
            "REPORT_REASON_UNKNOWN", f"A report needs a reason from: {', '.join(NETIQUETTE_CODES)}."
        )
    if comment is None or not known_to(comment, reporter):
        raise ParticipationError("COMMENT_NOT_FOUND", "There is no such comment.", 404)
    if comment.participant_id == reporter:
        raise ParticipationError("OWN_COMMENT", "One's own comment is withdrawn, not reported.")
    if comment.status != PUBLIC:
        raise ParticipationError("COMMENT_NOT_PUBLISHED", "Only a published comment can be reported.", 409)
    return comment


# --- erasure ----------------------------------------------------------------------------


def ensure_not_erased(erasure_asked: bool) -> None:
    """An id whose erasure was asked for is dead: nothing more is stored under it."""
    if erasure_asked:
        raise ParticipationError(
            "PARTICIPANT_ERASED", "The data of this participant was erased; take part anew.", 403
        )


# --- what a comment form carries besides its text ---------------------------------------

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,128}")


def clean_display_name(value: str | None, *, max_length: int) -> str | None:
    """A display name as stored: one line by the text policy; blank means none."""
    if value is None:
        return None
    try:
        name = clean_text(value, multiline=False)
    except TextRefused as refused:
        message = refused.message.replace("The text", "The display name", 1)
        raise ParticipationError("DISPLAY_NAME_INVALID_CHARACTERS", message, reason=refused.code) from None
    if len(name) > max_length:
        raise ParticipationError(
            "DISPLAY_NAME_TOO_LONG", f"The display name is longer than {max_length} characters."
        )
    return name or None


def idempotency_key_of(header: str | None, field: str | None) -> str | None:
    """The form's idempotency key, from the header or the body; when both are sent they must agree."""
    if header is not None and field is not None and header != field:
        raise ParticipationError("IDEMPOTENCY_KEY_INVALID", "The header and the field name different keys.")
    key = header if header is not None else field
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise ParticipationError(
            "IDEMPOTENCY_KEY_INVALID", "An idempotency key is 8 to 128 of A-Z a-z 0-9 _ -."
        )
    return key


def ensure_same_submission(
    first: CommentView,
    *,
    measure_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    body: str,
    display_name: str | None,
) -> None:
    """A form sent again gets the first answer; other content under a used key is refused."""
    if (first.measure_id, first.parent_id, first.body, first.display_name) != (
        measure_id,
        parent_id,
        body,
        display_name,
    ):
        raise ParticipationError(
            "IDEMPOTENCY_KEY_REUSED",
            "This form was sent before with other content.",
            409,
            comment_id=str(first.comment_id),
        )


# --- ratings -----------------------------------------------------------------------------

STARS = range(1, 6)


def check_stars(stars: int) -> int:
    """One to five stars."""
    if stars not in STARS:
        raise ParticipationError("RATING_OUT_OF_RANGE", "A rating is 1 to 5 stars.")
    return stars


@dataclass(frozen=True)
class RatingSummary:
    mean: float | None
    count: int
    distribution: dict[int, int]


def summarise_ratings(counts: Mapping[int, int]) -> RatingSummary:
    """Mean (two decimals), count and the number of ratings for each of 1..5 stars."""
    distribution = {stars: int(counts.get(stars, 0)) for stars in STARS}
    count = sum(distribution.values())
    mean = round(sum(s * n for s, n in distribution.items()) / count, 2) if count else None
    return RatingSummary(mean=mean, count=count, distribution=distribution)
