"""The rules of moderation, free of frameworks: decisions, claims and the automatic policy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from radar_lib.errors import RuleBroken
from radar_lib.text import TextRefused, clean_text
from radar_moderation.checks import Flag
from radar_moderation.netiquette import REASON_CODES

COMMENT_DECISIONS = ("approve", "reject", "hide")  # on a comment: POST .../comments/{id}/decision
REPORT_DECISIONS = ("hide", "dismiss")  # on a reported comment: POST .../reports/{id}/decision
NEEDS_REASON = frozenset({"reject", "hide"})
# which state each decision applies to, and the state it leads to (dismiss leaves it as it is)
TRANSITIONS = {
    "approve": ("pending", "approved"),
    "reject": ("pending", "rejected"),
    "hide": ("approved", "hidden"),
    "dismiss": ("approved", "approved"),
}
NOTE_MAX_LENGTH = 1000
BULK_MAX = 100


class ModerationError(RuleBroken):
    """A rule of this service was broken."""


@dataclass(frozen=True)
class Decision:
    decision: str
    reason_code: str | None
    note: str | None


def check_decision(
    *, decision: str, reason_code: str | None, note: str | None, allowed: Sequence[str] = COMMENT_DECISIONS
) -> Decision:
    """A decision as it will be recorded: rejecting and hiding need a netiquette reason, others take none."""
    if decision not in allowed:
        raise ModerationError("DECISION_UNKNOWN", f"decision must be one of {', '.join(allowed)}")
    if decision in NEEDS_REASON:
        if reason_code is None:
            raise ModerationError(
                "REASON_REQUIRED",
                f"A decision to {decision} needs a reason: {', '.join(sorted(REASON_CODES))}",
            )
        if reason_code not in REASON_CODES:
            raise ModerationError(
                "REASON_UNKNOWN", f"The reason must be one of: {', '.join(sorted(REASON_CODES))}"
            )
    elif reason_code is not None:
        raise ModerationError("REASON_NOT_ALLOWED", f"A decision to {decision} takes no reason code.")
    return Decision(decision=decision, reason_code=reason_code, note=clean_note(note))


def clean_note(note: str | None) -> str | None:
    """The note as stored (the shared text policy), or None when there is none."""
    try:
        cleaned = clean_text(note or "", multiline=True)
    except TextRefused as exc:
        raise ModerationError("NOTE_INVALID_CHARACTERS", exc.message, reason=exc.code) from exc
    if len(cleaned) > NOTE_MAX_LENGTH:
        raise ModerationError("NOTE_TOO_LONG", f"The note is longer than {NOTE_MAX_LENGTH} characters.")
    return cleaned or None


@dataclass(frozen=True)
class Item:
    """What the rules need to know of a queue item."""

    state: str  # pending, approved, rejected, hidden, withdrawn
    claimed_by: uuid.UUID | None = None
    claim_expires_at: datetime | None = None
    erased: bool = False

    def claimed_by_other(self, moderator_id: uuid.UUID | None, now: datetime) -> bool:
        return (
            self.claimed_by is not None
            and self.claimed_by != moderator_id
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )


def ensure_decidable(
    item: Item | None, decision: str, *, moderator_id: uuid.UUID | None, now: datetime
) -> str:
    """Refuse a decision the item is not in the state for; the state it leads to."""
    item = _existing(item)
    source, target = TRANSITIONS[decision]
    if item.state != source:
        raise _wrong_state(item.state, decision)
    if source == "pending" and item.claimed_by_other(moderator_id, now):
        raise _claimed(item)
    return target


def ensure_claimable(item: Item | None, *, moderator_id: uuid.UUID, now: datetime) -> None:
    """Only a pending item can be claimed, and only while no one else holds an unexpired lease."""
    item = _existing(item)
    if item.state != "pending":
        raise _wrong_state(item.state, "approve")
    if item.claimed_by_other(moderator_id, now):
        raise _claimed(item)


def ensure_releasable(item: Item | None, *, moderator_id: uuid.UUID, now: datetime) -> None:
    """A moderator gives back their own lease; another's, while it runs, is not theirs to end."""
    held = _existing(item)
    if held.claimed_by_other(moderator_id, now):
        raise _claimed(held)


