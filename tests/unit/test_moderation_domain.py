"""Moderation's rules for decisions."""

from __future__ import annotations

import pytest

from radar_moderation.domain import ModerationError, check_decision, ensure_decidable

pytestmark = pytest.mark.unit


def code_of(call: object) -> str:
    with pytest.raises(ModerationError) as info:
        call()  # type: ignore[operator]
    return info.value.code


def test_rejection_needs_a_netiquette_reason() -> None:
    assert (
        code_of(lambda: check_decision(decision="reject", reason_code=None, note=None)) == "REASON_REQUIRED"
    )
    assert (
        code_of(lambda: check_decision(decision="reject", reason_code="RUDE", note=None)) == "REASON_REQUIRED"
    )
    decision = check_decision(decision="reject", reason_code="INSULT", note="  persönlich  ")
    assert (decision.reason_code, decision.note) == ("INSULT", "persönlich")


def test_approval_takes_no_reason_and_unknown_decisions_are_refused() -> None:
    assert (
        code_of(lambda: check_decision(decision="approve", reason_code="SPAM", note=None))
        == "REASON_NOT_ALLOWED"
    )
    assert (
        code_of(lambda: check_decision(decision="maybe", reason_code=None, note=None)) == "DECISION_UNKNOWN"
    )


def test_over_long_note_is_refused() -> None:
    assert (
        code_of(lambda: check_decision(decision="approve", reason_code=None, note="x" * 1001))
        == "NOTE_TOO_LONG"
    )


def test_only_pending_items_can_be_decided() -> None:
    assert code_of(lambda: ensure_decidable(None)) == "COMMENT_NOT_IN_QUEUE"
    assert code_of(lambda: ensure_decidable("decided")) == "COMMENT_ALREADY_DECIDED"
    ensure_decidable("pending")
