"""The rules of moderation, free of frameworks."""

from __future__ import annotations

from dataclasses import dataclass

from radar_lib.errors import RuleBroken

# Reasons a comment may be rejected for, from the published netiquette.
NETIQUETTE_REASONS = {
    "INSULT": "Beleidigung oder persönlicher Angriff",
    "DISCRIMINATION": "Diskriminierende oder menschenverachtende Äußerung",
    "PERSONAL_DATA": "Personenbezogene Daten Dritter oder eigene Kontaktdaten",
    "SPAM": "Spam, Werbung oder wiederholte Beiträge",
    "OFF_TOPIC": "Kein Bezug zur Maßnahme",
    "ILLEGAL": "Rechtswidriger Inhalt",
}
DECISIONS = ("approve", "reject")
NOTE_MAX_LENGTH = 1000


class ModerationError(RuleBroken):
    """A rule of this service was broken."""


@dataclass(frozen=True)
class Decision:
    decision: str
    reason_code: str | None
    note: str | None


def check_decision(*, decision: str, reason_code: str | None, note: str | None) -> Decision:
    """A decision as it will be recorded: rejections need a netiquette reason."""
    if decision not in DECISIONS:
        raise ModerationError("DECISION_UNKNOWN", f"decision must be one of {', '.join(DECISIONS)}")
    if decision == "reject" and reason_code not in NETIQUETTE_REASONS:
        raise ModerationError(
            "REASON_REQUIRED", f"A rejection needs a reason from: {', '.join(NETIQUETTE_REASONS)}"
        )
    if decision == "approve" and reason_code is not None:
        raise ModerationError("REASON_NOT_ALLOWED", "An approval takes no reason code.")
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > NOTE_MAX_LENGTH:
        raise ModerationError("NOTE_TOO_LONG", f"The note is longer than {NOTE_MAX_LENGTH} characters.")
    return Decision(decision=decision, reason_code=reason_code, note=cleaned)


def ensure_decidable(state: str | None) -> None:
    """Only a queued, undecided comment can be decided."""
    if state is None:
        raise ModerationError("COMMENT_NOT_IN_QUEUE", "There is no such comment in the queue.", 404)
    if state != "pending":
        raise ModerationError("COMMENT_ALREADY_DECIDED", "This comment has already been decided.", 409)