def ensure_all_decidable(
    items: dict[uuid.UUID, Item],
    ids: Sequence[uuid.UUID],
    *,
    decision: str,
    moderator_id: uuid.UUID,
    now: datetime,
) -> dict[uuid.UUID, str]:
    """All of them or none: each id's new state, or BULK_REFUSED naming every id that cannot be decided."""
    states: dict[uuid.UUID, str] = {}
    refused: list[dict[str, str]] = []
    for comment_id in ids:
        try:
            states[comment_id] = ensure_decidable(
                items.get(comment_id), decision, moderator_id=moderator_id, now=now
            )
        except ModerationError as exc:
            refused.append({"comment_id": str(comment_id), "error": exc.code, "message": exc.message})
    if refused:
        raise ModerationError(
            "BULK_REFUSED",
            f"{len(refused)} of {len(ids)} comments cannot be decided; none was.",
            409,
            refused=refused,
        )
    return states


def ensure_reported(open_reports: int) -> None:
    """A decision on reports needs open reports."""
    if open_reports == 0:
        raise ModerationError("NO_OPEN_REPORTS", "This comment has no open reports.", 409)


def lease_until(now: datetime, *, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)


def _existing(item: Item | None) -> Item:
    if item is None:
        raise ModerationError("COMMENT_NOT_IN_QUEUE", "There is no such comment in the queue.", 404)
    if item.erased:
        raise ModerationError("COMMENT_ERASED", "Its author had this comment erased.", 409)
    return item


def _wrong_state(state: str, decision: str) -> ModerationError:
    if state == "withdrawn":
        return ModerationError("COMMENT_WITHDRAWN", "This comment was withdrawn.", 409)
    if decision in ("hide", "dismiss"):
        if state == "hidden":
            return ModerationError("COMMENT_ALREADY_HIDDEN", "This comment is hidden already.", 409)
        return ModerationError("COMMENT_NOT_PUBLISHED", "Only a published comment can be hidden.", 409)
    return ModerationError("COMMENT_ALREADY_DECIDED", "This comment has already been decided.", 409)


def _claimed(item: Item) -> ModerationError:
    until = item.claim_expires_at.isoformat() if item.claim_expires_at else None
    return ModerationError(
        "CLAIMED_BY_OTHER", "Another moderator is working on this comment.", 409, claimed_until=until
    )


def unique_ids(ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The ids of a bulk decision, each once, in the order given; between 1 and BULK_MAX of them."""
    unique = list(dict.fromkeys(ids))
    if not unique or len(unique) > BULK_MAX:
        raise ModerationError("BULK_SIZE", f"A bulk decision takes 1 to {BULK_MAX} comments.")
    return unique


def report_state(item_state: str, *, erased: bool) -> str:
    """How a report starts: open on a published comment, closed at once on one hidden or gone."""
    if erased or item_state not in ("approved", "hidden"):
        return "void"
    return "open" if item_state == "approved" else "hidden"


@dataclass(frozen=True)
class Policy:
    auto_reject_spam: bool
    spam_reject_score: int
    auto_approve_unflagged: bool


def automatic_decision(flags: Sequence[Flag], *, spam_score: int, policy: Policy) -> Decision | None:
    """Clear spam is rejected, unflagged comments approved, where the policy says so; else a human decides."""
    if policy.auto_reject_spam and spam_score >= policy.spam_reject_score:
        return Decision(decision="reject", reason_code="SPAM", note=None)
    if policy.auto_approve_unflagged and not flags:
        return Decision(decision="approve", reason_code=None, note=None)
    return None
